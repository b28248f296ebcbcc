/**
 * /organisations/:id: the organisation's people. Its super users (and admins) add people by
 * e-mail, change roles and remove people; super users count against the organisation's cap,
 * which the page shows and the server enforces.
 */
import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Breadcrumbs,
  Button,
  Card,
  Container,
  Grid,
  Group,
  Menu,
  Modal,
  Progress,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { IconDots, IconUserMinus, IconUserPlus, IconUserShield, IconUser } from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';

import { useViewer } from '../../app/auth';
import { EmptyState, ErrorState, errorMessage } from '../../app/states';
import type { MembershipRole } from '../../gql/graphql';
import { formatDate, ROLE_LABELS } from '../../lib/format';
import { splitUserErrors } from '../request-detail/userErrors';
import { capacity, capacityText, type Capacity } from './capacity';
import { MemberAddMutation, MemberRemoveMutation, MemberUpdateMutation, OrganisationQuery } from './operations';
import classes from './Organisation.module.css';
import { notify } from '../../app/notify';

const ROLE_OPTIONS = [
  { value: 'MEMBER', label: 'Member' },
  { value: 'SUPER_USER', label: 'Super user' },
];

const ROLE_HELP: Record<MembershipRole, string> = {
  MEMBER: 'Sees and follows the requests shared with the organisation.',
  SUPER_USER: 'Raises requests and manages people; counts against the cap.',
};

