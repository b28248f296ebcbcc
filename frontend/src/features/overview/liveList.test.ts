import { describe, expect, it } from 'vitest';

import {
  applyChange,
  compareRows,
  emptyList,
  withPage,
  type ListOrder,
  type ListState,
  type SortableRow,
} from './liveList';

interface Row extends SortableRow {
  summary: string;
}

function row(n: number, extra: Partial<Row> = {}): Row {
  const minute = String(n).padStart(2, '0');
  return {
    id: `r${n}`,
    reference: `FD-${n}`,
    summary: `Request ${n}`,
    status: 'WAITING_FOR_SUPPORT',
    priorityRank: 3,
    dueAt: null,
    createdAt: `2031-03-01T09:${minute}:00+00:00`,
    updatedAt: `2031-03-01T09:${minute}:00+00:00`,
    reporter: { displayName: 'Alice' },
    assignee: null,
    ...extra,
  };
}

const NEWEST_FIRST: ListOrder = { sort: null, searching: false };

function list(rows: Row[], more = false): ListState<Row> {
  return withPage(
    emptyList<Row>(),
    {
      nodes: rows,
      totalCount: rows.length + (more ? 10 : 0),
      pageInfo: { hasNextPage: more, endCursor: more ? 'c' : null },
    },
    true,
  );
}

const ids = (state: ListState<Row>) => state.rows.map((r) => r.id);

describe('pages', () => {
  it('replaces on the first page and appends later pages without duplicates', () => {
    const first = list([row(5), row(4), row(3)], true);
    const more = withPage(
      first,
      { nodes: [row(3), row(2)], totalCount: 5, pageInfo: { hasNextPage: false, endCursor: null } },
      false,
    );
    expect(ids(more)).toEqual(['r5', 'r4', 'r3', 'r2']);
    expect(more.hasNextPage).toBe(false);
    expect(more.totalCount).toBe(5);
  });
});

describe('requestsChanged messages', () => {
  it('ADDED puts a new request where the order wants it and counts it', () => {
    const state = list([row(5), row(3)]);
    const after = applyChange(state, { kind: 'ADDED', requestId: 'r4', request: row(4) }, NEWEST_FIRST);
    expect(ids(after)).toEqual(['r5', 'r4', 'r3']);
    expect(after.totalCount).toBe(3);
    expect(after.fresh).toEqual(['r4']);
  });

  it('ADDED twice is the same as once', () => {
    const state = list([row(5)]);
    const change = { kind: 'ADDED' as const, requestId: 'r6', request: row(6) };
    const once = applyChange(state, change, NEWEST_FIRST);
    const twice = applyChange(once, change, NEWEST_FIRST);
    expect(ids(twice)).toEqual(['r6', 'r5']);
    expect(twice.totalCount).toBe(2);
  });

  it('UPDATED replaces the row and moves it when its sort key changed', () => {
    const byUpdate: ListOrder = { sort: { field: 'UPDATED_AT', direction: 'DESC' }, searching: false };
    const state = list([row(3), row(2), row(1)]);
    const changed = row(1, { summary: 'Now urgent', updatedAt: '2031-03-02T00:00:00+00:00' });
    const after = applyChange(state, { kind: 'UPDATED', requestId: 'r1', request: changed }, byUpdate);
    expect(ids(after)).toEqual(['r1', 'r3', 'r2']);
    expect(after.rows[0]?.summary).toBe('Now urgent');
    expect(after.totalCount).toBe(3);
  });

  it('REMOVED takes the row out and lowers the count; unknown rows change nothing', () => {
    const state = list([row(3), row(2)]);
    const after = applyChange(state, { kind: 'REMOVED', requestId: 'r3', request: null }, NEWEST_FIRST);
    expect(ids(after)).toEqual(['r2']);
    expect(after.totalCount).toBe(1);
    expect(applyChange(after, { kind: 'REMOVED', requestId: 'r3' }, NEWEST_FIRST)).toBe(after);
  });

  it('a row that sorts beyond the loaded page waits for "load more"', () => {
    const state = list([row(9), row(8)], true);
    const old = row(1);
    const after = applyChange(state, { kind: 'ADDED', requestId: 'r1', request: old }, NEWEST_FIRST);
    expect(ids(after)).toEqual(['r9', 'r8']);
    expect(after.totalCount).toBe(state.totalCount! + 1);
    // Without further pages it is appended.
    const complete = list([row(9), row(8)]);
    expect(ids(applyChange(complete, { kind: 'ADDED', requestId: 'r1', request: old }, NEWEST_FIRST))).toEqual(
      ['r9', 'r8', 'r1'],
    );
  });

  it('REMOVED of a row on a later page still lowers the count', () => {
    const state = list([row(9)], true);
    const after = applyChange(state, { kind: 'REMOVED', requestId: 'r1' }, NEWEST_FIRST);
    expect(after.totalCount).toBe(state.totalCount! - 1);
    expect(ids(after)).toEqual(['r9']);
  });

  it('while searching without a sort, new matches come first and changed rows stay put', () => {
    const searching: ListOrder = { sort: null, searching: true };
    const state = list([row(2), row(7), row(4)]);
    const added = applyChange(state, { kind: 'ADDED', requestId: 'r1', request: row(1) }, searching);
    expect(ids(added)).toEqual(['r1', 'r2', 'r7', 'r4']);
    const updated = applyChange(
      added,
      { kind: 'UPDATED', requestId: 'r7', request: row(7, { summary: 'x', updatedAt: '2032-01-01T00:00:00Z' }) },
      searching,
    );
    expect(ids(updated)).toEqual(['r1', 'r2', 'r7', 'r4']);
    expect(updated.rows[2]?.summary).toBe('x');
  });
});

describe('ordering like the server', () => {
  const rows = [
    row(1, { assignee: { displayName: 'Zoe' }, dueAt: '2031-04-02T00:00:00Z', status: 'CLOSED', priorityRank: 4 }),
    row(2, { assignee: null, dueAt: null, status: 'REOPENED', priorityRank: 1 }),
    row(3, { assignee: { displayName: 'adam' }, dueAt: '2031-04-01T00:00:00Z', status: 'WAITING_FOR_SUPPORT', priorityRank: 2 }),
  ];
  const sorted = (field: Parameters<typeof compareRows>[2]) =>
    [...rows].sort((a, b) => compareRows(a, b, field)).map((r) => r.id);

  it('puts rows without assignee or due date last in both directions', () => {
    expect(sorted({ field: 'ASSIGNEE', direction: 'ASC' })).toEqual(['r3', 'r1', 'r2']);
    expect(sorted({ field: 'ASSIGNEE', direction: 'DESC' })).toEqual(['r1', 'r3', 'r2']);
    expect(sorted({ field: 'DUE_DATE', direction: 'ASC' })).toEqual(['r3', 'r1', 'r2']);
    expect(sorted({ field: 'DUE_DATE', direction: 'DESC' })).toEqual(['r1', 'r3', 'r2']);
  });

  it('orders statuses in workflow order and priorities by rank', () => {
    expect(sorted({ field: 'STATUS', direction: 'ASC' })).toEqual(['r3', 'r2', 'r1']);
    expect(sorted({ field: 'PRIORITY', direction: 'ASC' })).toEqual(['r2', 'r3', 'r1']);
  });

  it('orders references by number, not as text', () => {
    const a = row(9);
    const b = row(10);
    expect(compareRows(a, b, { field: 'REFERENCE', direction: 'ASC' })).toBeLessThan(0);
    expect(compareRows(a, b, null)).toBeGreaterThan(0); // default: newest first
  });
});
