/** Labels and colours shared by every screen: statuses, priorities, dates, sizes. */

export type RequestStatus =
  | 'WAITING_FOR_SUPPORT'
  | 'WAITING_FOR_CUSTOMER'
  | 'UNDER_INVESTIGATION'
  | 'UNDER_REVIEW'
  | 'ESCALATED'
  | 'RESOLVED'
  | 'CLOSED'
  | 'REOPENED'
  | 'CANCELLED';

export const STATUS_LABELS: Record<RequestStatus, string> = {
  WAITING_FOR_SUPPORT: 'Waiting for support',
  WAITING_FOR_CUSTOMER: 'Waiting for customer',
  UNDER_INVESTIGATION: 'Under investigation',
  UNDER_REVIEW: 'Under review',
  ESCALATED: 'Escalated',
  RESOLVED: 'Resolved',
  CLOSED: 'Closed',
  REOPENED: 'Reopened',
  CANCELLED: 'Cancelled',
};

/** Mantine colour names; chosen so that badge text keeps AA contrast in the light variant. */
export const STATUS_COLORS: Record<RequestStatus, string> = {
  WAITING_FOR_SUPPORT: 'blue',
  WAITING_FOR_CUSTOMER: 'orange',
  UNDER_INVESTIGATION: 'violet',
  UNDER_REVIEW: 'cyan',
  ESCALATED: 'red',
  RESOLVED: 'green',
  CLOSED: 'gray',
  REOPENED: 'indigo',
  CANCELLED: 'gray',
};

export const OPEN_STATUSES: readonly RequestStatus[] = [
  'WAITING_FOR_SUPPORT',
  'WAITING_FOR_CUSTOMER',
  'UNDER_INVESTIGATION',
  'UNDER_REVIEW',
  'ESCALATED',
  'REOPENED',
];

export function statusLabel(status: string): string {
  return STATUS_LABELS[status as RequestStatus] ?? humanize(status);
}

export function statusColor(status: string): string {
  return STATUS_COLORS[status as RequestStatus] ?? 'gray';
}

export function isOpenStatus(status: string): boolean {
  return OPEN_STATUSES.includes(status as RequestStatus);
}

/** Priority colour by rank (1 = most urgent) within a scheme of `levels` levels. */
export function priorityColor(rank: number | null | undefined, levels = 4): string {
  if (rank == null) return 'gray';
  const palette = ['red', 'orange', 'yellow', 'blue', 'gray'];
  if (levels <= 1) return palette[0] ?? 'red';
  // Spread the scheme's ranks over the palette so 4 and 5 level schemes both look sensible.
  const index = Math.round(((rank - 1) / (levels - 1)) * (palette.length - 1));
  return palette[Math.min(Math.max(index, 0), palette.length - 1)] ?? 'gray';
}

/** "P2 High" style label from a priority level (or just its key when the level is unknown). */
export function priorityLabel(
  level: { key: string; name: string } | null | undefined,
  key?: string,
): string {
  if (level) return level.key === level.name ? level.name : `${level.key} · ${level.name}`;
  return key ?? '—';
}

export const URGENCY_LABELS: Record<string, string> = {
  HIGH: 'High',
  MEDIUM: 'Medium',
  LOW: 'Low',
};

export const IMPACT_LABELS = URGENCY_LABELS;

export const VISIBILITY_LABELS: Record<string, string> = {
  PRIVATE: 'Private',
  ORGANISATION: 'Shared with organisation',
};

export const ROLE_LABELS: Record<string, string> = {
  SUPER_USER: 'Super user',
  MEMBER: 'Member',
  CUSTOMER: 'Customer',
  AGENT: 'Agent',
  ADMIN: 'Admin',
};

/** WAITING_FOR_SUPPORT -> "Waiting for support". */
export function humanize(value: string): string {
  const text = value.toLowerCase().replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
});
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

function toDate(value: string | Date | null | undefined): Date | null {
  if (value == null) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "21 Nov 2026, 14:05" in the browser's locale and time zone. */
export function formatDateTime(value: string | Date | null | undefined): string {
  const date = toDate(value);
  return date ? dateTimeFormat.format(date) : '—';
}

/** "21 Nov 2026". Plain YYYY-MM-DD strings are shown as that calendar day (no time zone). */
export function formatDate(value: string | Date | null | undefined): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split('-').map(Number);
    return dateFormat.format(new Date(y ?? 0, (m ?? 1) - 1, d ?? 1));
  }
  const date = toDate(value);
  return date ? dateFormat.format(date) : '—';
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "5 minutes ago", "yesterday"; falls back to the date after a week. */
export function formatRelative(value: string | Date | null | undefined, now = new Date()): string {
  const date = toDate(value);
  if (!date) return '—';
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return relative.format(Math.round(seconds / 3600), 'hour');
  if (abs < 7 * 86400) return relative.format(Math.round(seconds / 86400), 'day');
  return formatDate(date);
}

/** 1536 -> "1.5 KB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Initials for an avatar: "Alice Anders" -> "AA". */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : parts;
  return letters.map((p) => p?.charAt(0).toUpperCase() ?? '').join('') || '?';
}
