/** The column choice as data: which columns, in which order (pure; saved by the page). */
import type { OverviewColumn } from '../../gql/graphql';

export const ALL_COLUMNS: OverviewColumn[] = [
  'REFERENCE',
  'SUMMARY',
  'STATUS',
  'REQUESTER',
  'REQUEST_TYPE',
  'PRIORITY',
  'ASSIGNEE',
  'DUE_DATE',
  'UPDATED',
  'CREATED',
  'ORGANISATION',
  'PARTICIPANTS',
];

/** The server's default set (shown until the viewer's choice has loaded). */
export const DEFAULT_COLUMNS: OverviewColumn[] = [
  'REFERENCE',
  'SUMMARY',
  'STATUS',
  'REQUESTER',
  'REQUEST_TYPE',
  'PRIORITY',
  'ASSIGNEE',
  'DUE_DATE',
  'UPDATED',
];

/** A row must stay recognisable: the server insists on the reference or the summary. */
export const IDENTIFYING: OverviewColumn[] = ['REFERENCE', 'SUMMARY'];

/** Show a hidden column (at the end) or hide a shown one, unless that would leave no
 * identifying column. */
export function toggleColumn(columns: OverviewColumn[], column: OverviewColumn): OverviewColumn[] {
  if (!columns.includes(column)) return [...columns, column];
  const rest = columns.filter((c) => c !== column);
  return rest.some((c) => IDENTIFYING.includes(c)) ? rest : columns;
}

/** Move a shown column one place earlier (-1) or later (+1); at the edge nothing changes. */
export function moveColumn(
  columns: OverviewColumn[],
  column: OverviewColumn,
  step: -1 | 1,
): OverviewColumn[] {
  const from = columns.indexOf(column);
  const to = from + step;
  if (from < 0 || to < 0 || to >= columns.length) return columns;
  const next = [...columns];
  next.splice(from, 1);
  next.splice(to, 0, column);
  return next;
}

/** Whether two choices are the same (nothing to save). */
export function sameColumns(a: readonly OverviewColumn[], b: readonly OverviewColumn[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}
