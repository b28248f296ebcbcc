/**
 * The request's timeline as the page shows it: the events the detail query loaded, joined with
 * those the `requestTimeline` subscription delivers. The subscription resumes `after` the last
 * loaded event, and a re-fetch of the detail may return events that also arrived live, so
 * joining must never show one event twice or lose the order.
 */

export interface EventLike {
  id: string;
  createdAt: string;
}

/**
 * `base` (in order) followed by the events of `incoming` not in it, in their order; a later
 * copy of an event replaces the earlier one in place (it may carry fresher nested data).
 */
export function mergeEvents<E extends EventLike>(base: readonly E[], incoming: readonly E[]): E[] {
  if (incoming.length === 0) return base as E[];
  const index = new Map<string, number>();
  const merged = [...base];
  merged.forEach((event, i) => index.set(event.id, i));
  for (const event of incoming) {
    const at = index.get(event.id);
    if (at === undefined) {
      index.set(event.id, merged.length);
      merged.push(event);
    } else {
      merged[at] = event;
    }
  }
  return merged;
}

/** The ID to resume the subscription after: the newest loaded event. */
export function lastEventId(events: readonly EventLike[]): string | null {
  return events.at(-1)?.id ?? null;
}

/** Kinds after which the request's header (status, assignee, priority, ...) is stale. */
const CHANGES_REQUEST = new Set([
  'StatusChangedEvent',
  'AssignedEvent',
  'PriorityChangedEvent',
  'VisibilityChangedEvent',
  'ParticipantAddedEvent',
  'ParticipantRemovedEvent',
  'FieldChangedEvent',
  'AttachmentAddedEvent',
  'EscalatedEvent',
  'CancelledEvent',
  'ReopenedEvent',
  // Not CommentAddedEvent: a reply that moves the status comes with its own status event.
]);

export function changesRequest(typename: string | undefined): boolean {
  return typename !== undefined && CHANGES_REQUEST.has(typename);
}

/** A JSON value of a field as people read it. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (Array.isArray(value)) return value.length ? value.map(formatValue).join(', ') : '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
