/**
 * /requests/:id (the request's global ID): what it is, where it stands, its live activity, a
 * reply box and the actions the viewer may take (`viewerCan`); agents also work it from here.
 */
import {
  Alert,
  Anchor,
  Avatar,
  Badge,
  Breadcrumbs,
  Button,
  Card,
  Container,
  Grid,
  Group,
  Skeleton,
  Stack,
  Switch,
  Text,
  Title,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import {
  IconArrowBackUp,
  IconBan,
  IconLock,
  IconShare,
  IconUrgent,
  IconUsersGroup,
} from '@tabler/icons-react';
import { useCallback, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';

import { useViewer } from '../../app/auth';
import { EmptyState, ErrorState, errorMessage } from '../../app/states';
import type { RequestDetailFieldsFragment } from '../../gql/graphql';
import {
  formatDate,
  formatDateTime,
  formatRelative,
  IMPACT_LABELS,
  URGENCY_LABELS,
} from '../../lib/format';
import { PriorityBadge, StatusBadge } from '../overview/columns';
import { ActionModal, type ActionOutcome } from './ActionModal';
import { AgentControls } from './AgentControls';
import { CommentBox } from './CommentBox';
import {
  CancelMutation,
  EscalateMutation,
  NotificationsSetMutation,
  ReopenMutation,
  RequestDetailQuery,
} from './operations';
import classes from './RequestDetail.module.css';
import { ShareDialog } from './ShareDialog';
import { formatValue } from './timeline';
import { AttachmentLink, TimelineView } from './TimelineView';
import { useLiveTimeline } from './useLiveTimeline';
import { notify } from '../../app/notify';

type Request = RequestDetailFieldsFragment;
type Action = 'cancel' | 'reopen' | 'escalate' | null;

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

function Dimmed({ children }: { children: ReactNode }) {
  return (
    <Text span size="sm" c="dimmed">
      {children}
    </Text>
  );
}

type FieldAnswer = Request['fields'][number];

/** A submitted answer as people read it: option labels, dates, links, file names. */
function FieldValue({ answer, request }: { answer: FieldAnswer; request: Request }) {
  const { value, field } = answer;
  const kind = field?.kind;
  const options = field && 'options' in field ? field.options : null;
  if (options && (typeof value === 'string' || Array.isArray(value))) {
    const label = (v: unknown) => options.find((o) => o.value === v)?.label ?? String(v);
    return <>{Array.isArray(value) ? (value.length ? value.map(label).join(', ') : '—') : label(value)}</>;
  }
  if (kind === 'DATE' && typeof value === 'string') return <>{formatDate(value)}</>;
  if (kind === 'DATETIME' && typeof value === 'string') return <>{formatDateTime(value)}</>;
  if (kind === 'URL' && typeof value === 'string' && /^https?:\/\//i.test(value)) {
    return (
      <Anchor href={value} target="_blank" rel="noopener noreferrer" size="sm">
        {value}
      </Anchor>
    );
  }
  if (kind === 'ATTACHMENT' && Array.isArray(value)) {
    const files = request.attachments.filter((a) => value.includes(a.id));
    return files.length ? (
      <Stack gap={2}>
        {files.map((a) => (
          <AttachmentLink key={a.id} attachment={a} />
        ))}
      </Stack>
    ) : (
      <>—</>
    );
  }
  if (kind === 'USER' && typeof value === 'string') {
    const people = [request.reporter, request.assignee, ...request.participants];
    const person = people.find((p) => p?.id === value);
    return <>{person ? person.displayName : 'A person of the organisation'}</>;
  }
  return <span className={classes.preWrap}>{formatValue(value)}</span>;
}

function DetailSkeleton() {
  return (
    <Stack gap="md" aria-hidden>
      <Skeleton height={18} width={160} />
      <Skeleton height={34} width="70%" />
      <Grid>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Skeleton height={320} radius="lg" />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Skeleton height={320} radius="lg" />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function Facts({ request }: { request: Request }) {
  return (
    <dl className={classes.dl}>
      <Fact label="Status">
        <StatusBadge status={request.status} />
      </Fact>
      <Fact label="Priority">
        <PriorityBadge priority={request.priority} priorityKey={request.priorityKey} />
      </Fact>
      {(request.urgency || request.impact) && (
        <Fact label="Urgency · impact">
          {request.urgency ? URGENCY_LABELS[request.urgency] : '—'} ·{' '}
          {request.impact ? IMPACT_LABELS[request.impact] : '—'}
        </Fact>
      )}
      <Fact label="Assignee">
        {request.assignee ? request.assignee.displayName : <Dimmed>Unassigned</Dimmed>}
      </Fact>
      {request.team && <Fact label="Team">{request.team.name}</Fact>}
      <Fact label="Due">{request.dueAt ? formatDateTime(request.dueAt) : <Dimmed>No due date</Dimmed>}</Fact>
      <Fact label="Requester">{request.reporter.displayName}</Fact>
      <Fact label="Organisation">{request.organisation.name}</Fact>
      <Fact label="Visibility">
        {request.visibility === 'ORGANISATION' ? (
          <Group gap={4} wrap="nowrap" component="span">
            <IconUsersGroup size={14} aria-hidden /> Shared with {request.organisation.name}
          </Group>
        ) : (
          <Group gap={4} wrap="nowrap" component="span">
            <IconLock size={14} aria-hidden /> Private
          </Group>
        )}
      </Fact>
      <Fact label="Participants">
        {request.participants.length ? (
          <Stack gap={4}>
            {request.participants.map((p) => (
              <Group key={p.id} gap={6} wrap="nowrap">
                <Avatar size={20} radius="xl" color="initials" name={p.displayName} />
                <Text size="sm">{p.displayName}</Text>
              </Group>
            ))}
          </Stack>
        ) : (
          <Dimmed>None</Dimmed>
        )}
      </Fact>
      <Fact label="Created">
        <Tooltip label={formatDateTime(request.createdAt)}>
          <span>{formatRelative(request.createdAt)}</span>
        </Tooltip>
      </Fact>
      <Fact label="Updated">
        <Tooltip label={formatDateTime(request.updatedAt)}>
          <span>{formatRelative(request.updatedAt)}</span>
        </Tooltip>
      </Fact>
      {request.externalReference && <Fact label="External reference">{request.externalReference}</Fact>}
    </dl>
  );
}

function NotificationsToggle({ request }: { request: Request }) {
  const [{ fetching }, set] = useMutation(NotificationsSetMutation);
  const [error, setError] = useState<string | null>(null);
  return (
    <Switch
      label="Notify me about changes"
      checked={request.notificationsEnabled}
      disabled={fetching}
      error={error}
      onChange={(event) => {
        const enabled = event.currentTarget.checked;
        setError(null);
        void set({ input: { requestId: request.id, enabled } }).then((result) => {
          const problem =
            result.data?.requestNotificationsSet.userErrors[0]?.message ??
            (result.error ? errorMessage(result.error) : null);
          if (problem) setError(problem);
          else notify(enabled ? 'You will be notified about changes.' : 'Notifications are off for this request.');
        });
      }}
    />
  );
}

function outcomeOf(
  result: { error?: ActionOutcome['error'] },
  payload: { userErrors: ActionOutcome['userErrors'] } | undefined,
): ActionOutcome | null {
  if (result.error || !payload) return { error: result.error ?? 'Something went wrong.' };
  return payload.userErrors?.length ? { userErrors: payload.userErrors } : null;
}

export default function RequestDetailPage() {
  const { id = '' } = useParams();
  const viewer = useViewer();
  const [{ data, fetching, error }, reexecute] = useQuery({ query: RequestDetailQuery, variables: { id } });
  const refresh = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  const node = data?.node?.__typename === 'Request' ? data.node : null;
  const timeline = useLiveTimeline(id, node?.timeline.nodes, refresh);

  const [shareOpen, setShareOpen] = useState(false);
  const [action, setAction] = useState<Action>(null);
  const [, cancel] = useMutation(CancelMutation);
  const [, reopen] = useMutation(ReopenMutation);
  const [, escalate] = useMutation(EscalateMutation);

  if (!data && fetching) {
    return (
      <Container size="lg" px={0} className={classes.screen}>
        <DetailSkeleton />
      </Container>
    );
  }
  if (!data && error) {
    return (
      <Container size="lg" px={0} className={classes.screen}>
        <ErrorState title="The request could not be loaded" error={error} onRetry={refresh} />
      </Container>
    );
  }
  if (!node) {
    return (
      <Container size="sm">
        <EmptyState
          title="Request not found"
          description="It does not exist, or it is not shared with you."
          action={
            <Button component={Link} to="/requests" variant="light">
              Back to requests
            </Button>
          }
        />
      </Container>
    );
  }

  const request = node;
  const can = request.viewerCan;
  const lostAccess = timeline.error !== null && !fetching;

  return (
    <Container size="lg" px={0} className={classes.screen}>
      <Stack gap="md">
        <Breadcrumbs>
          <Anchor component={Link} to="/requests" size="sm">
            Requests
          </Anchor>
          <Text size="sm" c="dimmed">
            {request.reference}
          </Text>
        </Breadcrumbs>

        <Group justify="space-between" align="flex-start" gap="md">
          <Stack gap={4} style={{ flex: '1 1 320px', minWidth: 0 }}>
            <Group gap="xs">
              <Badge variant="default" radius="sm">
                {request.reference}
              </Badge>
              <Text size="sm" c="dimmed">
                {request.requestType.name}
              </Text>
            </Group>
            <Title order={1} className={classes.preWrap} size="h2">
              {request.summary}
            </Title>
            <Text size="sm" c="dimmed">
              Raised by {request.reporter.displayName} for {request.organisation.name},{' '}
              {formatRelative(request.createdAt)}
            </Text>
          </Stack>
          <Group gap="xs">
            {can.share && (
              <Button variant="default" leftSection={<IconShare size={16} aria-hidden />} onClick={() => setShareOpen(true)}>
                Share
              </Button>
            )}
            {can.escalate && (
              <Button
                variant="light"
                color="red"
                leftSection={<IconUrgent size={16} aria-hidden />}
                onClick={() => setAction('escalate')}
              >
                Escalate
              </Button>
            )}
            {can.reopen && (
              <Button variant="light" leftSection={<IconArrowBackUp size={16} aria-hidden />} onClick={() => setAction('reopen')}>
                Reopen
              </Button>
            )}
            {can.cancel && (
              <Button
                variant="subtle"
                color="gray"
                leftSection={<IconBan size={16} aria-hidden />}
                onClick={() => setAction('cancel')}
              >
                Cancel request
              </Button>
            )}
          </Group>
        </Group>

        {lostAccess && (
          <Alert color="orange" variant="light" title="Live updates stopped">
            {errorMessage(timeline.error)} Reload the page to see whether you can still open this request.
          </Alert>
        )}

        <Grid gutter="md">
          <Grid.Col span={{ base: 12, md: 8 }} order={{ base: 2, md: 1 }}>
            <Stack gap="md">
              <Card padding="lg">
                <Title order={2} size="h4" mb="sm">
                  Description
                </Title>
                {request.description.trim() ? (
                  <Text className={classes.preWrap}>{request.description}</Text>
                ) : (
                  <Text c="dimmed" size="sm">
                    No description.
                  </Text>
                )}
                {request.fields.length > 0 && (
                  <>
                    <Title order={2} size="h4" mt="lg" mb="sm">
                      Details
                    </Title>
                    <dl className={classes.dl}>
                      {request.fields.map((f) => (
                        <Fact key={f.key} label={f.label}>
                          <FieldValue answer={f} request={request} />
                        </Fact>
                      ))}
                    </dl>
                    <Text size="xs" c="dimmed" mt="sm">
                      Labels as in form version {request.formVersion}.
                    </Text>
                  </>
                )}
                {request.attachments.length > 0 && (
                  <>
                    <Title order={2} size="h4" mt="lg" mb="sm">
                      Files
                    </Title>
                    <Stack gap={4}>
                      {request.attachments.map((a) => (
                        <AttachmentLink key={a.id} attachment={a} />
                      ))}
                    </Stack>
                  </>
                )}
              </Card>

              <Card padding="lg">
                <Group justify="space-between" mb="xs">
                  <Title order={2} size="h4">
                    Activity
                  </Title>
                  <Badge variant="dot" color={timeline.error ? 'gray' : 'green'} size="sm">
                    {timeline.error ? 'Not live' : 'Live'}
                  </Badge>
                </Group>
                <TimelineView events={timeline.events} arrived={timeline.arrived} />
                <VisuallyHidden aria-live="polite">
                  {timeline.arrived.length > 0 ? `${timeline.arrived.length} new in the activity` : ''}
                </VisuallyHidden>
              </Card>

              {can.comment ? (
                <CommentBox requestId={request.id} canWriteInternal={viewer.isStaff} />
              ) : (
                <Alert variant="light" color="gray">
                  This request is {request.status === 'CANCELLED' ? 'cancelled' : 'closed'}: replies are off.
                  {can.reopen ? ' Reopen it to continue the conversation.' : ''}
                </Alert>
              )}
            </Stack>
          </Grid.Col>

          <Grid.Col span={{ base: 12, md: 4 }} order={{ base: 1, md: 2 }}>
            <Stack gap="md">
              <Card padding="lg">
                <Facts request={request} />
                <Stack gap="sm" mt="md">
                  <NotificationsToggle request={request} />
                </Stack>
              </Card>
              {(can.assign || can.transition) && (
                <Card padding="lg">
                  <Title order={2} size="h4" mb="sm">
                    {can.assign ? 'Work this request' : 'Next step'}
                  </Title>
                  <AgentControls request={request} notify={notify} />
                </Card>
              )}
            </Stack>
          </Grid.Col>
        </Grid>
      </Stack>

      <ShareDialog opened={shareOpen} onClose={() => setShareOpen(false)} request={request} onShared={notify} />
      <ActionModal
        opened={action === 'cancel'}
        onClose={() => setAction(null)}
        title={`Cancel ${request.reference}?`}
        description="The service desk stops working on it. You can raise a new request any time."
        confirmLabel="Cancel request"
        color="red.9"
        onConfirm={async (reason) => {
          const result = await cancel({ input: { requestId: request.id, reason: reason || null } });
          const done = outcomeOf(result, result.data?.requestCancel);
          if (!done) notify('The request was cancelled.');
          return done;
        }}
      />
      <ActionModal
        opened={action === 'reopen'}
        onClose={() => setAction(null)}
        title={`Reopen ${request.reference}`}
        description="It goes back to the service desk."
        confirmLabel="Reopen"
        onConfirm={async (reason) => {
          const result = await reopen({ input: { requestId: request.id, reason: reason || null } });
          const done = outcomeOf(result, result.data?.requestReopen);
          if (!done) notify('The request was reopened.');
          return done;
        }}
      />
      <ActionModal
        opened={action === 'escalate'}
        onClose={() => setAction(null)}
        title={`Escalate ${request.reference}`}
        description="Escalated requests get the service desk's immediate attention. Tell them why."
        reasonRequired
        reasonPlaceholder="e.g. Candidates cannot start their exam"
        confirmLabel="Escalate"
        color="red.9"
        onConfirm={async (reason) => {
          const result = await escalate({ input: { requestId: request.id, reason } });
          const done = outcomeOf(result, result.data?.requestEscalate);
          if (!done) notify('The request was escalated.');
          return done;
        }}
      />
    </Container>
  );
}
