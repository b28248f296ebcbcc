/** The super-user cap as the organisation page explains it. */

export interface Capacity {
  superUsers: number;
  cap: number;
  /** Super-user places still free (never negative, even if the cap was lowered). */
  free: number;
  full: boolean;
}

export function capacity(superUsers: number, cap: number): Capacity {
  const free = Math.max(0, cap - superUsers);
  return { superUsers, cap, free, full: free === 0 };
}

export function capacityText({ superUsers, cap, free }: Capacity): string {
  const places = free === 1 ? '1 place' : `${free} places`;
  return free === 0
    ? `${superUsers} of ${cap} super users: the cap is reached. Add people as members, or make a super user a member first.`
    : `${superUsers} of ${cap} super users (${places} left).`;
}
