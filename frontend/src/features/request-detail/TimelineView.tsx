/** The request's history, one item per timeline event, comments as readable messages. */
import { Anchor, Avatar, Badge, Group, Paper, Stack, Text, Timeline, Tooltip } from '@mantine/core';
import {
  IconArrowBackUp,
  IconArrowsExchange,
  IconBan,
  IconEye,
  IconFlag,
  IconLock,
  IconMessage,
  IconPaperclip,
  IconPencil,
  IconSparkles,
  IconUrgent,
  IconUserCheck,
  IconUserMinus,
  IconUserPlus,
} from '@tabler/icons-react';
import type { ReactNode } from 'react';

import { formatBytes, formatDateTime, formatRelative, statusLabel, VISIBILITY_LABELS } from '../../lib/format';
import classes from './RequestDetail.module.css';
import { formatValue } from './timeline';
import type { TimelineEvent } from './useLiveTimeline';

type Attachment = { id: string; filename: string; size: number; downloadUrl: string };

export function AttachmentLink({ attachment }: { attachment: Attachment }) {
  return (
    <Anchor href={attachment.downloadUrl} size="sm" target="_blank" rel="noopener">
      <Group gap={4} wrap="nowrap" component="span">
        <IconPaperclip size={14} aria-hidden />
        <span>{attachment.filename}</span>
        <Text span size="xs" c="dimmed">
          ({formatBytes(attachment.size)})
        </Text>
      </Group>
    </Anchor>
  );
}

function who(event: TimelineEvent): string {
  return event.actor?.displayName ?? 'Frontdesk';
}

function Reason({ reason }: { reason?: string | null }) {
  return reason ? (
    <Text size="sm" c="dimmed" className={classes.preWrap}>
      “{reason}”
    </Text>
  ) : null;
}

interface Described {
  icon: ReactNode;
  color: string;
  title: ReactNode;
  body?: ReactNode;
}

