/**
 * The overview's list: the first page for the current filter and sort, "load more" pages after
 * it (keyset: `after` = the last cursor), and live changes from `requestsChanged` for the same
 * filter applied as they come.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useClient, type CombinedError } from 'urql';

import type { RequestFilter, RequestOrder } from '../../gql/graphql';
import type { Row } from './columns';
import { toOrderBy, toRequestFilter, type OverviewState } from './filters';
import { applyChange, emptyList, withPage, type ListOrder, type ListState } from './liveList';
import { RequestsChangedSubscription, RequestsOverviewQuery } from './operations';

export const PAGE_SIZE = 25;

export interface RequestList {
  list: ListState<Row>;
  /** The first page is loading (nothing to show yet, or the filter changed). */
  loading: boolean;
  loadingMore: boolean;
  error: CombinedError | null;
  /** Whether live updates are flowing. */
  live: boolean;
  loadMore(): void;
  retry(): void;
}

export function useRequestList(state: OverviewState): RequestList {
  const client = useClient();
  const filter = useMemo(() => toRequestFilter(state) as RequestFilter, [state]);
  const orderBy = useMemo(() => toOrderBy(state) as RequestOrder[] | null, [state]);
  const key = JSON.stringify([filter, orderBy]);
  const order: ListOrder = useMemo(
    () => ({ sort: state.sort, searching: Boolean(filter.search) }),
    [state.sort, filter.search],
  );
  const orderRef = useRef(order);
  orderRef.current = order;

  const [list, setList] = useState<ListState<Row>>(emptyList);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<CombinedError | null>(null);
  const [attempt, setAttempt] = useState(0);
  // The request whose answer may still be applied; older answers are dropped.
  const generation = useRef(0);

  const fetchPage = useCallback(
    (after: string | null) =>
      client
        .query(
          RequestsOverviewQuery,
          { filter, orderBy, first: PAGE_SIZE, after },
          { requestPolicy: 'network-only' },
        )
        .toPromise(),
    // `key` stands for filter and orderBy.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [client, key],
  );

  useEffect(() => {
    const mine = ++generation.current;
    setLoading(true);
    setError(null);
    void fetchPage(null).then((result) => {
      if (mine !== generation.current) return;
      setLoading(false);
      if (result.error || !result.data) {
        setError(result.error ?? null);
        return;
      }
      setList(withPage(emptyList<Row>(), result.data.requests, true));
    });
  }, [fetchPage, attempt]);

  const endCursor = list.endCursor;
  const loadMore = useCallback(() => {
    if (!endCursor || loadingMore) return;
    const mine = generation.current;
    setLoadingMore(true);
    void fetchPage(endCursor).then((result) => {
      if (mine !== generation.current) return;
      setLoadingMore(false);
      if (result.error || !result.data) {
        setError(result.error ?? null);
        return;
      }
      const page = result.data.requests;
      setList((current) => withPage(current, page, false));
    });
  }, [endCursor, fetchPage, loadingMore]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  // Live changes of the same list. A plain subscription (not useSubscription): every message
  // must be applied exactly once, outside React's render and state updaters.
  const [live, setLive] = useState(false);
  const filterKey = JSON.stringify(filter);
  useEffect(() => {
    setLive(true);
    const { unsubscribe } = client
      .subscription(RequestsChangedSubscription, { filter })
      .subscribe((result) => {
        if (result.error) {
          setLive(false);
          return;
        }
        const change = result.data?.requestsChanged;
        if (change) setList((current) => applyChange(current, change, orderRef.current));
      });
    return () => {
      unsubscribe();
      setLive(false);
    };
    // `filterKey` stands for filter.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, filterKey]);

  return {
    list,
    loading,
    loadingMore,
    error,
    live,
    loadMore,
    retry,
  };
}
