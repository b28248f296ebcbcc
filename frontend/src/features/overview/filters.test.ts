import { describe, expect, it } from 'vitest';

import {
  DEFAULT_STATE,
  isFiltered,
  nextSort,
  parseSearchParams,
  toOrderBy,
  toRequestFilter,
  toSearchParams,
  type OverviewState,
} from './filters';

const parse = (query: string) => parseSearchParams(new URLSearchParams(query));

describe('URL <-> overview state', () => {
  it('reads an empty query string as the default view', () => {
    expect(parse('')).toEqual(DEFAULT_STATE);
    expect(toSearchParams(DEFAULT_STATE).toString()).toBe('');
  });

  it('round-trips every filter and the sort', () => {
    const state: OverviewState = {
      search: 'printer "on fire"',
      status: 'CLOSED',
      ownership: 'COLLEAGUES',
      requestTypeIds: ['UmVxdWVzdFR5cGU6MQ==', 'UmVxdWVzdFR5cGU6Mg=='],
      organisationIds: ['T3JnYW5pc2F0aW9uOjE='],
      sort: { field: 'DUE_DATE', direction: 'DESC' },
    };
    const query = toSearchParams(state).toString();
    expect(query).toContain('status=closed');
    expect(query).toContain('owner=colleagues');
    expect(query).toContain('sort=due_date');
    expect(query).toContain('dir=desc');
    expect(parse(query)).toEqual(state);
  });

  it('leaves defaults out of the URL', () => {
    const query = toSearchParams({ ...DEFAULT_STATE, ownership: 'ME' }).toString();
    expect(query).toBe('owner=me');
  });

  it('falls back to defaults for unknown or malformed values', () => {
    const state = parse('status=bogus&owner=&sort=NOPE&dir=sideways&type=&type=%20');
    expect(state).toEqual(DEFAULT_STATE);
  });

  it('accepts upper-case values and a sort without direction (ascending)', () => {
    const state = parse('status=ANY&owner=Participating&sort=PRIORITY');
    expect(state.status).toBe('ANY');
    expect(state.ownership).toBe('PARTICIPATING');
    expect(state.sort).toEqual({ field: 'PRIORITY', direction: 'ASC' });
  });

  it('drops duplicate IDs and keeps at most 100', () => {
    const many = Array.from({ length: 150 }, (_, i) => `type=id${i}`).join('&');
    expect(parse(`type=a&type=a&type=b`).requestTypeIds).toEqual(['a', 'b']);
    expect(parse(many).requestTypeIds).toHaveLength(100);
  });
});

describe('state -> query variables', () => {
  it('sends only what restricts the list', () => {
    expect(toRequestFilter(DEFAULT_STATE)).toEqual({ statusCategory: 'OPEN', ownership: 'ANY' });
    expect(toOrderBy(DEFAULT_STATE)).toBeNull();
  });

  it('trims the search and passes the lists and the sort', () => {
    const state: OverviewState = {
      ...DEFAULT_STATE,
      search: '  vpn  ',
      requestTypeIds: ['t1'],
      organisationIds: ['o1'],
      sort: { field: 'STATUS', direction: 'ASC' },
    };
    expect(toRequestFilter(state)).toEqual({
      statusCategory: 'OPEN',
      ownership: 'ANY',
      search: 'vpn',
      requestTypeIds: ['t1'],
      organisationIds: ['o1'],
    });
    expect(toOrderBy(state)).toEqual([{ field: 'STATUS', direction: 'ASC' }]);
  });

  it('knows when the view is filtered', () => {
    expect(isFiltered(DEFAULT_STATE)).toBe(false);
    expect(isFiltered({ ...DEFAULT_STATE, search: '   ' })).toBe(false);
    expect(isFiltered({ ...DEFAULT_STATE, organisationIds: ['o'] })).toBe(true);
    // Sorting is not filtering.
    expect(isFiltered({ ...DEFAULT_STATE, sort: { field: 'STATUS', direction: 'ASC' } })).toBe(
      false,
    );
  });
});

describe('clicking a column header', () => {
  it('cycles ascending, descending, default for most columns', () => {
    const first = nextSort(null, 'PRIORITY');
    expect(first).toEqual({ field: 'PRIORITY', direction: 'ASC' });
    const second = nextSort(first, 'PRIORITY');
    expect(second).toEqual({ field: 'PRIORITY', direction: 'DESC' });
    expect(nextSort(second, 'PRIORITY')).toBeNull();
  });

  it('starts dates with the newest first', () => {
    const first = nextSort(null, 'UPDATED_AT');
    expect(first).toEqual({ field: 'UPDATED_AT', direction: 'DESC' });
    expect(nextSort(first, 'UPDATED_AT')).toEqual({ field: 'UPDATED_AT', direction: 'ASC' });
  });

  it('switching columns starts over', () => {
    expect(nextSort({ field: 'STATUS', direction: 'DESC' }, 'REFERENCE')).toEqual({
      field: 'REFERENCE',
      direction: 'ASC',
    });
  });
});
