/**
 * Who sees the request: private (reporter, participants, the service desk) or shared with its
 * organisation, and who participates. Saves the difference in one `requestShare`.
 */
import { Alert, Button, Group, Modal, MultiSelect, Radio, Stack, Text } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';

import { errorMessage } from '../../app/states';
import type { RequestDetailFieldsFragment, Visibility } from '../../gql/graphql';
import { OrganisationPeopleQuery, ShareMutation } from './operations';
import classes from './RequestDetail.module.css';
import { splitUserErrors } from './userErrors';

export function shareDiff(before: readonly string[], after: readonly string[]) {
  return {
    addParticipantIds: after.filter((id) => !before.includes(id)),
    removeParticipantIds: before.filter((id) => !after.includes(id)),
  };
}

export function ShareDialog({
  opened,
  onClose,
  request,
  onShared,
}: {
  opened: boolean;
  onClose: () => void;
  request: RequestDetailFieldsFragment;
  onShared: (message: string) => void;
}) {
  const currentIds = useMemo(() => request.participants.map((p) => p.id), [request.participants]);
  const [visibility, setVisibility] = useState<Visibility>(request.visibility);
  const [participants, setParticipants] = useState<string[]>(currentIds);
  const [errors, setErrors] = useState<{ byField: Record<string, string>; general: string[] }>({
    byField: {},
    general: [],
  });
  const [{ fetching }, share] = useMutation(ShareMutation);
  const [people] = useQuery({
    query: OrganisationPeopleQuery,
    variables: { id: request.organisation.id },
    pause: !opened,
  });

  useEffect(() => {
    if (opened) {
      setVisibility(request.visibility);
      setParticipants(currentIds);
      setErrors({ byField: {}, general: [] });
    }
  }, [opened, request.visibility, currentIds]);

  const options = useMemo(() => {
    const byId = new Map<string, string>();
    const organisation = people.data?.node?.__typename === 'Organisation' ? people.data.node : null;
    for (const member of organisation?.members.nodes ?? []) {
      if (member.user.id !== request.reporter.id) {
        byId.set(member.user.id, `${member.user.displayName} (${member.user.email})`);
      }
    }
    // Current participants stay choosable (e.g. agents, who are not members).
    for (const p of request.participants) byId.set(p.id, `${p.displayName} (${p.email})`);
    return [...byId].map(([value, label]) => ({ value, label }));
  }, [people.data, request.participants, request.reporter.id]);

  const save = async () => {
    const diff = shareDiff(currentIds, participants);
    const input = {
      requestId: request.id,
      visibility: visibility === request.visibility ? null : visibility,
      ...diff,
    };
    if (!input.visibility && !diff.addParticipantIds.length && !diff.removeParticipantIds.length) {
      onClose();
      return;
    }
    const result = await share({ input });
    const payload = result.data?.requestShare;
    if (result.error || !payload) {
      setErrors({ byField: {}, general: [errorMessage(result.error)] });
      return;
    }
    if (payload.userErrors.length) {
      setErrors(splitUserErrors(payload.userErrors, ['visibility', 'addParticipantIds', 'removeParticipantIds']));
      return;
    }
    onShared(
      visibility === 'ORGANISATION'
        ? `Shared with ${request.organisation.name}.`
        : 'Sharing saved: the request is private.',
    );
    onClose();
  };

  const participantError = errors.byField.addParticipantIds ?? errors.byField.removeParticipantIds;

  return (
    <Modal opened={opened} onClose={onClose} title={`Share ${request.reference}`} centered
      size="lg"
      className={classes.screen}
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <Stack gap="md">
          {errors.general.length > 0 && (
            <Alert color="red" variant="light" role="alert">
              {errors.general.join(' ')}
            </Alert>
          )}
          <Radio.Group
            label="Who can see it"
            value={visibility}
            onChange={(value) => setVisibility(value as Visibility)}
            error={errors.byField.visibility}
          >
            <Stack gap="sm" mt="xs">
              <Radio
                value="PRIVATE"
                label="Private request"
                description="Only you, the participants below and the service desk."
                data-autofocus={visibility === 'PRIVATE' ? true : undefined}
              />
              <Radio
                value="ORGANISATION"
                label={`Share with ${request.organisation.name}`}
                description="Everyone in the organisation can see and follow it."
                data-autofocus={visibility === 'ORGANISATION' ? true : undefined}
              />
            </Stack>
          </Radio.Group>
          <MultiSelect
            label="Participants"
            description="People who follow the request, whatever its visibility."
            placeholder={participants.length ? undefined : 'Choose people'}
            data={options}
            value={participants}
            onChange={setParticipants}
            searchable
            clearable
            nothingFoundMessage={people.fetching ? 'Loading people…' : 'Nobody matches'}
            error={participantError}
            comboboxProps={{ withinPortal: true }}
          />
          {people.error && (
            <Text size="sm" c="red.8">
              People could not be loaded: {errorMessage(people.error)}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={fetching}>
              Save sharing
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
