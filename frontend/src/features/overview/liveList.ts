/**
 * The loaded part of the overview list, and how pages and live `requestsChanged` messages
 * change it. Pure functions over plain data, so they are tested without a server.
 *
 * Ordering mirrors the server's documented sort keys (see `RequestOrderField`), so a live row
 * lands where a reload would put it. A row that sorts after the last loaded row while more
 * pages exist is not shown yet (it belongs to a later page); "load more" brings it, and pages
 * are de-duplicated by ID in case a row moved across the page boundary.
 */
import type { Sort } from './filters';

/** The fields ordering needs; rows carry more. */
export interface SortableRow {
  id: string;
  reference: string;
  status: string;
  priorityRank: number;
  dueAt?: string | null;
  createdAt: string;
  updatedAt: string;
  reporter: { displayName: string };
  assignee?: { displayName: string } | null;
}

export interface ListState<R extends SortableRow> {
  rows: R[];
  /** null until the server counted. */
  totalCount: number | null;
  hasNextPage: boolean;
  endCursor: string | null;
  /** IDs of rows that arrived or changed live, for a short highlight. */
  fresh: string[];
}

export interface Page<R extends SortableRow> {
  nodes: R[];
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

export type ChangeKind = 'ADDED' | 'UPDATED' | 'REMOVED';

export interface Change<R extends SortableRow> {
  kind: ChangeKind;
  requestId: string;
  request?: R | null;
}

/** The order the list is shown in: the chosen sort, or the server default. */
export interface ListOrder {
  sort: Sort | null;
  /** Searching without a sort orders by relevance, which the client cannot compute. */
  searching: boolean;
}

export function emptyList<R extends SortableRow>(): ListState<R> {
  return { rows: [], totalCount: null, hasNextPage: false, endCursor: null, fresh: [] };
}

/** The first page replaces the list; later pages are appended without duplicates. */
export function withPage<R extends SortableRow>(
  state: ListState<R>,
  page: Page<R>,
  first: boolean,
): ListState<R> {
  const base = first ? [] : state.rows;
  const known = new Set(base.map((row) => row.id));
  const rows = [...base, ...page.nodes.filter((row) => !known.has(row.id))];
  return {
    rows,
    totalCount: page.totalCount,
    hasNextPage: page.pageInfo.hasNextPage,
    endCursor: page.pageInfo.endCursor ?? null,
    fresh: first ? [] : state.fresh,
  };
}

// The documented STATUS order: open statuses in workflow order, then the closed ones.
const STATUS_ORDER = [
  'WAITING_FOR_SUPPORT',
  'WAITING_FOR_CUSTOMER',
  'UNDER_INVESTIGATION',
  'UNDER_REVIEW',
  'ESCALATED',
  'REOPENED',
  'RESOLVED',
  'CLOSED',
  'CANCELLED',
];

function referenceNumber(reference: string): number {
  const match = /(\d+)\s*$/.exec(reference);
  return match?.[1] ? Number(match[1]) : 0;
}

function time(value: string | null | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

type Key = number | string | null;

function keyOf(row: SortableRow, field: Sort['field']): Key {
  switch (field) {
    case 'REFERENCE':
      return referenceNumber(row.reference);
    case 'REQUESTER':
      return row.reporter.displayName.toLowerCase();
    case 'ASSIGNEE':
      return row.assignee ? row.assignee.displayName.toLowerCase() : null;
    case 'DUE_DATE':
      return time(row.dueAt);
    case 'PRIORITY':
      return row.priorityRank;
    case 'STATUS': {
      const index = STATUS_ORDER.indexOf(row.status);
      return index < 0 ? STATUS_ORDER.length : index;
    }
    case 'CREATED_AT':
      return time(row.createdAt);
    case 'UPDATED_AT':
      return time(row.updatedAt);
  }
}

function compareKeys(a: Key, b: Key, direction: Sort['direction']): number {
  // Rows without the value (no assignee, no due date) come last in both directions.
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const order = a < b ? -1 : a > b ? 1 : 0;
  return direction === 'ASC' ? order : -order;
}

/** Negative when `a` is shown before `b`; the reference breaks ties, in the sort's direction. */
export function compareRows(a: SortableRow, b: SortableRow, sort: Sort | null): number {
  const effective: Sort = sort ?? { field: 'CREATED_AT', direction: 'DESC' };
  const byKey = compareKeys(keyOf(a, effective.field), keyOf(b, effective.field), effective.direction);
  if (byKey !== 0) return byKey;
  return compareKeys(referenceNumber(a.reference), referenceNumber(b.reference), effective.direction);
}

/** Where `row` goes in `rows` (already ordered); `rows.length` when after the last one. */
function insertionIndex<R extends SortableRow>(rows: R[], row: R, order: ListOrder): number {
  if (order.searching && !order.sort) return 0; // relevance: new matches first, like a feed
  const index = rows.findIndex((other) => compareRows(row, other, order.sort) < 0);
  return index < 0 ? rows.length : index;
}

function place<R extends SortableRow>(state: ListState<R>, row: R, order: ListOrder, at?: number) {
  const rows = state.rows.filter((other) => other.id !== row.id);
  const index = at ?? insertionIndex(rows, row, order);
  // Beyond the loaded window while more pages exist: the row belongs to a later page.
  if (index >= rows.length && state.hasNextPage) return { rows, shown: false };
  rows.splice(index, 0, row);
  return { rows, shown: true };
}

function markFresh(fresh: string[], id: string): string[] {
  return [...fresh.filter((other) => other !== id), id].slice(-20);
}

/** The list after one `requestsChanged` message. Messages may repeat: applying one twice
 * gives the same list (ADDED for a row already there updates it in place). */
export function applyChange<R extends SortableRow>(
  state: ListState<R>,
  change: Change<R>,
  order: ListOrder,
): ListState<R> {
  const existing = state.rows.findIndex((row) => row.id === change.requestId);
  if (change.kind === 'REMOVED' || !change.request) {
    if (existing < 0) {
      // Not loaded (a later page) but it still left the list.
      return change.kind === 'REMOVED' && state.totalCount !== null && state.hasNextPage
        ? { ...state, totalCount: Math.max(0, state.totalCount - 1) }
        : state;
    }
    return {
      ...state,
      rows: state.rows.filter((row) => row.id !== change.requestId),
      totalCount: state.totalCount === null ? null : Math.max(0, state.totalCount - 1),
      fresh: state.fresh.filter((id) => id !== change.requestId),
    };
  }
  const row = change.request;
  // Relevance order cannot be recomputed here: a changed row keeps its place.
  const keepPlace = existing >= 0 && order.searching && !order.sort ? existing : undefined;
  const { rows, shown } = place(state, row, order, keepPlace);
  // New to the count: ADDED, or an update of a row the complete list did not have yet.
  const added = existing < 0 && (change.kind === 'ADDED' || !state.hasNextPage);
  return {
    ...state,
    rows,
    totalCount:
      state.totalCount === null ? null : added ? state.totalCount + 1 : state.totalCount,
    fresh: shown ? markFresh(state.fresh, row.id) : state.fresh,
  };
}
