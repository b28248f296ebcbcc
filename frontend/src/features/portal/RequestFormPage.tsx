import { Alert, Anchor, Breadcrumbs, Button, Container, Group, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconInfoCircle } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useClient, useQuery } from 'urql';
import { useViewer } from '../../app/auth';
import { EmptyState, ErrorState, Loading, errorMessage } from '../../app/states';
import { RequestForm, type SubmitInput, type SubmitResult } from './RequestForm';
import { toFieldDef, type Scheme } from './formModel';
import { iconFor } from './icons';
import { PortalPeopleQuery, RequestSubmitMutation, RequestTypeFormQuery } from './operations';

export default function RequestFormPage() {
  const { requestTypeId = '' } = useParams();
  const viewer = useViewer();
  const navigate = useNavigate();
  const client = useClient();
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: RequestTypeFormQuery,
    variables: { id: requestTypeId },
    requestPolicy: 'cache-and-network',
  });

  const organisations = useMemo(
    () => viewer.superUserOf.map((m) => m.organisation),
    [viewer.superUserOf],
  );
  const [organisationId, setOrganisationId] = useState<string | null>(organisations[0]?.id ?? null);
  const [{ data: peopleData }] = useQuery({
    query: PortalPeopleQuery,
    variables: { id: organisationId ?? '' },
    pause: !organisationId,
  });
  const people = useMemo(() => {
    const node = peopleData?.node;
    if (!node || node.__typename !== 'Organisation') return [];
    return node.members.nodes
      .filter((m) => m.user.id !== viewer.id)
      .map((m) => ({ value: m.user.id, label: `${m.user.displayName} (${m.user.email})` }));
  }, [peopleData, viewer.id]);

  const node = data?.node;
  const requestType = node && node.__typename === 'RequestType' ? node : null;
  const fields = useMemo(
    () => (requestType ? requestType.fields.map((f) => toFieldDef(f as Record<string, unknown>)) : []),
    [requestType],
  );

  if (!data && fetching) return <Loading label="Loading the form…" />;
  if (!data && error) return <ErrorState error={error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} />;
  if (!requestType || requestType.archived) {
    return (
      <EmptyState
        title="This kind of request is not available"
        description="It may have been retired. Pick another one in the portal."
        action={
          <Button component={Link} to="/">
            Back to the portal
          </Button>
        }
      />
    );
  }

  const scheme: Scheme = data!.portal.priorityScheme;
  const Icon = iconFor(requestType.icon);

  const submit = async (input: SubmitInput): Promise<SubmitResult> => {
    const result = await client.mutation(RequestSubmitMutation, { input }).toPromise();
    if (result.error) return { userErrors: [], error: errorMessage(result.error) };
    const payload = result.data?.requestSubmit;
    return { requestId: payload?.request?.id ?? null, userErrors: payload?.userErrors ?? [] };
  };

  return (
    <Container size="md" px={0}>
      <Stack gap="lg">
        <Breadcrumbs separatorMargin={6}>
          <Anchor component={Link} to="/" size="sm">
            Portal
          </Anchor>
          <Anchor component={Link} to={`/portal/categories/${encodeURIComponent(requestType.category.id)}`} size="sm">
            {requestType.category.name}
          </Anchor>
          <Text size="sm" c="dimmed" aria-current="page">
            {requestType.name}
          </Text>
        </Breadcrumbs>
        <Group gap="md" wrap="nowrap" align="flex-start">
          <ThemeIcon size={52} radius="md" variant="light" aria-hidden>
            <Icon size={28} />
          </ThemeIcon>
          <div>
            <Title order={1} size="h2">
              {requestType.name}
            </Title>
            <Text c="dimmed">{requestType.description}</Text>
          </div>
        </Group>
        {organisations.length === 0 && !viewer.isStaff ? (
          <Alert color="brand" variant="light" icon={<IconInfoCircle aria-hidden />} title="Only super users raise requests">
            Ask a super user of your organisation to raise this request for you, or to make you a
            super user. You can follow the requests shared with you under Requests.
          </Alert>
        ) : organisations.length === 0 ? (
          <Alert color="brand" variant="light" icon={<IconInfoCircle aria-hidden />} title="Raise requests for customers">
            Agents raise requests on behalf of a customer through the API (reporterId). In the
            portal, sign in as a super user of the customer's organisation.
          </Alert>
        ) : (
          <RequestForm
            key={requestType.id + requestType.formVersion}
            requestType={{
              id: requestType.id,
              name: requestType.name,
              asksUrgencyAndImpact: requestType.asksUrgencyAndImpact,
              defaultPriority: requestType.defaultPriority ?? null,
              fields,
            }}
            scheme={scheme}
            organisations={organisations}
            organisationId={organisationId}
            onOrganisationChange={setOrganisationId}
            people={people}
            submit={submit}
            onCancel={() => navigate(-1)}
            onSubmitted={(id) => {
              notifications.show({ color: 'green', title: 'Request sent', message: 'We will get back to you soon.' });
              navigate(`/requests/${encodeURIComponent(id)}`);
            }}
          />
        )}
      </Stack>
    </Container>
  );
}
