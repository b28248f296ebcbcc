/**
 * /requests: every request the viewer may see, filtered, searched and sorted through the URL,
 * in the columns the viewer chose, updating live.
 */
import {
  Badge,
  Button,
  Center,
  Container,
  Group,
  Select,
  Skeleton,
  Stack,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { useDebouncedCallback, useMediaQuery } from '@mantine/hooks';
import { IconPlus, IconSearchOff } from '@tabler/icons-react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useMutation, useQuery } from 'urql';

import { useViewer } from '../../app/auth';
import { EmptyState, ErrorState, errorMessage } from '../../app/states';
import type { OverviewColumn } from '../../gql/graphql';
import { ColumnChooser } from './ColumnChooser';
import { DEFAULT_COLUMNS, sameColumns } from './columnChoice';
import { SORT_LABELS } from './columns';
import { FilterBar, type FilterOptions } from './FilterBar';
import {
  DEFAULT_STATE,
  isFiltered,
  nextSort,
  parseSearchParams,
  SORT_FIELDS,
  toSearchParams,
  type OverviewState,
  type Sort,
  type SortField,
} from './filters';
import { OverviewColumnsSetMutation, OverviewOptionsQuery } from './operations';
import { RequestCards, RequestTable } from './RequestTable';
import { useRequestList } from './useRequestList';
import classes from './Overview.module.css';

const SORT_OPTIONS = [
  { value: '', label: 'Newest first (default)' },
  ...SORT_FIELDS.flatMap((field) => [
    { value: `${field}:ASC`, label: `${SORT_LABELS[field]} ↑` },
    { value: `${field}:DESC`, label: `${SORT_LABELS[field]} ↓` },
  ]),
];

/**
 * The viewer's columns: shown at once when changed, saved when the changes pause (one request
 * for a burst of clicks, always the latest choice), put back if the server refuses.
 */
function useColumns(saved: OverviewColumn[] | undefined) {
  const [columns, setColumns] = useState<OverviewColumn[]>(DEFAULT_COLUMNS);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [, save] = useMutation(OverviewColumnsSetMutation);
  // What the server has, and the latest choice: only the answer for the latest choice counts.
  const stored = useRef<OverviewColumn[]>(DEFAULT_COLUMNS);
  const wanted = useRef<OverviewColumn[] | null>(null);
  useEffect(() => {
    if (saved && wanted.current === null) {
      stored.current = saved;
      setColumns(saved);
    }
  }, [saved]);

  const flush = useDebouncedCallback(
    (next: OverviewColumn[]) => {
      if (sameColumns(next, stored.current)) {
        if (wanted.current === next) setPending(false);
        return;
      }
      void save({ input: { columns: next } }).then((result) => {
        const payload = result.data?.overviewColumnsSet;
        const problems = payload?.userErrors ?? [];
        const ok = !result.error && payload && problems.length === 0;
        if (ok) stored.current = payload.columns ?? next;
        if (wanted.current !== next) return; // a newer choice is on its way
        if (!ok) {
          setColumns(stored.current);
          setError(problems[0]?.message ?? errorMessage(result.error));
        }
        setPending(false);
      });
    },
    // Saved when the clicks pause; a choice still waiting is sent when the page goes away.
    { delay: 300, flushOnUnmount: true },
  );
  useEffect(() => {
    const leave = () => flush.flush();
    window.addEventListener('pagehide', leave);
    return () => window.removeEventListener('pagehide', leave);
  }, [flush]);

  const change = useCallback(
    (next: OverviewColumn[]) => {
      wanted.current = next;
      setColumns(next);
      setError(null);
      setPending(true);
      flush(next);
    },
    [flush],
  );
  return { columns, change, saving: pending, error };
}

function TableSkeleton() {
  return (
    <Stack gap="xs" aria-hidden>
      {Array.from({ length: 6 }, (_, i) => (
        <Skeleton key={i} height={44} radius="sm" />
      ))}
    </Stack>
  );
}

export default function OverviewPage() {
  const viewer = useViewer();
  const [params, setParams] = useSearchParams();
  const state = useMemo(() => parseSearchParams(params), [params]);
  const phone = useMediaQuery('(max-width: 48em)');

  const update = useCallback(
    (patch: Partial<OverviewState>, replace = false) => {
      setParams(toSearchParams({ ...state, ...patch }), { replace });
    },
    [setParams, state],
  );

  const [options] = useQuery({ query: OverviewOptionsQuery });
  const filterOptions: FilterOptions = useMemo(
    () => ({
      requestTypes: (options.data?.portal.categories ?? [])
        .filter((category) => category.requestTypes.length > 0)
        .map((category) => ({
          group: category.name,
          items: category.requestTypes.map((t) => ({ value: t.id, label: t.name })),
        })),
      organisations: (options.data?.organisations.nodes ?? []).map((o) => ({ value: o.id, label: o.name })),
    }),
    [options.data],
  );
  const { columns, change, saving, error: columnsError } = useColumns(
    options.data?.viewer?.overviewColumns,
  );

  const { list, loading, loadingMore, error, live, loadMore, retry } = useRequestList(state);
  const onSort = useCallback((field: SortField) => update({ sort: nextSort(state.sort, field) }), [state.sort, update]);

  const canRaise = viewer.isStaff || viewer.superUserOf.length > 0;
  const count = list.totalCount;

  let body;
  if (error && list.rows.length === 0) {
    body = <ErrorState title="The requests could not be loaded" error={error} onRetry={retry} />;
  } else if (loading && list.rows.length === 0) {
    body = <TableSkeleton />;
  } else if (list.rows.length === 0) {
    body = isFiltered(state) ? (
      <EmptyState
        icon={<IconSearchOff size={28} />}
        title="No requests match"
        description="Try other words or fewer filters."
        action={
          <Button variant="light" onClick={() => update({ ...DEFAULT_STATE, sort: state.sort })}>
            Clear filters
          </Button>
        }
      />
    ) : (
      <EmptyState
        title="No open requests"
        description={
          canRaise
            ? 'Requests you raise, and those shared with you, appear here as they happen.'
            : 'Requests shared with you appear here as they happen.'
        }
        action={
          canRaise ? (
            <Button component={Link} to="/" leftSection={<IconPlus size={16} aria-hidden />}>
              Raise a request
            </Button>
          ) : undefined
        }
      />
    );
  } else {
    body = (
      <Stack gap="md" style={{ opacity: loading ? 0.6 : 1, transition: 'opacity 150ms' }} aria-busy={loading}>
        {phone ? (
          <RequestCards rows={list.rows} fresh={list.fresh} />
        ) : (
          <RequestTable rows={list.rows} columns={columns} sort={state.sort} fresh={list.fresh} onSort={onSort} />
        )}
        {error && <ErrorState title="More requests could not be loaded" error={error} onRetry={loadMore} />}
        {list.hasNextPage && (
          <Center>
            <Button variant="default" onClick={loadMore} loading={loadingMore}>
              Load more
            </Button>
          </Center>
        )}
      </Stack>
    );
  }

  const sortValue = state.sort ? `${state.sort.field}:${state.sort.direction}` : '';

  return (
    <Container size="xl" px={0} className={classes.screen}>
      <Stack gap="md">
        <Group justify="space-between" align="flex-end">
          <div>
            <Title order={1}>Requests</Title>
            <Text c="dimmed" size="sm">
              Everything you may see: yours, your colleagues' and those you follow.
            </Text>
          </div>
          {canRaise && (
            <Button component={Link} to="/" leftSection={<IconPlus size={16} aria-hidden />}>
              Raise a request
            </Button>
          )}
        </Group>

        <FilterBar state={state} options={filterOptions} onChange={update} compact={phone} />

        <Group justify="space-between" gap="sm">
          <Group gap="xs">
            <Text size="sm" c="dimmed" aria-live="polite" data-testid="request-count">
              {count === null
                ? 'Loading…'
                : count === 0
                  ? 'No requests'
                  : `Showing ${list.rows.length} of ${count} ${count === 1 ? 'request' : 'requests'}`}
            </Text>
            {live && (
              <Tooltip label="New and changed requests appear without reloading">
                <Badge variant="dot" color="green" size="sm">
                  Live
                </Badge>
              </Tooltip>
            )}
          </Group>
          <Group gap="xs">
            {phone ? (
              <Select
                aria-label="Sort by"
                data={SORT_OPTIONS}
                value={sortValue}
                onChange={(value) => {
                  if (!value) return update({ sort: null });
                  const [field, direction] = value.split(':') as [SortField, Sort['direction']];
                  update({ sort: { field, direction } });
                }}
                allowDeselect={false}
                w={200}
              />
            ) : (
              <ColumnChooser columns={columns} saving={saving} error={columnsError} onChange={change} />
            )}
          </Group>
        </Group>

        {body}
      </Stack>
    </Container>
  );
}
