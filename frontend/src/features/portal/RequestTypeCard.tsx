import { Anchor, Badge, Card, Group, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconChevronRight } from '@tabler/icons-react';
import { Link } from 'react-router';
import { iconFor } from './icons';
import classes from './portal.module.css';

export interface RequestTypeSummary {
  id: string;
  name: string;
  description: string;
  icon: string;
  issueType: string;
}

/** A request type as a card linking to its form (the whole card is the link's hit area). */
export function RequestTypeCard({ type, categoryName }: { type: RequestTypeSummary; categoryName?: string }) {
  const Icon = iconFor(type.icon);
  return (
    <Card padding="lg" className={classes.card} component="article">
      <Group gap="md" wrap="nowrap" align="flex-start">
        <ThemeIcon size={44} radius="md" variant="light" color={type.issueType === 'INCIDENT' ? 'red' : 'brand'} aria-hidden>
          <Icon size={24} />
        </ThemeIcon>
        <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
          <Group gap="xs" justify="space-between" wrap="nowrap">
            <Anchor component={Link} to={`/create/${encodeURIComponent(type.id)}`} fw={600} c="dark" className={classes.stretched}>
              {type.name}
            </Anchor>
            <IconChevronRight size={18} aria-hidden color="var(--mantine-color-gray-6)" />
          </Group>
          <Text size="sm" c="dimmed">
            {type.description}
          </Text>
          {(categoryName || type.issueType === 'INCIDENT') && (
            <Group gap={6} mt={4}>
              {categoryName && (
                <Badge size="sm" variant="light" color="gray" radius="sm">
                  {categoryName}
                </Badge>
              )}
              {type.issueType === 'INCIDENT' && (
                <Badge size="sm" variant="light" color="red" radius="sm">
                  Incident
                </Badge>
              )}
            </Group>
          )}
        </Stack>
      </Group>
    </Card>
  );
}
