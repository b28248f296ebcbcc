/** The states every screen shows the same way: loading, error with a retry, empty. */
import { Alert, Button, Center, Group, Loader, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconAlertTriangle, IconInbox, IconRefresh } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import type { CombinedError } from 'urql';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Group gap="sm">
        <Loader size="sm" aria-hidden />
        <Text c="dimmed">{label}</Text>
      </Group>
    </Center>
  );
}

/** A readable sentence for an urql, network or plain error. */
export function errorMessage(error: CombinedError | Error | string | null | undefined): string {
  if (!error) return 'Something went wrong.';
  if (typeof error === 'string') return error;
  if ('graphQLErrors' in error) {
    if (error.networkError) {
      return 'The server cannot be reached. Check your connection and try again.';
    }
    const first = error.graphQLErrors[0];
    if (first) return first.message;
  }
  return error.message || 'Something went wrong.';
}

export function ErrorState({
  error,
  onRetry,
  title = 'This could not be loaded',
}: {
  error: CombinedError | Error | string | null | undefined;
  onRetry?: () => void;
  title?: string;
}) {
  return (
    <Alert
      variant="light"
      color="red"
      title={title}
      icon={<IconAlertTriangle aria-hidden />}
      role="alert"
      my="md"
    >
      <Stack gap="sm" align="flex-start">
        <Text size="sm">{errorMessage(error)}</Text>
        {onRetry && (
          <Button
            size="xs"
            variant="white"
            color="red"
            leftSection={<IconRefresh size={14} aria-hidden />}
            onClick={onRetry}
          >
            Try again
          </Button>
        )}
      </Stack>
    </Alert>
  );
}

export function EmptyState({
  title,
  description,
  action,
  icon,
}: {
  title: string;
  description?: ReactNode;
  action?: ReactNode;
  icon?: ReactNode;
}) {
  return (
    <Center py={48}>
      <Stack align="center" gap="xs" maw={420} ta="center">
        <ThemeIcon size={56} radius="xl" variant="light" color="gray" aria-hidden>
          {icon ?? <IconInbox size={28} />}
        </ThemeIcon>
        <Title order={3} size="h4">
          {title}
        </Title>
        {description && (
          <Text c="dimmed" size="sm">
            {description}
          </Text>
        )}
        {action && <div>{action}</div>}
      </Stack>
    </Center>
  );
}
