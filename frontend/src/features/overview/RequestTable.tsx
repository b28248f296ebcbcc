/** The overview as a table (wide screens) or as cards (phones). */
import { Anchor, Card, Group, Paper, Stack, Table, Text, UnstyledButton } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconArrowsSort } from '@tabler/icons-react';
import { Link } from 'react-router';

import type { OverviewColumn } from '../../gql/graphql';
import { formatRelative } from '../../lib/format';
import { COLUMNS, PriorityBadge, requestPath, StatusBadge, type Row } from './columns';
import type { Sort, SortField } from './filters';
import classes from './Overview.module.css';

function SortIcon({ active, direction }: { active: boolean; direction?: Sort['direction'] }) {
  if (!active) return <IconArrowsSort size={14} aria-hidden className={classes.sortIdle} />;
  return direction === 'ASC' ? (
    <IconArrowUp size={14} aria-hidden />
  ) : (
    <IconArrowDown size={14} aria-hidden />
  );
}

export function RequestTable({
  rows,
  columns,
  sort,
  fresh,
  onSort,
}: {
  rows: Row[];
  columns: OverviewColumn[];
  sort: Sort | null;
  fresh: string[];
  onSort: (field: SortField) => void;
}) {
  return (
    <Paper withBorder radius="md" className={classes.tableWrap}>
    <Table.ScrollContainer minWidth={columns.length * 130} type="native">
      <Table highlightOnHover verticalSpacing="sm" className={classes.table} aria-label="Requests">
        <Table.Thead>
          <Table.Tr>
            {columns.map((column) => {
              const meta = COLUMNS[column];
              const active = Boolean(meta.sortField && sort?.field === meta.sortField);
              const ariaSort = active ? (sort?.direction === 'ASC' ? 'ascending' : 'descending') : undefined;
              return (
                <Table.Th key={column} aria-sort={ariaSort} scope="col">
                  {meta.sortField ? (
                    <UnstyledButton
                      className={classes.sortButton}
                      onClick={() => meta.sortField && onSort(meta.sortField)}
                      aria-label={`${meta.label}: sort${active ? (sort?.direction === 'ASC' ? ', sorted ascending' : ', sorted descending') : ''}`}
                    >
                      <Group gap={4} wrap="nowrap">
                        <span>{meta.label}</span>
                        <SortIcon active={active} direction={sort?.direction} />
                      </Group>
                    </UnstyledButton>
                  ) : (
                    meta.label
                  )}
                </Table.Th>
              );
            })}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr
              key={row.id}
              className={fresh.includes(row.id) ? classes.fresh : undefined}
              data-testid="request-row"
              data-reference={row.reference}
            >
              {columns.map((column) => (
                <Table.Td key={column}>{COLUMNS[column].render(row)}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
    </Paper>
  );
}

/** Phones: one card per request with what matters most; the whole card opens it. */
export function RequestCards({ rows, fresh }: { rows: Row[]; fresh: string[] }) {
  return (
    <Stack gap="sm" component="ul" className={classes.cardList} aria-label="Requests">
      {rows.map((row) => (
        <li key={row.id}>
          <Card
            padding="md"
            className={fresh.includes(row.id) ? `${classes.card} ${classes.fresh}` : classes.card}
            data-testid="request-row"
            data-reference={row.reference}
          >
            <Stack gap={6}>
              <Group justify="space-between" wrap="nowrap" gap="xs">
                <Anchor component={Link} to={requestPath(row.id)} fw={700} size="sm" className={classes.cardLink}>
                  {row.reference}
                </Anchor>
                <StatusBadge status={row.status} />
              </Group>
              <Text fw={500} lineClamp={2}>
                {row.summary}
              </Text>
              <Group gap="xs" wrap="wrap">
                <PriorityBadge priority={row.priority} priorityKey={row.priorityKey} />
                <Text size="xs" c="dimmed">
                  {row.requestType.name} · {row.reporter.displayName} · updated {formatRelative(row.updatedAt)}
                </Text>
              </Group>
            </Stack>
          </Card>
        </li>
      ))}
    </Stack>
  );
}
