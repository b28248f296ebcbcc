/**
 * The overview's filter and sort state, and its two mappings: to and from the URL query string
 * (so reload, back and shared links keep the view) and to the `requests` query's variables.
 *
 * The URL uses short lower-case words (`?status=closed&owner=me&sort=due_date&dir=asc`);
 * defaults are left out so a plain `/requests` is the default view. Unknown or malformed
 * values fall back to the default instead of failing the page.
 */

export const STATUS_CATEGORIES = ['OPEN', 'CLOSED', 'ANY'] as const;
export type StatusCategoryValue = (typeof STATUS_CATEGORIES)[number];

export const OWNERSHIPS = ['ANY', 'ME', 'COLLEAGUES', 'PARTICIPATING'] as const;
export type OwnershipValue = (typeof OWNERSHIPS)[number];

export const SORT_FIELDS = [
  'REFERENCE',
  'REQUESTER',
  'DUE_DATE',
  'ASSIGNEE',
  'PRIORITY',
  'STATUS',
  'CREATED_AT',
  'UPDATED_AT',
] as const;
export type SortField = (typeof SORT_FIELDS)[number];
export type SortDirection = 'ASC' | 'DESC';

export interface Sort {
  field: SortField;
  direction: SortDirection;
}

export interface OverviewState {
  /** Full-text search words, as typed. */
  search: string;
  status: StatusCategoryValue;
  ownership: OwnershipValue;
  requestTypeIds: string[];
  organisationIds: string[];
  /** null: the server's default order (newest first; best match first when searching). */
  sort: Sort | null;
}

export const DEFAULT_STATE: OverviewState = {
  search: '',
  status: 'OPEN',
  ownership: 'ANY',
  requestTypeIds: [],
  organisationIds: [],
  sort: null,
};

/** Most values of a list filter the API takes. */
const MAX_IDS = 100;
/** The longest search text we keep from a URL (a pasted link is not a place for essays). */
const MAX_SEARCH = 500;

function pick<T extends string>(raw: string | null, allowed: readonly T[], fallback: T): T {
  if (raw === null) return fallback;
  const upper = raw.trim().toUpperCase();
  return (allowed as readonly string[]).includes(upper) ? (upper as T) : fallback;
}

function ids(params: URLSearchParams, key: string): string[] {
  const seen = new Set<string>();
  for (const value of params.getAll(key)) {
    const id = value.trim();
    if (id) seen.add(id);
  }
  return [...seen].slice(0, MAX_IDS);
}

export function parseSearchParams(params: URLSearchParams): OverviewState {
  const field = params.get('sort');
  const sortField = field === null ? null : pick<SortField | ''>(field, SORT_FIELDS, '');
  return {
    search: (params.get('q') ?? '').slice(0, MAX_SEARCH),
    status: pick(params.get('status'), STATUS_CATEGORIES, DEFAULT_STATE.status),
    ownership: pick(params.get('owner'), OWNERSHIPS, DEFAULT_STATE.ownership),
    requestTypeIds: ids(params, 'type'),
    organisationIds: ids(params, 'org'),
    sort: sortField
      ? { field: sortField, direction: params.get('dir')?.toLowerCase() === 'desc' ? 'DESC' : 'ASC' }
      : null,
  };
}

export function toSearchParams(state: OverviewState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.search.trim()) params.set('q', state.search);
  if (state.status !== DEFAULT_STATE.status) params.set('status', state.status.toLowerCase());
  if (state.ownership !== DEFAULT_STATE.ownership) {
    params.set('owner', state.ownership.toLowerCase());
  }
  for (const id of state.requestTypeIds) params.append('type', id);
  for (const id of state.organisationIds) params.append('org', id);
  if (state.sort) {
    params.set('sort', state.sort.field.toLowerCase());
    params.set('dir', state.sort.direction.toLowerCase());
  }
  return params;
}

/** The `RequestFilter` input for this state (empty lists and blank search left out). */
export interface RequestFilterVariables {
  statusCategory: StatusCategoryValue;
  ownership: OwnershipValue;
  search?: string;
  requestTypeIds?: string[];
  organisationIds?: string[];
}

export function toRequestFilter(state: OverviewState): RequestFilterVariables {
  const filter: RequestFilterVariables = {
    statusCategory: state.status,
    ownership: state.ownership,
  };
  const search = state.search.trim();
  if (search) filter.search = search;
  if (state.requestTypeIds.length) filter.requestTypeIds = state.requestTypeIds;
  if (state.organisationIds.length) filter.organisationIds = state.organisationIds;
  return filter;
}

export function toOrderBy(state: OverviewState): Sort[] | null {
  return state.sort ? [state.sort] : null;
}

/**
 * The next sort when a column header is clicked: a new column starts ascending (descending for
 * dates, where the newest first is what people want), the same column flips, and a third click
 * on a column returns to the default order.
 */
export function nextSort(current: Sort | null, field: SortField): Sort | null {
  const firstDirection: SortDirection =
    field === 'CREATED_AT' || field === 'UPDATED_AT' ? 'DESC' : 'ASC';
  if (!current || current.field !== field) return { field, direction: firstDirection };
  if (current.direction === firstDirection) {
    return { field, direction: firstDirection === 'ASC' ? 'DESC' : 'ASC' };
  }
  return null;
}

/** Whether the state differs from the default view (to offer "Clear filters"). */
export function isFiltered(state: OverviewState): boolean {
  return (
    state.search.trim() !== '' ||
    state.status !== DEFAULT_STATE.status ||
    state.ownership !== DEFAULT_STATE.ownership ||
    state.requestTypeIds.length > 0 ||
    state.organisationIds.length > 0
  );
}