/** Icon, colour, one line and details for each kind of event. */
export function describe(event: TimelineEvent): Described {
  const actor = <strong>{who(event)}</strong>;
  switch (event.__typename) {
    case 'RequestCreatedEvent':
      return { icon: <IconSparkles size={14} />, color: 'brand', title: <>{actor} raised the request</> };
    case 'CommentAddedEvent': {
      const comment = event.comment;
      const internal = event.internal;
      return {
        icon: internal ? <IconLock size={14} /> : <IconMessage size={14} />,
        color: internal ? 'yellow' : 'brand',
        title: (
          <Group gap="xs" component="span">
            <span>
              {actor} {internal ? 'wrote an internal note' : 'commented'}
            </span>
            {internal && (
              <Badge size="xs" color="yellow" variant="light">
                Agents only
              </Badge>
            )}
          </Group>
        ),
        body: comment ? (
          <Paper
            withBorder
            p="sm"
            radius="md"
            className={internal ? `${classes.comment} ${classes.internal}` : classes.comment}
          >
            <Group gap="xs" mb={6} wrap="nowrap">
              <Avatar size="sm" radius="xl" color="initials" name={comment.author?.displayName ?? '?'} />
              <Text size="sm" fw={600}>
                {comment.author?.displayName ?? 'Someone'}
              </Text>
            </Group>
            <Text size="sm" className={classes.preWrap} data-testid="comment-body">
              {comment.body}
            </Text>
            {comment.attachments.length > 0 && (
              <Stack gap={2} mt="xs">
                {comment.attachments.map((attachment) => (
                  <AttachmentLink key={attachment.id} attachment={attachment} />
                ))}
              </Stack>
            )}
          </Paper>
        ) : (
          <Text size="sm" c="dimmed">
            The comment was deleted.
          </Text>
        ),
      };
    }
    case 'StatusChangedEvent':
      return {
        icon: <IconArrowsExchange size={14} />,
        color: 'violet',
        title: (
          <>
            {event.automatic ? 'The status moved' : <>{actor} moved it</>} from {statusLabel(event.fromStatus)} to{' '}
            <strong>{statusLabel(event.toStatus)}</strong>
          </>
        ),
        body: <Reason reason={event.reason} />,
      };
    case 'AssignedEvent':
      return {
        icon: <IconUserCheck size={14} />,
        color: 'teal',
        title: event.toAssignee ? (
          <>
            {actor} assigned it to <strong>{event.toAssignee.displayName}</strong>
          </>
        ) : (
          <>{actor} unassigned it</>
        ),
      };
    case 'PriorityChangedEvent':
      return {
        icon: <IconFlag size={14} />,
        color: 'orange',
        title: (
          <>
            {actor} changed the priority from {event.fromPriority} to <strong>{event.toPriority}</strong>
          </>
        ),
        body: <Reason reason={event.reason} />,
      };
    case 'VisibilityChangedEvent':
      return {
        icon: <IconEye size={14} />,
        color: 'cyan',
        title: (
          <>
            {actor} changed who sees it: <strong>{VISIBILITY_LABELS[event.toVisibility] ?? event.toVisibility}</strong>
          </>
        ),
      };
    case 'ParticipantAddedEvent':
      return {
        icon: <IconUserPlus size={14} />,
        color: 'cyan',
        title: (
          <>
            {actor} added <strong>{event.user?.displayName ?? 'someone'}</strong> as a participant
          </>
        ),
      };
    case 'ParticipantRemovedEvent':
      return {
        icon: <IconUserMinus size={14} />,
        color: 'gray',
        title: (
          <>
            {actor} removed <strong>{event.user?.displayName ?? 'someone'}</strong> from the participants
          </>
        ),
      };
    case 'FieldChangedEvent':
      return {
        icon: <IconPencil size={14} />,
        color: 'gray',
        title: (
          <>
            {actor} changed <strong>{event.label}</strong>
          </>
        ),
        body: (
          <Text size="sm" c="dimmed">
            <del>{formatValue(event.oldValue)}</del> → {formatValue(event.newValue)}
          </Text>
        ),
      };
    case 'AttachmentAddedEvent':
      return {
        icon: <IconPaperclip size={14} />,
        color: 'gray',
        title: <>{actor} attached a file</>,
        body: event.attachment ? (
          <AttachmentLink attachment={event.attachment} />
        ) : (
          <Text size="sm" c="dimmed">
            {event.filename} (no longer available)
          </Text>
        ),
      };
    case 'EscalatedEvent':
      return {
        icon: <IconUrgent size={14} />,
        color: 'red',
        title: <>{actor} escalated it</>,
        body: <Reason reason={event.reason} />,
      };
    case 'CancelledEvent':
      return {
        icon: <IconBan size={14} />,
        color: 'gray',
        title: <>{actor} cancelled it</>,
        body: <Reason reason={event.reason} />,
      };
    case 'ReopenedEvent':
      return {
        icon: <IconArrowBackUp size={14} />,
        color: 'indigo',
        title: <>{actor} reopened it</>,
        body: <Reason reason={event.reason} />,
      };
    default:
      return { icon: <IconPencil size={14} />, color: 'gray', title: <>{actor} changed it</> };
  }
}

export function TimelineView({ events, arrived }: { events: TimelineEvent[]; arrived: string[] }) {
  return (
    <Timeline bulletSize={28} lineWidth={2} active={events.length} aria-label="Activity" role="list" className={classes.timeline}>
      {events.map((event) => {
        const { icon, color, title, body } = describe(event);
        return (
          <Timeline.Item
            key={event.id}
            role="listitem"
            bullet={icon}
            color={color}
            className={arrived.includes(event.id) ? classes.arrived : undefined}
            data-testid="timeline-event"
            data-kind={event.kind}
          >
            <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
              <Text size="sm" component="div">
                {title}
              </Text>
              <Tooltip label={formatDateTime(event.createdAt)}>
                <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                  <time dateTime={event.createdAt}>{formatRelative(event.createdAt)}</time>
                </Text>
              </Tooltip>
            </Group>
            {body && <div className={classes.eventBody}>{body}</div>}
          </Timeline.Item>
        );
      })}
    </Timeline>
  );
}