function AddMemberForm({
  organisationId,
  organisationName,
  cap,
  onAdded,
}: {
  organisationId: string;
  organisationName: string;
  cap: Capacity;
  onAdded: () => void;
}) {
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<MembershipRole>('MEMBER');
  const [errors, setErrors] = useState<{ byField: Record<string, string>; general: string[] }>({
    byField: {},
    general: [],
  });
  const [{ fetching }, add] = useMutation(MemberAddMutation);

  const submit = async () => {
    if (!email.trim()) {
      setErrors({ byField: { email: 'Enter the person’s e-mail address.' }, general: [] });
      return;
    }
    const result = await add({
      input: {
        organisationId,
        email: email.trim(),
        displayName: displayName.trim() || null,
        role,
      },
    });
    const payload = result.data?.organisationMemberAdd;
    if (result.error || !payload) {
      setErrors({ byField: {}, general: [errorMessage(result.error)] });
      return;
    }
    if (payload.userErrors.length) {
      const split = splitUserErrors(payload.userErrors, ['email', 'displayName', 'role', 'userId']);
      const byField = { ...split.byField };
      if (byField.userId && !byField.email) byField.email = byField.userId;
      setErrors({ byField, general: split.general });
      return;
    }
    notify(`${payload.membership?.user.displayName ?? email} was added to ${organisationName}.`);
    setEmail('');
    setDisplayName('');
    setRole('MEMBER');
    setErrors({ byField: {}, general: [] });
    onAdded();
  };

  // Said before sending; once the server refused, its message alone is shown.
  const capWarning = role === 'SUPER_USER' && cap.full && !errors.byField.role;

  return (
    <form
      noValidate
      aria-label="Add a person"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Stack gap="sm">
        {errors.general.length > 0 && (
          <Alert color="red" variant="light" role="alert">
            {errors.general.join(' ')}
          </Alert>
        )}
        <TextInput
          label="E-mail address"
          type="email"
          required
          autoComplete="off"
          placeholder="name@example.com"
          value={email}
          onChange={(event) => setEmail(event.currentTarget.value)}
          error={errors.byField.email}
          description="Someone new gets an invitation to set a password."
        />
        <TextInput
          label="Name"
          placeholder="Optional, for a new account"
          value={displayName}
          onChange={(event) => setDisplayName(event.currentTarget.value)}
          error={errors.byField.displayName}
        />
        <Select
          label="Role"
          data={ROLE_OPTIONS}
          value={role}
          onChange={(value) => {
            setRole((value ?? 'MEMBER') as MembershipRole);
            setErrors((current) => ({ ...current, byField: { ...current.byField, role: '' } }));
          }}
          allowDeselect={false}
          error={errors.byField.role || undefined}
          description={
            capWarning ? (
              <Text span size="xs" c="red.9">
                {organisationName} already has {cap.superUsers} of {cap.cap} super users: the cap is reached.
              </Text>
            ) : (
              ROLE_HELP[role]
            )
          }
          inputWrapperOrder={['label', 'input', 'description', 'error']}
          comboboxProps={{ withinPortal: true }}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={fetching} leftSection={<IconUserPlus size={16} aria-hidden />}>
            Add person
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function PageSkeleton() {
  return (
    <Stack gap="md" aria-hidden>
      <Skeleton height={34} width="40%" />
      <Skeleton height={120} radius="lg" />
      <Skeleton height={280} radius="lg" />
    </Stack>
  );
}

export default function OrganisationPage() {
  const { id = '' } = useParams();
  const viewer = useViewer();
  const [{ data, fetching, error }, reexecute] = useQuery({ query: OrganisationQuery, variables: { id } });
  const refresh = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  const [{ fetching: removing }, remove] = useMutation(MemberRemoveMutation);
  const [, update] = useMutation(MemberUpdateMutation);
  const [toRemove, setToRemove] = useState<{ id: string; name: string } | null>(null);
  const [removeError, setRemoveError] = useState<string | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);

  if (!data && fetching) {
    return (
      <Container size="lg" px={0} className={classes.screen}>
        <PageSkeleton />
      </Container>
    );
  }
  if (!data && error) {
    return (
      <Container size="lg" px={0} className={classes.screen}>
        <ErrorState title="The organisation could not be loaded" error={error} onRetry={refresh} />
      </Container>
    );
  }
  const organisation = data?.node?.__typename === 'Organisation' ? data.node : null;
  if (!organisation) {
    return (
      <Container size="sm">
        <EmptyState
          title="Organisation not found"
          description="It does not exist, or you are not one of its people."
          action={
            <Button component={Link} to="/" variant="light">
              Go to the portal
            </Button>
          }
        />
      </Container>
    );
  }

  const canManage =
    viewer.role === 'ADMIN' || viewer.superUserOf.some((m) => m.organisation.id === organisation.id);
  const cap = capacity(organisation.superUsers.totalCount, organisation.superUserCap);
  const members = organisation.members.nodes;

  const changeRole = async (userId: string, name: string, role: MembershipRole) => {
    setRowError(null);
    const result = await update({ input: { organisationId: organisation.id, userId, role } });
    const problem =
      result.data?.organisationMemberUpdate.userErrors[0]?.message ?? (result.error ? errorMessage(result.error) : null);
    if (problem) setRowError(problem);
    else {
      notify(`${name} is now a ${ROLE_LABELS[role]?.toLowerCase() ?? role}.`);
      refresh();
    }
  };

  const confirmRemove = async () => {
    if (!toRemove) return;
    setRemoveError(null);
    const result = await remove({ input: { organisationId: organisation.id, userId: toRemove.id } });
    const problem =
      result.data?.organisationMemberRemove.userErrors[0]?.message ?? (result.error ? errorMessage(result.error) : null);
    if (problem) {
      setRemoveError(problem);
      return;
    }
    notify(`${toRemove.name} was removed from ${organisation.name}.`);
    setToRemove(null);
    refresh();
  };

  return (
    <Container size="lg" px={0} className={classes.screen}>
      <Stack gap="md">
        <Breadcrumbs>
          <Anchor component={Link} to="/" size="sm">
            Portal
          </Anchor>
          <Text size="sm" c="dimmed">
            Organisation
          </Text>
        </Breadcrumbs>
        <div>
          <Title order={1}>{organisation.name}</Title>
          <Text c="dimmed" size="sm">
            {organisation.members.totalCount} {organisation.members.totalCount === 1 ? 'person' : 'people'} · customer
            since {formatDate(organisation.createdAt)}
          </Text>
        </div>

        <Grid gutter="md">
          <Grid.Col span={{ base: 12, md: 8 }}>
            <Card padding="lg">
              <Title order={2} size="h4" mb="sm">
                People
              </Title>
              {rowError && (
                <Alert color="red" variant="light" role="alert" mb="sm" withCloseButton onClose={() => setRowError(null)}>
                  {rowError}
                </Alert>
              )}
              {members.length === 0 ? (
                <EmptyState title="Nobody yet" description="Add the first person with the form." />
              ) : (
                <Table
                  verticalSpacing="sm"
                  horizontalSpacing="xs"
                  highlightOnHover
                  aria-label={`People of ${organisation.name}`}
                >
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Name</Table.Th>
                      <Table.Th scope="col">Role</Table.Th>
                      <Table.Th scope="col" visibleFrom="sm">
                        Joined
                      </Table.Th>
                      {canManage && (
                        <Table.Th scope="col">
                          <VisuallyHidden>Actions</VisuallyHidden>
                        </Table.Th>
                      )}
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {members.map((m) => {
                      const you = m.user.id === viewer.id;
                      const superUser = m.role === 'SUPER_USER';
                      return (
                        <Table.Tr key={m.id} data-testid="member-row" data-email={m.user.email}>
                          <Table.Td>
                            <Group gap="xs" wrap="nowrap">
                              <div style={{ minWidth: 0 }}>
                                <Group gap={6} wrap="nowrap">
                                  <Text size="sm" fw={500}>
                                    {m.user.displayName}
                                  </Text>
                                  {you && (
                                    <Badge size="xs" variant="light" color="gray">
                                      You
                                    </Badge>
                                  )}
                                </Group>
                                <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                                  {m.user.email}
                                </Text>
                              </div>
                            </Group>
                          </Table.Td>
                          <Table.Td>
                            <Badge
                              variant="light"
                              tt="none"
                              className={classes.badge}
                              color={superUser ? 'brand' : 'gray'}
                              leftSection={superUser ? <IconUserShield size={12} aria-hidden /> : undefined}
                            >
                              {ROLE_LABELS[m.role]}
                            </Badge>
                          </Table.Td>
                          <Table.Td visibleFrom="sm">
                            <Text size="sm">{formatDate(m.createdAt)}</Text>
                          </Table.Td>
                          {canManage && (
                            <Table.Td ta="right">
                              {you ? (
                                <Tooltip label="You cannot change or remove yourself">
                                  <Text span size="xs" c="dimmed">
                                    —
                                  </Text>
                                </Tooltip>
                              ) : (
                                <Menu position="bottom-end" withinPortal returnFocus={false}>
                                  <Menu.Target>
                                    <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${m.user.displayName}`}>
                                      <IconDots size={16} aria-hidden />
                                    </ActionIcon>
                                  </Menu.Target>
                                  <Menu.Dropdown>
                                    {superUser ? (
                                      <Menu.Item
                                        leftSection={<IconUser size={14} aria-hidden />}
                                        onClick={() => void changeRole(m.user.id, m.user.displayName, 'MEMBER')}
                                      >
                                        Make member
                                      </Menu.Item>
                                    ) : (
                                      <Menu.Item
                                        leftSection={<IconUserShield size={14} aria-hidden />}
                                        onClick={() => void changeRole(m.user.id, m.user.displayName, 'SUPER_USER')}
                                      >
                                        Make super user
                                      </Menu.Item>
                                    )}
                                    <Menu.Divider />
                                    <Menu.Item
                                      color="red"
                                      leftSection={<IconUserMinus size={14} aria-hidden />}
                                      onClick={() => {
                                        setRemoveError(null);
                                        setToRemove({ id: m.user.id, name: m.user.displayName });
                                      }}
                                    >
                                      Remove from {organisation.name}
                                    </Menu.Item>
                                  </Menu.Dropdown>
                                </Menu>
                              )}
                            </Table.Td>
                          )}
                        </Table.Tr>
                      );
                    })}
                  </Table.Tbody>
                </Table>
              )}
              {organisation.members.pageInfo.hasNextPage && (
                <Text size="sm" c="dimmed" mt="sm">
                  Showing the first {members.length} of {organisation.members.totalCount} people.
                </Text>
              )}
            </Card>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 4 }}>
            <Stack gap="md">
              <Card padding="lg">
                <Title order={2} size="h4" mb="xs">
                  Super users
                </Title>
                <Group justify="space-between" mb={6}>
                  <Text size="xl" fw={700} data-testid="super-user-count">
                    {cap.superUsers} / {cap.cap}
                  </Text>
                  {cap.full && (
                    <Badge color="red" variant="light" c="red.9">
                      Cap reached
                    </Badge>
                  )}
                </Group>
                <Progress
                  value={Math.min(100, (cap.superUsers / Math.max(cap.cap, 1)) * 100)}
                  color={cap.full ? 'orange' : 'brand'}
                  aria-label={`${cap.superUsers} of ${cap.cap} super users`}
                />
                <Text size="sm" c="dimmed" mt="xs">
                  {capacityText(cap)}
                </Text>
              </Card>
              {canManage ? (
                <Card padding="lg">
                  <Title order={2} size="h4" mb="sm">
                    Add a person
                  </Title>
                  <AddMemberForm
                    organisationId={organisation.id}
                    organisationName={organisation.name}
                    cap={cap}
                    onAdded={refresh}
                  />
                </Card>
              ) : (
                <Alert variant="light" color="gray">
                  Only super users of {organisation.name} manage its people.
                </Alert>
              )}
            </Stack>
          </Grid.Col>
        </Grid>
      </Stack>

      <Modal
        opened={toRemove !== null}
        onClose={() => setToRemove(null)}
        title={toRemove ? `Remove ${toRemove.name}?` : ''}
        centered
        className={classes.screen}
        closeButtonProps={{ 'aria-label': 'Close' }}
      >
        <Stack gap="md">
          <Text size="sm">
            {toRemove?.name} will no longer see the requests shared with {organisation.name}. Requests they raised
            stay.
          </Text>
          {removeError && (
            <Alert color="red" variant="light" role="alert">
              {removeError}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setToRemove(null)} data-autofocus>
              Keep
            </Button>
            <Button color="red.9" loading={removing} onClick={() => void confirmRemove()}>
              Remove
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Container>
  );
}
