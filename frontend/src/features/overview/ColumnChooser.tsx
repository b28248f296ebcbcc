/** Which columns the overview shows and in what order; saved per user on the server. */
import {
  ActionIcon,
  Button,
  Checkbox,
  Group,
  Loader,
  Popover,
  Stack,
  Text,
  Tooltip,
} from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconColumns3 } from '@tabler/icons-react';

import type { OverviewColumn } from '../../gql/graphql';
import { ALL_COLUMNS, DEFAULT_COLUMNS, IDENTIFYING, moveColumn, toggleColumn } from './columnChoice';
import { COLUMNS } from './columns';

export function ColumnChooser({
  columns,
  saving,
  error,
  onChange,
}: {
  columns: OverviewColumn[];
  saving: boolean;
  error: string | null;
  onChange: (columns: OverviewColumn[]) => void;
}) {
  // Shown columns first (in their order), then the hidden ones.
  const ordered = [...columns, ...ALL_COLUMNS.filter((c) => !columns.includes(c))];
  return (
    <Popover position="bottom-end" shadow="md" width={300} trapFocus withArrow>
      <Popover.Target>
        <Button
          variant="default"
          leftSection={<IconColumns3 size={16} aria-hidden />}
          rightSection={saving ? <Loader size={12} aria-label="Saving columns" /> : null}
        >
          Columns
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs">
          <Text size="sm" fw={600} id="column-chooser-title">
            Columns to show
          </Text>
          <Stack gap={6} role="group" aria-labelledby="column-chooser-title">
            {ordered.map((column) => {
              const shown = columns.includes(column);
              const index = columns.indexOf(column);
              const label = COLUMNS[column].label;
              const lastIdentifying =
                shown && IDENTIFYING.includes(column) && columns.filter((c) => IDENTIFYING.includes(c)).length === 1;
              return (
                <Group key={column} justify="space-between" wrap="nowrap" gap="xs">
                  <Tooltip
                    label="Keep the reference or the summary so every row can be recognised"
                    disabled={!lastIdentifying}
                  >
                    <Checkbox
                      label={label}
                      checked={shown}
                      disabled={lastIdentifying}
                      onChange={() => onChange(toggleColumn(columns, column))}
                    />
                  </Tooltip>
                  {shown && (
                    <Group gap={2} wrap="nowrap">
                      <ActionIcon
                        variant="subtle"
                        color="gray"
                        size="sm"
                        aria-label={`Move ${label} up`}
                        disabled={index === 0}
                        onClick={() => onChange(moveColumn(columns, column, -1))}
                      >
                        <IconArrowUp size={14} aria-hidden />
                      </ActionIcon>
                      <ActionIcon
                        variant="subtle"
                        color="gray"
                        size="sm"
                        aria-label={`Move ${label} down`}
                        disabled={index === columns.length - 1}
                        onClick={() => onChange(moveColumn(columns, column, 1))}
                      >
                        <IconArrowDown size={14} aria-hidden />
                      </ActionIcon>
                    </Group>
                  )}
                </Group>
              );
            })}
          </Stack>
          {error && (
            <Text size="sm" c="red.8" role="alert">
              {error}
            </Text>
          )}
          <Group justify="space-between">
            <Text size="xs" c="dimmed">
              Saved for you on every device.
            </Text>
            <Button variant="subtle" size="compact-xs" onClick={() => onChange([...DEFAULT_COLUMNS])}>
              Reset
            </Button>
          </Group>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
