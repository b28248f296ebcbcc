/**
 * The request form as data: field definitions, the values people type, client-side checks
 * (the same rules as backend/domain/forms.py, which stays authoritative), the submission, and
 * the priority the scheme will give.
 */
import { evaluate, isBlank, type Condition, type FieldState } from '../../lib/conditions';
import { formatBytes } from '../../lib/format';
import type { UploadedAttachment } from '../../lib/upload';

export type FieldKind =
  | 'TEXT'
  | 'TEXTAREA'
  | 'NUMBER'
  | 'DATE'
  | 'DATETIME'
  | 'SELECT'
  | 'MULTI_SELECT'
  | 'CHECKBOX'
  | 'EMAIL'
  | 'URL'
  | 'ATTACHMENT'
  | 'ASSET'
  | 'USER';

export interface Option {
  value: string;
  label: string;
}

/** One form field, flattened from the typed `FormField` implementations. */
export interface FieldDef {
  id: string;
  key: string;
  kind: FieldKind;
  label: string;
  helpText: string;
  required: boolean;
  position: number;
  defaultValue: unknown;
  conditions: Condition[];
  minLength: number | null;
  maxLength: number | null;
  pattern: string | null;
  min: number | null;
  max: number | null;
  integerOnly: boolean;
  dateMin: string | null;
  dateMax: string | null;
  options: Option[];
  minSelected: number | null;
  maxSelected: number | null;
  maxFiles: number | null;
  maxFileSize: number | null;
}

/** Hard caps of the server (forms.MAX_LENGTHS) when a field sets no maxLength. */
const HARD_MAX: Partial<Record<FieldKind, number>> = {
  TEXT: 255,
  TEXTAREA: 32767,
  EMAIL: 254,
  URL: 2048,
};
export const MAX_SUMMARY = 255;
export const MAX_DESCRIPTION = 32768;

type Raw = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Flattens a `FormField` of any typed implementation (as the API returns it). */
export function toFieldDef(raw: Raw): FieldDef {
  const options = (raw.options ?? raw.multiOptions ?? []) as Option[];
  return {
    id: String(raw.id ?? raw.key),
    key: String(raw.key),
    kind: raw.kind as FieldKind,
    label: String(raw.label ?? raw.key),
    helpText: str(raw.helpText) ?? '',
    required: Boolean(raw.required),
    position: num(raw.position) ?? 0,
    defaultValue: raw.defaultValue ?? null,
    conditions: ((raw.conditions ?? []) as Condition[]).map((c) => ({
      effect: c.effect,
      fieldKey: c.fieldKey,
      operator: c.operator,
      values: [...c.values],
    })),
    minLength: num(raw.minLength),
    maxLength: num(raw.maxLength),
    pattern: str(raw.pattern),
    min: num(raw.min),
    max: num(raw.max),
    integerOnly: Boolean(raw.integerOnly),
    dateMin: str(raw.dateMin) ?? str(raw.dateTimeMin),
    dateMax: str(raw.dateMax) ?? str(raw.dateTimeMax),
    options: options.map((o) => ({ value: o.value, label: o.label })),
    minSelected: num(raw.minSelected),
    maxSelected: num(raw.maxSelected),
    maxFiles: num(raw.maxFiles),
    maxFileSize: num(raw.maxFileSize),
  };
}

// ---- uploads ---------------------------------------------------------------------------

export type UploadStatus = 'uploading' | 'done' | 'error';

export interface UploadItem {
  localId: string;
  name: string;
  size: number;
  progress: number; // 0..1
  status: UploadStatus;
  attachment?: UploadedAttachment;
  error?: string;
}

export const doneIds = (items: readonly UploadItem[]): string[] =>
  items.flatMap((i) => (i.status === 'done' && i.attachment ? [i.attachment.id] : []));

// ---- values ------------------------------------------------------------------------------

/** What the inputs hold: strings as typed, booleans, option lists, upload items. */
export type FormValue = string | number | boolean | string[] | UploadItem[] | null;
export type FormValues = Record<string, FormValue>;

const pad = (n: number): string => String(n).padStart(2, '0');

