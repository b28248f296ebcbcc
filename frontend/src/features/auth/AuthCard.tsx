import { Anchor, Box, Center, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import classes from './AuthCard.module.css';

/** The centred card the signed-out screens share. */
export function AuthCard({
  title,
  subtitle,
  children,
  footer,
}: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <Box component="main" id="main" className={classes.page}>
      <Center mih="100vh" px="md" py="xl">
        <Stack w="100%" maw={420} gap="lg">
          <Anchor component={Link} to="/" underline="never" className={classes.brand}>
            <span className={classes.logo} aria-hidden>
              F
            </span>
            <Text fw={700} size="xl" c="dark">
              Frontdesk
            </Text>
          </Anchor>
          <Paper p={{ base: 'lg', sm: 'xl' }} shadow="md" withBorder>
            <Stack gap="xs" mb="lg">
              <Title order={1} size="h2">
                {title}
              </Title>
              {subtitle && (
                <Text c="dimmed" size="sm">
                  {subtitle}
                </Text>
              )}
            </Stack>
            {children}
          </Paper>
          {footer && (
            <Text ta="center" size="sm" c="dimmed">
              {footer}
            </Text>
          )}
        </Stack>
      </Center>
    </Box>
  );
}
