/** Search, status, "created by", request type and organisation filters of the overview. */
import {
  Button,
  CloseButton,
  Collapse,
  Group,
  MultiSelect,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { IconAdjustmentsHorizontal, IconFilterOff, IconSearch } from '@tabler/icons-react';
import { useEffect, useId, useState } from 'react';

import {
  DEFAULT_STATE,
  isFiltered,
  type OverviewState,
  type OwnershipValue,
  type StatusCategoryValue,
} from './filters';

export interface FilterOptions {
  requestTypes: { group: string; items: { value: string; label: string }[] }[];
  organisations: { value: string; label: string }[];
}

const STATUS_DATA: { value: StatusCategoryValue; label: string }[] = [
  { value: 'OPEN', label: 'Open' },
  { value: 'CLOSED', label: 'Closed' },
  { value: 'ANY', label: 'All' },
];

const OWNERSHIP_DATA: { value: OwnershipValue; label: string }[] = [
  { value: 'ANY', label: 'Anyone' },
  { value: 'ME', label: 'Me' },
  { value: 'COLLEAGUES', label: 'Colleagues' },
  { value: 'PARTICIPATING', label: 'Requests I participate in' },
];

/** How many filters besides the search differ from the default (for the phone's button). */
function activeFilters(state: OverviewState): number {
  return (
    Number(state.status !== DEFAULT_STATE.status) +
    Number(state.ownership !== DEFAULT_STATE.ownership) +
    Number(state.requestTypeIds.length > 0) +
    Number(state.organisationIds.length > 0)
  );
}

export function FilterBar({
  state,
  options,
  onChange,
  compact = false,
}: {
  state: OverviewState;
  options: FilterOptions;
  onChange: (patch: Partial<OverviewState>, replace?: boolean) => void;
  /** Phones: the filters fold away behind a button, the search stays. */
  compact?: boolean;
}) {
  const statusLabelId = useId();
  const filtersId = useId();
  const [expanded, setExpanded] = useState(false);
  const active = activeFilters(state);
  // The box updates at once; the list follows when typing pauses.
  const [search, setSearch] = useState(state.search);
  useEffect(() => setSearch(state.search), [state.search]);
  const commitSearch = useDebouncedCallback((value: string) => onChange({ search: value }, true), 300);

  const showOrganisations = options.organisations.length > 1;

  return (
    <Paper withBorder radius="md" p="md">
      <Stack gap="sm">
        <form
          role="search"
          onSubmit={(event) => {
            event.preventDefault();
            onChange({ search }, true);
          }}
        >
          <TextInput
            label="Search requests"
            placeholder={compact ? 'Words to find' : 'Words from the summary, description, fields or comments'}
            leftSection={<IconSearch size={16} aria-hidden />}
            value={search}
            onChange={(event) => {
              setSearch(event.currentTarget.value);
              commitSearch(event.currentTarget.value);
            }}
            rightSection={
              search ? (
                <CloseButton
                  aria-label="Clear search"
                  onClick={() => {
                    setSearch('');
                    onChange({ search: '' }, true);
                  }}
                />
              ) : null
            }
            type="search"
          />
        </form>
        {compact && (
          <Button
            variant="default"
            leftSection={<IconAdjustmentsHorizontal size={16} aria-hidden />}
            onClick={() => setExpanded((open) => !open)}
            aria-expanded={expanded}
            aria-controls={filtersId}
            justify="space-between"
          >
            {active ? `Filters (${active})` : 'Filters'}
          </Button>
        )}
        <Collapse in={!compact || expanded} id={filtersId}>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: showOrganisations ? 4 : 3 }} spacing="sm">
            <Stack gap={4}>
              <Text component="span" size="sm" fw={500} id={statusLabelId}>
                Status
              </Text>
              <SegmentedControl
                aria-labelledby={statusLabelId}
                data={STATUS_DATA}
                value={state.status}
                onChange={(value) => onChange({ status: value as StatusCategoryValue })}
                fullWidth
              />
            </Stack>
            <Select
              label="Created by"
              data={OWNERSHIP_DATA}
              value={state.ownership}
              onChange={(value) => onChange({ ownership: (value ?? 'ANY') as OwnershipValue })}
              allowDeselect={false}
              checkIconPosition="right"
            />
            <MultiSelect
              label="Request type"
              placeholder={state.requestTypeIds.length ? undefined : 'Any type'}
              data={options.requestTypes}
              value={state.requestTypeIds}
              onChange={(value) => onChange({ requestTypeIds: value })}
              searchable
              clearable
              nothingFoundMessage="No request type matches"
              hidePickedOptions
            />
            {showOrganisations && (
              <MultiSelect
                label="Organisation"
                placeholder={state.organisationIds.length ? undefined : 'Any organisation'}
                data={options.organisations}
                value={state.organisationIds}
                onChange={(value) => onChange({ organisationIds: value })}
                searchable
                clearable
                nothingFoundMessage="No organisation matches"
                hidePickedOptions
              />
            )}
          </SimpleGrid>
        </Collapse>
        {isFiltered(state) && (
          <Group justify="flex-end">
            <Button
              variant="subtle"
              size="compact-sm"
              leftSection={<IconFilterOff size={14} aria-hidden />}
              onClick={() => {
                setSearch('');
                onChange({ ...DEFAULT_STATE, sort: state.sort });
              }}
            >
              Clear filters
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
