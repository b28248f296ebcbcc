/** The overview's columns: label, how a cell shows a request, and the sort key behind it. */
import { Anchor, Avatar, Badge, Text, Tooltip } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';

import type { OverviewColumn, OverviewRowFragment } from '../../gql/graphql';
import {
  formatDate,
  formatDateTime,
  formatRelative,
  priorityColor,
  priorityLabel,
  statusColor,
  statusLabel,
} from '../../lib/format';
import type { SortField } from './filters';
import classes from './Overview.module.css';

export type Row = OverviewRowFragment;

export { ALL_COLUMNS, DEFAULT_COLUMNS, IDENTIFYING } from './columnChoice';

export function requestPath(id: string): string {
  return `/requests/${encodeURIComponent(id)}`;
}

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge
      color={statusColor(status)}
      c="dark.7"
      variant="light"
      radius="sm"
      tt="none"
      fw={600}
      className={classes.badge}
    >
      {statusLabel(status)}
    </Badge>
  );
}

export function PriorityBadge({
  priority,
  priorityKey,
}: {
  priority: { key: string; name: string; rank: number } | null | undefined;
  priorityKey: string;
}) {
  return (
    <Badge
      color={priorityColor(priority?.rank)}
      variant="dot"
      radius="sm"
      tt="none"
      fw={600}
      className={classes.badge}
    >
      {priorityLabel(priority, priorityKey)}
    </Badge>
  );
}

function Dimmed({ children }: { children: ReactNode }) {
  return (
    <Text span size="sm" c="dimmed">
      {children}
    </Text>
  );
}

function When({ value }: { value: string }) {
  return (
    <Tooltip label={formatDateTime(value)} openDelay={300}>
      <Text span size="sm" style={{ whiteSpace: 'nowrap' }}>
        <time dateTime={value}>{formatRelative(value)}</time>
      </Text>
    </Tooltip>
  );
}

export interface ColumnMeta {
  label: string;
  sortField?: SortField;
  render: (row: Row) => ReactNode;
}

export const COLUMNS: Record<OverviewColumn, ColumnMeta> = {
  REFERENCE: {
    label: 'Reference',
    sortField: 'REFERENCE',
    render: (row) => (
      <Anchor component={Link} to={requestPath(row.id)} fw={600} size="sm" style={{ whiteSpace: 'nowrap' }}>
        {row.reference}
      </Anchor>
    ),
  },
  SUMMARY: {
    label: 'Summary',
    render: (row) => (
      <Anchor component={Link} to={requestPath(row.id)} c="inherit" size="sm" lineClamp={2}>
        {row.summary}
      </Anchor>
    ),
  },
  STATUS: { label: 'Status', sortField: 'STATUS', render: (row) => <StatusBadge status={row.status} /> },
  REQUESTER: {
    label: 'Requester',
    sortField: 'REQUESTER',
    render: (row) => <Text size="sm">{row.reporter.displayName}</Text>,
  },
  REQUEST_TYPE: {
    label: 'Request type',
    render: (row) => <Text size="sm">{row.requestType.name}</Text>,
  },
  PRIORITY: {
    label: 'Priority',
    sortField: 'PRIORITY',
    render: (row) => <PriorityBadge priority={row.priority} priorityKey={row.priorityKey} />,
  },
  ASSIGNEE: {
    label: 'Assignee',
    sortField: 'ASSIGNEE',
    render: (row) =>
      row.assignee ? <Text size="sm">{row.assignee.displayName}</Text> : <Dimmed>Unassigned</Dimmed>,
  },
  DUE_DATE: {
    label: 'Due',
    sortField: 'DUE_DATE',
    render: (row) =>
      row.dueAt ? (
        <Text span size="sm" style={{ whiteSpace: 'nowrap' }}>
          {formatDate(row.dueAt)}
        </Text>
      ) : (
        <Dimmed>—</Dimmed>
      ),
  },
  UPDATED: { label: 'Updated', sortField: 'UPDATED_AT', render: (row) => <When value={row.updatedAt} /> },
  CREATED: { label: 'Created', sortField: 'CREATED_AT', render: (row) => <When value={row.createdAt} /> },
  ORGANISATION: {
    label: 'Organisation',
    render: (row) => <Text size="sm">{row.organisation.name}</Text>,
  },
  PARTICIPANTS: {
    label: 'Participants',
    render: (row) =>
      row.participants.length ? (
        <Tooltip label={row.participants.map((p) => p.displayName).join(', ')}>
          <Avatar.Group spacing="xs" aria-label={row.participants.map((p) => p.displayName).join(', ')}>
            {row.participants.slice(0, 3).map((p) => (
              <Avatar key={p.id} size="sm" radius="xl" color="initials" name={p.displayName} />
            ))}
            {row.participants.length > 3 && (
              <Avatar size="sm" radius="xl">
                +{row.participants.length - 3}
              </Avatar>
            )}
          </Avatar.Group>
        </Tooltip>
      ) : (
        <Dimmed>—</Dimmed>
      ),
  },
};

/** Labels for the sort menu on phones (no column headers there). */
export const SORT_LABELS: Record<SortField, string> = {
  REFERENCE: 'Reference',
  REQUESTER: 'Requester',
  DUE_DATE: 'Due date',
  ASSIGNEE: 'Assignee',
  PRIORITY: 'Priority',
  STATUS: 'Status',
  CREATED_AT: 'Created',
  UPDATED_AT: 'Last updated',
};
