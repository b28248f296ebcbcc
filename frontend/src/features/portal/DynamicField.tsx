/** One form field, rendered by its kind, with its label, required marker, help and error. */
import {
  Checkbox,
  Group,
  MultiSelect,
  NumberInput,
  Radio,
  Select,
  Stack,
  Textarea,
  TextInput,
} from '@mantine/core';
import type { Uploader } from '../../lib/upload';
import { AttachmentInput } from '../../components/AttachmentInput';
import type { FieldDef, FormValue, Option, UploadItem } from './formModel';

export interface PersonOption {
  value: string;
  label: string;
}

export interface DynamicFieldProps {
  field: FieldDef;
  value: FormValue | undefined;
  required: boolean;
  error?: string | null;
  onChange: (value: FormValue) => void;
  onUploadsChange: (update: (items: UploadItem[]) => UploadItem[]) => void;
  people: PersonOption[];
  uploader?: Uploader;
}

/** DOM id of a field's input, for labels, error focus and tests. */
export const fieldDomId = (key: string): string => `field-${key}`;

// Few options read best as radio buttons / checkboxes, many as a searchable list.
const FEW_OPTIONS = 4;
const FEW_MULTI_OPTIONS = 6;

export function DynamicField({
  field,
  value,
  required,
  error,
  onChange,
  onUploadsChange,
  people,
  uploader,
}: DynamicFieldProps) {
  const id = fieldDomId(field.key);
  const common = {
    id,
    label: field.label,
    description: field.helpText || undefined,
    required,
    error: error ?? undefined,
  };
  const text = typeof value === 'string' ? value : '';
  const maxLength = field.maxLength ?? undefined;

  switch (field.kind) {
    case 'TEXT':
    case 'EMAIL':
    case 'URL':
    case 'ASSET':
      return (
        <TextInput
          {...common}
          type={field.kind === 'EMAIL' ? 'email' : field.kind === 'URL' ? 'url' : 'text'}
          inputMode={field.kind === 'EMAIL' ? 'email' : field.kind === 'URL' ? 'url' : undefined}
          autoComplete="off"
          placeholder={
            field.kind === 'URL' ? 'https://' : field.kind === 'ASSET' ? 'Asset ID' : undefined
          }
          value={text}
          maxLength={maxLength}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      );
    case 'TEXTAREA':
      return (
        <Textarea
          {...common}
          autosize
          minRows={3}
          maxRows={12}
          value={text}
          maxLength={maxLength}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      );
    case 'NUMBER':
      return (
        <NumberInput
          {...common}
          value={typeof value === 'number' || typeof value === 'string' ? value : ''}
          min={field.min ?? undefined}
          max={field.max ?? undefined}
          allowDecimal={!field.integerOnly}
          clampBehavior="none"
          onChange={(v) => onChange(v)}
          maw={240}
        />
      );
    case 'DATE':
      return (
        <TextInput
          {...common}
          type="date"
          value={text}
          min={field.dateMin ?? undefined}
          max={field.dateMax ?? undefined}
          onChange={(e) => onChange(e.currentTarget.value)}
          maw={240}
        />
      );
    case 'DATETIME':
      return (
        <TextInput
          {...common}
          type="datetime-local"
          value={text}
          onChange={(e) => onChange(e.currentTarget.value)}
          maw={280}
        />
      );
    case 'SELECT':
      if (field.options.length <= FEW_OPTIONS) {
        return (
          <Radio.Group
            {...common}
            value={typeof value === 'string' ? value : null}
            onChange={(v) => onChange(v)}
          >
            <Group gap="md" mt={6}>
              {field.options.map((o: Option) => (
                <Radio key={o.value} value={o.value} label={o.label} id={`${id}-${o.value}`} />
              ))}
            </Group>
          </Radio.Group>
        );
      }
      return (
        <Select
          {...common}
          data={field.options}
          value={typeof value === 'string' ? value : null}
          onChange={(v) => onChange(v)}
          clearable={!required}
          searchable={field.options.length > 8}
          placeholder="Choose…"
          comboboxProps={{ withinPortal: true }}
        />
      );
    case 'MULTI_SELECT': {
      const chosen = Array.isArray(value) ? (value as string[]) : [];
      if (field.options.length <= FEW_MULTI_OPTIONS) {
        return (
          <Checkbox.Group {...common} value={chosen} onChange={(v) => onChange(v)}>
            <Stack gap={8} mt={6}>
              {field.options.map((o) => (
                <Checkbox key={o.value} value={o.value} label={o.label} id={`${id}-${o.value}`} />
              ))}
            </Stack>
          </Checkbox.Group>
        );
      }
      return (
        <MultiSelect
          {...common}
          data={field.options}
          value={chosen}
          onChange={(v) => onChange(v)}
          searchable
          clearable
          placeholder="Choose…"
        />
      );
    }
    case 'CHECKBOX':
      return (
        <Checkbox
          id={id}
          label={field.label}
          description={field.helpText || undefined}
          required={required}
          error={error ?? undefined}
          checked={value === true}
          onChange={(e) => onChange(e.currentTarget.checked)}
        />
      );
    case 'USER':
      return (
        <Select
          {...common}
          data={people}
          value={typeof value === 'string' ? value : null}
          onChange={(v) => onChange(v)}
          clearable={!required}
          searchable
          nothingFoundMessage="Nobody found"
          placeholder="Choose a person…"
        />
      );
    case 'ATTACHMENT':
      return (
        <AttachmentInput
          id={id}
          label={field.label}
          description={field.helpText || undefined}
          required={required}
          error={error}
          value={Array.isArray(value) ? (value as UploadItem[]) : []}
          onChange={onUploadsChange}
          maxFiles={field.maxFiles}
          maxFileSize={field.maxFileSize}
          uploader={uploader}
        />
      );
    default:
      return null;
  }
}
