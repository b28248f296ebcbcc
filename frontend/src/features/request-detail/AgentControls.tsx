/** What agents change on a request: its workflow step, assignee and priority. */
import { Alert, Button, Group, Menu, Select, Stack, Text } from '@mantine/core';
import { IconArrowsExchange, IconChevronDown, IconUserCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';

import { useViewer } from '../../app/auth';
import { errorMessage } from '../../app/states';
import type { RequestDetailFieldsFragment, RequestStatus } from '../../gql/graphql';
import { priorityLabel, statusLabel } from '../../lib/format';
import { ActionModal, type ActionOutcome } from './ActionModal';
import { AgentOptionsQuery, AssignMutation, PrioritySetMutation, TransitionMutation } from './operations';

type Request = RequestDetailFieldsFragment;

export function AgentControls({ request, notify }: { request: Request; notify: (message: string) => void }) {
  const viewer = useViewer();
  const [options] = useQuery({ query: AgentOptionsQuery, pause: !request.viewerCan.assign });
  const [, transition] = useMutation(TransitionMutation);
  const [{ fetching: assigning }, assign] = useMutation(AssignMutation);
  const [, setPriority] = useMutation(PrioritySetMutation);
  const [step, setStep] = useState<{ name: string; toStatus: RequestStatus } | null>(null);
  const [priorityKey, setPriorityKey] = useState<string | null>(null);
  const [assignError, setAssignError] = useState<string | null>(null);

  const agents = (options.data?.users.nodes ?? []).map((u) => ({ value: u.id, label: u.displayName }));
  if (request.assignee && !agents.some((a) => a.value === request.assignee?.id)) {
    agents.push({ value: request.assignee.id, label: request.assignee.displayName });
  }
  const levels = options.data?.portal.priorityScheme.levels ?? [];

  const doAssign = async (assigneeId: string | null) => {
    setAssignError(null);
    const result = await assign({ input: { requestId: request.id, assigneeId } });
    const problem = result.data?.requestAssign.userErrors[0]?.message ?? (result.error ? errorMessage(result.error) : null);
    if (problem) setAssignError(problem);
    else notify(assigneeId ? 'Assigned.' : 'Unassigned.');
  };

  const outcome = (
    result: { error?: ActionOutcome['error']; data?: unknown },
    payload: { userErrors: ActionOutcome['userErrors'] } | undefined,
  ): ActionOutcome | null => {
    if (result.error || !payload) return { error: result.error ?? 'Something went wrong.' };
    return payload.userErrors?.length ? { userErrors: payload.userErrors } : null;
  };

  return (
    <Stack gap="sm">
      {request.viewerCan.transition && request.availableTransitions.length > 0 && (
        <Menu position="bottom-start" withinPortal returnFocus={false}>
          <Menu.Target>
            <Button
              variant="light"
              leftSection={<IconArrowsExchange size={16} aria-hidden />}
              rightSection={<IconChevronDown size={14} aria-hidden />}
              fullWidth
            >
              Move along the workflow
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Label>From {statusLabel(request.status)} to…</Menu.Label>
            {request.availableTransitions.map((t) => (
              <Menu.Item key={t.toStatus} onClick={() => setStep(t)}>
                {t.name}{' '}
                <Text span size="xs" c="dimmed">
                  → {statusLabel(t.toStatus)}
                </Text>
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
      )}
      {request.viewerCan.assign && (
        <>
          <Select
            label="Assignee"
            placeholder="Unassigned"
            data={agents}
            value={request.assignee?.id ?? null}
            onChange={(value) => void doAssign(value)}
            searchable
            clearable
            disabled={assigning}
            error={assignError}
            nothingFoundMessage="No agent matches"
          />
          {request.assignee?.id !== viewer.id && (
            <Group justify="flex-end" mt={-6}>
              <Button
                variant="subtle"
                size="compact-sm"
                leftSection={<IconUserCheck size={14} aria-hidden />}
                onClick={() => void doAssign(viewer.id)}
                loading={assigning}
              >
                Assign to me
              </Button>
            </Group>
          )}
          <Select
            label="Priority"
            data={levels.map((l) => ({ value: l.key, label: priorityLabel(l) }))}
            value={request.priorityKey}
            onChange={(value) => value && value !== request.priorityKey && setPriorityKey(value)}
            allowDeselect={false}
          />
          {options.error && (
            <Alert color="red" variant="light">
              {errorMessage(options.error)}
            </Alert>
          )}
        </>
      )}

      <ActionModal
        opened={step !== null}
        onClose={() => setStep(null)}
        title={step ? `${step.name}: ${request.reference}` : ''}
        description={step ? `The status moves to ${statusLabel(step.toStatus)}.` : undefined}
        confirmLabel={step?.name ?? 'Move'}
        onConfirm={async (reason) => {
          if (!step) return null;
          const result = await transition({
            input: { requestId: request.id, toStatus: step.toStatus, reason: reason || null },
          });
          const done = outcome(result, result.data?.requestTransition);
          if (!done) notify(`Moved to ${statusLabel(step.toStatus)}.`);
          return done;
        }}
      />
      <ActionModal
        opened={priorityKey !== null}
        onClose={() => setPriorityKey(null)}
        title={`Change the priority of ${request.reference}`}
        description={
          priorityKey
            ? `From ${priorityLabel(request.priority, request.priorityKey)} to ${priorityLabel(
                levels.find((l) => l.key === priorityKey),
                priorityKey,
              )}. The reason is shown to everyone who sees the request.`
            : undefined
        }
        reasonRequired
        reasonPlaceholder="e.g. Exam day: every candidate is affected"
        confirmLabel="Change priority"
        onConfirm={async (reason) => {
          if (!priorityKey) return null;
          const result = await setPriority({ input: { requestId: request.id, priorityKey, reason } });
          const done = outcome(result, result.data?.requestPrioritySet);
          if (!done) notify('Priority changed.');
          return done;
        }}
      />
    </Stack>
  );
}
