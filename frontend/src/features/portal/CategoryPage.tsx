import { Anchor, Breadcrumbs, Button, Group, SimpleGrid, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { EmptyState, ErrorState, Loading } from '../../app/states';
import { categoryColor, categoryIcon } from './icons';
import { PortalQuery } from './operations';
import { RequestTypeCard } from './RequestTypeCard';

export default function CategoryPage() {
  const { categoryId = '' } = useParams();
  const [{ data, fetching, error }, reexecute] = useQuery({ query: PortalQuery, requestPolicy: 'cache-and-network' });

  if (!data && fetching) return <Loading label="Loading the category…" />;
  if (!data && error) return <ErrorState error={error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} />;
  const category = data?.portal.categories.find((c) => c.id === categoryId);
  if (!category) {
    return (
      <EmptyState
        title="Category not found"
        description="It may have been renamed or archived."
        action={
          <Button component={Link} to="/">
            Back to the portal
          </Button>
        }
      />
    );
  }
  const Icon = categoryIcon(category.name, category.requestTypes[0]?.icon);
  return (
    <Stack gap="lg" maw={1100} mx="auto">
      <Breadcrumbs separatorMargin={6}>
        <Anchor component={Link} to="/" size="sm">
          Portal
        </Anchor>
        <Text size="sm" c="dimmed" aria-current="page">
          {category.name}
        </Text>
      </Breadcrumbs>
      <Group gap="md" wrap="nowrap" align="flex-start">
        <ThemeIcon size={56} radius="md" variant="light" color={categoryColor(category.name)} aria-hidden>
          <Icon size={30} />
        </ThemeIcon>
        <div>
          <Title order={1} size="h2">
            {category.name}
          </Title>
          <Text c="dimmed">{category.description}</Text>
        </div>
      </Group>
      <Title order={2} size="h4">
        What do you need?
      </Title>
      {category.requestTypes.length === 0 ? (
        <EmptyState title="No request types here yet" />
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          {category.requestTypes.map((type) => (
            <RequestTypeCard key={type.id} type={type} />
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
}