/** An ISO date-time as the value of a `datetime-local` input, in the browser's time zone. */
export function toLocalInput(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(
    date.getHours(),
  )}:${pad(date.getMinutes())}`;
}

/** A `datetime-local` value (browser's time zone) as ISO 8601 with a time zone, or null. */
export function fromLocalInput(local: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(local)) return null;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function initialValue(field: FieldDef): FormValue {
  const d = field.defaultValue;
  switch (field.kind) {
    case 'CHECKBOX':
      return d === true;
    case 'MULTI_SELECT':
      return Array.isArray(d) ? d.filter((v): v is string => typeof v === 'string') : [];
    case 'ATTACHMENT':
      return [];
    case 'NUMBER':
      return typeof d === 'number' ? d : '';
    case 'DATETIME':
      return typeof d === 'string' ? toLocalInput(d) : '';
    case 'SELECT':
    case 'USER':
      return typeof d === 'string' ? d : null;
    default:
      return typeof d === 'string' ? d : '';
  }
}

export function initialValues(fields: readonly FieldDef[]): FormValues {
  return Object.fromEntries(fields.map((f) => [f.key, initialValue(f)]));
}

/** A field's value as the API takes it (and as conditions see it); undefined: no value. */
export function apiValue(field: FieldDef, value: FormValue | undefined): unknown {
  if (value === null || value === undefined) return undefined;
  switch (field.kind) {
    case 'NUMBER': {
      if (typeof value === 'number') return value;
      if (typeof value !== 'string' || value.trim() === '') return undefined;
      const parsed = Number(value);
      return Number.isFinite(parsed) ? parsed : value; // a non-number stays text: INVALID_TYPE
    }
    case 'CHECKBOX':
      return value === true;
    case 'DATETIME':
      return typeof value === 'string' && value ? (fromLocalInput(value) ?? value) : undefined;
    case 'ATTACHMENT':
      return Array.isArray(value) ? doneIds(value as UploadItem[]) : undefined;
    case 'MULTI_SELECT':
      return Array.isArray(value) ? value : undefined;
    default:
      return typeof value === 'string' ? value : undefined;
  }
}

/** Visibility and required-ness of every field for the current values. */
export function fieldStates(
  fields: readonly FieldDef[],
  values: FormValues,
): Record<string, FieldState> {
  const conditionValues: Record<string, unknown> = {};
  for (const f of fields) {
    const v = apiValue(f, values[f.key]);
    if (v !== undefined) conditionValues[f.key] = v;
  }
  return evaluate(fields, conditionValues);
}

// ---- checks ------------------------------------------------------------------------------

const EMAIL_BAD = /[\s\u0000-\u001f\u007f]/;

function validEmail(text: string): boolean {
  if (EMAIL_BAD.test(text) || text.split('@').length !== 2) return false;
  const [local = '', domain = ''] = text.split('@');
  const labels = domain.split('.');
  return local.length > 0 && labels.length >= 2 && labels.every((l) => l.length > 0);
}

function validUrl(text: string): boolean {
  if (EMAIL_BAD.test(text)) return false;
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

function patternMatches(pattern: string, text: string): boolean | null {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u').test(text);
  } catch {
    return null; // a Python-only pattern: leave it to the server
  }
}

const codePoints = (text: string): number => [...text].length;

function rangeText(low: unknown, high: unknown, show: (v: unknown) => string = String): string {
  if (low != null && high != null) return `between ${show(low)} and ${show(high)}`;
  if (low != null) return `at least ${show(low)}`;
  return `at most ${show(high)}`;
}

/** The first problem with one visible field's value, or null. */
export function checkField(field: FieldDef, value: FormValue | undefined, required: boolean): string | null {
  const name = field.label || field.key;
  if (field.kind === 'ATTACHMENT') {
    const items = (Array.isArray(value) ? value : []) as UploadItem[];
    if (items.some((i) => i.status === 'uploading')) return 'Wait until the files are uploaded.';
    if (items.some((i) => i.status === 'error')) return 'Remove the files that failed to upload.';
  }
  const api = apiValue(field, value);
  if (isBlank(api)) return required ? `${name} is required.` : null;

  switch (field.kind) {
    case 'TEXT':
    case 'TEXTAREA':
    case 'EMAIL':
    case 'URL': {
      const text = String(api);
      const length = codePoints(text);
      if (field.minLength != null && length < field.minLength) {
        return `Use at least ${field.minLength} characters.`;
      }
      const max = Math.min(field.maxLength ?? Infinity, HARD_MAX[field.kind] ?? Infinity);
      if (length > max) return `Use at most ${max} characters.`;
      if (field.kind === 'TEXT' && field.pattern && patternMatches(field.pattern, text) === false) {
        return `${name} does not have the expected format.`;
      }
      if (field.kind === 'EMAIL' && !validEmail(text)) return 'Enter an e-mail address.';
      if (field.kind === 'URL' && !validUrl(text)) return 'Enter an http or https address.';
      return null;
    }
    case 'NUMBER': {
      if (typeof api !== 'number') return 'Enter a number.';
      if (field.integerOnly && !Number.isInteger(api)) return 'Enter a whole number.';
      if ((field.min != null && api < field.min) || (field.max != null && api > field.max)) {
        return `Enter a number ${rangeText(field.min, field.max)}.`;
      }
      return null;
    }
    case 'DATE': {
      const text = String(api);
      const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : null;
      if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) {
        return 'Enter a date.';
      }
      if ((field.dateMin && text < field.dateMin) || (field.dateMax && text > field.dateMax)) {
        return `Choose a date ${rangeText(field.dateMin, field.dateMax)}.`;
      }
      return null;
    }
    case 'DATETIME': {
      const time = new Date(String(api)).getTime();
      if (typeof value !== 'string' || fromLocalInput(value) === null || Number.isNaN(time)) {
        return 'Enter a date and time.';
      }
      const low = field.dateMin ? new Date(field.dateMin).getTime() : null;
      const high = field.dateMax ? new Date(field.dateMax).getTime() : null;
      if ((low != null && time < low) || (high != null && time > high)) {
        const show = (v: unknown) => new Date(String(v)).toLocaleString();
        return `Choose a time ${rangeText(field.dateMin, field.dateMax, show)}.`;
      }
      return null;
    }
    case 'SELECT':
      return field.options.some((o) => o.value === api) ? null : 'Choose one of the options.';
    case 'MULTI_SELECT': {
      const chosen = api as string[];
      if (field.minSelected != null && chosen.length < field.minSelected) {
        return `Choose at least ${field.minSelected}.`;
      }
      if (field.maxSelected != null && chosen.length > field.maxSelected) {
        return `Choose at most ${field.maxSelected}.`;
      }
      return null;
    }
    case 'CHECKBOX':
      return required && api !== true ? `${name} must be checked.` : null;
    case 'ATTACHMENT': {
      const items = (value ?? []) as UploadItem[];
      if (field.maxFiles != null && items.length > field.maxFiles) {
        return `Attach at most ${field.maxFiles} file${field.maxFiles === 1 ? '' : 's'}.`;
      }
      if (field.maxFileSize != null && items.some((i) => i.size > field.maxFileSize!)) {
        return `Each file may be at most ${formatBytes(field.maxFileSize)}.`;
      }
      return null;
    }
    default:
      return String(api).length > 255 ? 'This is not a valid ID.' : null;
  }
}

export interface RequestDraft {
  summary: string;
  description: string;
  values: FormValues;
  attachments: UploadItem[];
}

/** Every problem the browser can see before sending, by path ("summary", "fields.<key>"). */
export function validateDraft(fields: readonly FieldDef[], draft: RequestDraft): Record<string, string> {
  const errors: Record<string, string> = {};
  const summary = draft.summary.trim();
  if (!summary) errors.summary = 'A summary is required.';
  else if (codePoints(draft.summary) > MAX_SUMMARY) errors.summary = `Use at most ${MAX_SUMMARY} characters.`;
  if (codePoints(draft.description) > MAX_DESCRIPTION) {
    errors.description = `Use at most ${MAX_DESCRIPTION} characters.`;
  }
  if (draft.attachments.some((a) => a.status === 'uploading')) {
    errors.attachmentIds = 'Wait until the files are uploaded.';
  } else if (draft.attachments.some((a) => a.status === 'error')) {
    errors.attachmentIds = 'Remove the files that failed to upload.';
  }
  const states = fieldStates(fields, draft.values);
  for (const field of fields) {
    const state = states[field.key];
    if (!state?.visible) continue;
    const problem = checkField(field, draft.values[field.key], state.required);
    if (problem) errors[`fields.${field.key}`] = problem;
  }
  return errors;
}

/** The `fields` of RequestSubmitInput: visible fields only (the server refuses values of
 * hidden ones); a field the user emptied is sent empty so its default does not come back. */
export function submissionFields(
  fields: readonly FieldDef[],
  values: FormValues,
): { key: string; value: unknown }[] {
  const states = fieldStates(fields, values);
  const out: { key: string; value: unknown }[] = [];
  for (const field of fields) {
    if (!states[field.key]?.visible) continue;
    const value = apiValue(field, values[field.key]);
    if (!isBlank(value)) out.push({ key: field.key, value });
    else if (field.defaultValue != null) {
      const listKind = field.kind === 'MULTI_SELECT' || field.kind === 'ATTACHMENT';
      out.push({ key: field.key, value: listKind ? [] : '' });
    }
  }
  return out;
}

// ---- priority ----------------------------------------------------------------------------

export interface Level {
  key: string;
  name: string;
  rank: number;
}

export interface Scheme {
  key: string;
  name: string;
  customerMayChoose: boolean;
  levels: Level[];
  matrix: { urgency: string; impact: string; priority: Level | null }[];
}

export type PrioritySource = 'CHOSEN' | 'MATRIX' | 'REQUEST_TYPE' | 'SCHEME';

/** The priority a request will get (backend/domain/priority.py resolve_priority, in order). */
export function resolvePriority(
  scheme: Scheme,
  options: {
    urgency?: string | null;
    impact?: string | null;
    chosenKey?: string | null;
    typeDefault?: Level | null;
  },
): { level: Level | null; source: PrioritySource } {
  const byKey = (key: string | null | undefined) => scheme.levels.find((l) => l.key === key) ?? null;
  const chosen = scheme.customerMayChoose ? byKey(options.chosenKey) : null;
  if (chosen) return { level: chosen, source: 'CHOSEN' };
  if (scheme.matrix.length && options.urgency && options.impact) {
    const cell = scheme.matrix.find((c) => c.urgency === options.urgency && c.impact === options.impact);
    const level = byKey(cell?.priority?.key);
    if (level) return { level, source: 'MATRIX' };
  }
  const typeDefault = byKey(options.typeDefault?.key);
  if (typeDefault) return { level: typeDefault, source: 'REQUEST_TYPE' };
  // The scheme's fallback: the middle level, rounding towards less urgent.
  const sorted = [...scheme.levels].sort((a, b) => a.rank - b.rank);
  return { level: sorted[Math.floor(sorted.length / 2)] ?? null, source: 'SCHEME' };
}
