import {
  Anchor,
  Badge,
  Box,
  Card,
  Container,
  Group,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  ThemeIcon,
  Title,
} from '@mantine/core';
import { IconArrowRight, IconSearch } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { useViewer } from '../../app/auth';
import { EmptyState, ErrorState, Loading } from '../../app/states';
import { categoryColor, categoryIcon } from './icons';
import { PortalQuery } from './operations';
import { RequestTypeCard } from './RequestTypeCard';
import { searchRequestTypes } from './search';
import classes from './portal.module.css';

export default function PortalHome() {
  const viewer = useViewer();
  const [{ data, fetching, error }, reexecute] = useQuery({ query: PortalQuery, requestPolicy: 'cache-and-network' });
  const [search, setSearch] = useState('');
  const categories = useMemo(() => data?.portal.categories ?? [], [data]);
  const hits = useMemo(() => searchRequestTypes(categories, search), [categories, search]);

  const firstName = viewer.displayName.split(' ')[0] ?? viewer.displayName;

  return (
    <Stack gap="xl">
      <Box className={classes.hero}>
        <Container size="md" py={{ base: 'lg', sm: 40 }}>
          <Stack gap="md" align="center" ta="center">
            <Title order={1} className={classes.heroTitle}>
              Hi {firstName}, how can we help?
            </Title>
            <Text c="dimmed" maw={560}>
              Pick a category below, or search for what you need.
            </Text>
            <TextInput
              w="100%"
              maw={560}
              size="lg"
              radius="xl"
              type="search"
              aria-label="Search request types"
              placeholder="Search, e.g. bug, training, quota…"
              leftSection={<IconSearch size={20} aria-hidden />}
              value={search}
              onChange={(e) => setSearch(e.currentTarget.value)}
            />
          </Stack>
        </Container>
      </Box>

      <Container size="lg" w="100%" px={0}>
        {!data && fetching ? (
          <Loading label="Loading the portal…" />
        ) : !data && error ? (
          <ErrorState error={error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} />
        ) : search.trim() ? (
          <section aria-labelledby="search-results">
            <Title order={2} size="h4" mb="md" id="search-results">
              {hits.length === 0
                ? 'No matching request types'
                : `${hits.length} matching request type${hits.length === 1 ? '' : 's'}`}
            </Title>
            {hits.length === 0 ? (
              <EmptyState
                icon={<IconSearch size={28} />}
                title={`Nothing matches “${search.trim()}”`}
                description="Try other words, or browse the categories."
              />
            ) : (
              <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="md">
                {hits.map(({ type, category }) => (
                  <RequestTypeCard key={type.id} type={type} categoryName={category.name} />
                ))}
              </SimpleGrid>
            )}
          </section>
        ) : categories.length === 0 ? (
          <EmptyState
            title="Nothing to request yet"
            description="The service desk has not published any request types for you."
          />
        ) : (
          <section aria-labelledby="categories">
            <Title order={2} size="h4" mb="md" id="categories">
              Categories
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="md">
              {categories.map((category) => {
                const Icon = categoryIcon(category.name, category.requestTypes[0]?.icon);
                const color = categoryColor(category.name);
                const to = `/portal/categories/${encodeURIComponent(category.id)}`;
                return (
                  <Card key={category.id} padding="lg" className={classes.card} component="article">
                    <Stack gap="sm" h="100%">
                      <Group justify="space-between" align="flex-start" wrap="nowrap">
                        <ThemeIcon size={48} radius="md" variant="light" color={color} aria-hidden>
                          <Icon size={26} />
                        </ThemeIcon>
                        <Badge variant="light" color="gray" radius="sm">
                          {category.requestTypes.length} type{category.requestTypes.length === 1 ? '' : 's'}
                        </Badge>
                      </Group>
                      <Title order={3} size="h4">
                        <Anchor component={Link} to={to} c="dark" fw={650} inherit className={classes.stretched}>
                          {category.name}
                        </Anchor>
                      </Title>
                      <Text size="sm" c="dimmed">
                        {category.description}
                      </Text>
                      <Stack gap={4} mt="auto">
                        {category.requestTypes.slice(0, 3).map((t) => (
                          <Text key={t.id} size="sm" c="dark.4">
                            · {t.name}
                          </Text>
                        ))}
                      </Stack>
                      <Group gap={4} c="brand.7">
                        <Text size="sm" fw={600}>
                          Open
                        </Text>
                        <IconArrowRight size={16} aria-hidden />
                      </Group>
                    </Stack>
                  </Card>
                );
              })}
            </SimpleGrid>
          </section>
        )}
      </Container>
    </Stack>
  );
}
