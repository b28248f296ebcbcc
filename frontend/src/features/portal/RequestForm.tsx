/**
 * The request form, rendered from a request type's fields. Pure: data and the submit and upload
 * functions come in as props (RequestFormPage wires them to the API), so it is tested alone.
 */
import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  List,
  MultiSelect,
  Radio,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { IconLock, IconSend, IconUsersGroup } from '@tabler/icons-react';
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { priorityColor, priorityLabel, URGENCY_LABELS } from '../../lib/format';
import type { Uploader } from '../../lib/upload';
import { errorPath, type UserErrorLike } from '../../lib/userErrors';
import { AttachmentInput } from '../../components/AttachmentInput';
import { DynamicField, fieldDomId, type PersonOption } from './DynamicField';
import {
  doneIds,
  fieldStates,
  initialValues,
  MAX_SUMMARY,
  resolvePriority,
  submissionFields,
  validateDraft,
  type FieldDef,
  type FormValue,
  type FormValues,
  type Level,
  type Scheme,
  type UploadItem,
} from './formModel';

export interface SubmitInput {
  requestTypeId: string;
  organisationId: string;
  summary: string;
  description: string;
  fields: { key: string; value: unknown }[];
  urgency: 'HIGH' | 'MEDIUM' | 'LOW' | null;
  impact: 'HIGH' | 'MEDIUM' | 'LOW' | null;
  priorityKey: string | null;
  visibility: 'PRIVATE' | 'ORGANISATION';
  participantIds: string[];
  attachmentIds: string[];
  idempotencyKey: string;
}

export interface SubmitResult {
  requestId?: string | null;
  userErrors: readonly UserErrorLike[];
  /** A failure that is not about the input (network, server). */
  error?: string | null;
}

export interface RequestFormProps {
  requestType: {
    id: string;
    name: string;
    asksUrgencyAndImpact: boolean;
    defaultPriority: Level | null;
    fields: FieldDef[];
  };
  scheme: Scheme;
  organisations: { id: string; name: string }[];
  organisationId: string | null;
  onOrganisationChange: (id: string) => void;
  /** People of the chosen organisation (participants, USER fields), without the viewer. */
  people: PersonOption[];
  submit: (input: SubmitInput) => Promise<SubmitResult>;
  onSubmitted: (requestId: string) => void;
  onCancel?: () => void;
  uploader?: Uploader;
}

const LEVELS = ['HIGH', 'MEDIUM', 'LOW'] as const;
type Level3 = (typeof LEVELS)[number];

const ID = {
  summary: 'request-summary',
  description: 'request-description',
  urgency: 'request-urgency',
  impact: 'request-impact',
  priorityKey: 'request-priority',
  organisationId: 'request-organisation',
  visibility: 'request-visibility',
  participantIds: 'request-participants',
  attachmentIds: 'request-attachments',
} as const;

/** The DOM id an error path belongs to ("fields.x" -> field-x; "participantIds.2" -> ...). */
function domIdFor(path: string): string | null {
  if (path.startsWith('fields.')) return fieldDomId(path.split('.')[1] ?? '');
  const head = path.split('.')[0] as keyof typeof ID;
  return ID[head] ?? null;
}

/** Error paths normalised to what the form shows: list items go to their list. */
function normalisePath(path: string): string {
  if (path.startsWith('fields.')) return path.split('.').slice(0, 2).join('.');
  const head = path.split('.')[0] ?? path;
  return head in ID ? head : path;
}

function focusFirst(paths: string[]): void {
  for (const path of paths) {
    const id = domIdFor(path);
    const el = id ? document.getElementById(id) : null;
    if (!el) continue;
    const target =
      el.matches('input, textarea, select, button')
        ? el
        : el.querySelector<HTMLElement>('input:not([type=hidden]), textarea, select, button');
    (target ?? el).scrollIntoView?.({ block: 'center' });
    (target ?? el).focus?.();
    return;
  }
}

function newIdempotencyKey(): string {
  const c = globalThis.crypto as Crypto | undefined;
  return c?.randomUUID?.() ?? `k-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export function RequestForm({
  requestType,
  scheme,
  organisations,
  organisationId,
  onOrganisationChange,
  people,
  submit,
  onSubmitted,
  onCancel,
  uploader,
}: RequestFormProps) {
  const fields = useMemo(
    () => [...requestType.fields].sort((a, b) => a.position - b.position),
    [requestType.fields],
  );
  const [summary, setSummary] = useState('');
  const [description, setDescription] = useState('');
  const [values, setValues] = useState<FormValues>(() => initialValues(fields));
  const [urgency, setUrgency] = useState<Level3 | null>(null);
  const [impact, setImpact] = useState<Level3 | null>(null);
  const [priorityKey, setPriorityKey] = useState<string | null>(null);
  const [visibility, setVisibility] = useState<'PRIVATE' | 'ORGANISATION'>('PRIVATE');
  const [participantIds, setParticipantIds] = useState<string[]>([]);
  const [attachments, setAttachments] = useState<UploadItem[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [submitting, setSubmitting] = useState(false);
  const idempotencyKey = useRef(newIdempotencyKey());

  const states = useMemo(() => fieldStates(fields, values), [fields, values]);
  const organisation = organisations.find((o) => o.id === organisationId) ?? null;
  const priority = resolvePriority(scheme, {
    urgency,
    impact,
    chosenKey: priorityKey,
    typeDefault: requestType.defaultPriority,
  });

  const clearError = (path: string) =>
    setErrors((current) => {
      if (!(path in current)) return current;
      const next = { ...current };
      delete next[path];
      return next;
    });

  const setValue = (key: string, value: FormValue) => {
    setValues((current) => ({ ...current, [key]: value }));
    clearError(`fields.${key}`);
  };

  const setUploads = (key: string) => (update: (items: UploadItem[]) => UploadItem[]) => {
    setValues((current) => ({
      ...current,
      [key]: update((current[key] as UploadItem[] | undefined) ?? []),
    }));
    clearError(`fields.${key}`);
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setGeneral([]);
    const problems = validateDraft(fields, { summary, description, values, attachments });
    if (!organisationId) problems.organisationId = 'Choose the organisation this request is for.';
    setErrors(problems);
    if (Object.keys(problems).length) {
      focusFirst(orderedPaths(Object.keys(problems)));
      return;
    }
    setSubmitting(true);
    try {
      const result = await submit({
        requestTypeId: requestType.id,
        organisationId: organisationId ?? '',
        summary: summary.trim(),
        description,
        fields: submissionFields(fields, values),
        urgency: requestType.asksUrgencyAndImpact ? urgency : null,
        impact: requestType.asksUrgencyAndImpact ? impact : null,
        priorityKey: scheme.customerMayChoose ? priorityKey : null,
        visibility,
        participantIds,
        attachmentIds: doneIds(attachments),
        idempotencyKey: idempotencyKey.current,
      });
      if (result.error) {
        setGeneral([result.error]);
        return;
      }
      if (result.userErrors.length === 0 && result.requestId) {
        onSubmitted(result.requestId);
        return;
      }
      // The server's verdict, shown where it belongs; anything without a place goes on top.
      const byPath: Record<string, string> = {};
      const unplaced: string[] = [];
      for (const e of result.userErrors) {
        const raw = errorPath(e);
        const path = raw ? normalisePath(raw) : null;
        if (path && domIdFor(path) && document.getElementById(domIdFor(path) ?? '')) {
          byPath[path] ??= e.message;
        } else {
          unplaced.push(e.message);
        }
      }
      setErrors(byPath);
      setGeneral(unplaced.length ? unplaced : Object.keys(byPath).length ? [] : ['The request was not sent.']);
      focusFirst(orderedPaths(Object.keys(byPath)));
    } finally {
      setSubmitting(false);
    }
  };

  const orderedPaths = (paths: string[]): string[] => {
    const order = [
      'summary',
      'description',
      ...fields.map((f) => `fields.${f.key}`),
      'urgency',
      'impact',
      'priorityKey',
      'attachmentIds',
      'organisationId',
      'visibility',
      'participantIds',
    ];
    return [...paths].sort((a, b) => {
      const ia = order.indexOf(a);
      const ib = order.indexOf(b);
      return (ia < 0 ? 999 : ia) - (ib < 0 ? 999 : ib);
    });
  };

  const errorCount = Object.keys(errors).length;
  const visibleFields = fields.filter((f) => states[f.key]?.visible);

  return (
    <form onSubmit={onSubmit} noValidate aria-label={`${requestType.name} form`}>
      <Stack gap="lg">
        {(general.length > 0 || errorCount > 0) && (
          <Alert color="red" variant="light" title="Please check the form" role="alert">
            {general.length > 0 ? (
              <List size="sm">
                {general.map((message) => (
                  <List.Item key={message}>{message}</List.Item>
                ))}
              </List>
            ) : (
              <Text size="sm">
                {errorCount === 1 ? 'One field needs' : `${errorCount} fields need`} your attention.
              </Text>
            )}
          </Alert>
        )}

        <Card padding="lg">
          <Stack gap="md">
            <Title order={2} size="h4">
              Your request
            </Title>
            <TextInput
              id={ID.summary}
              label="Summary"
              description="One line that says what it is about."
              required
              value={summary}
              maxLength={MAX_SUMMARY}
              onChange={(e) => {
                setSummary(e.currentTarget.value);
                clearError('summary');
              }}
              error={errors.summary}
            />
            <Textarea
              id={ID.description}
              label="Description"
              description="Anything else we should know."
              autosize
              minRows={3}
              maxRows={14}
              value={description}
              onChange={(e) => {
                setDescription(e.currentTarget.value);
                clearError('description');
              }}
              error={errors.description}
            />
            {visibleFields.map((field) => (
              <DynamicField
                key={field.key}
                field={field}
                value={values[field.key]}
                required={states[field.key]?.required ?? false}
                error={errors[`fields.${field.key}`]}
                onChange={(v) => setValue(field.key, v)}
                onUploadsChange={setUploads(field.key)}
                people={people}
                uploader={uploader}
              />
            ))}
          </Stack>
        </Card>

        <Card padding="lg">
          <Stack gap="md">
            <Group justify="space-between" align="flex-start">
              <Title order={2} size="h4">
                Priority
              </Title>
              <Badge
                size="lg"
                variant="light"
                color={priorityColor(priority.level?.rank, scheme.levels.length)}
                data-testid="resulting-priority"
              >
                {priorityLabel(priority.level)}
              </Badge>
            </Group>
            {requestType.asksUrgencyAndImpact && (
              <Group grow align="flex-start" gap="lg" wrap="wrap">
                <Radio.Group
                  id={ID.urgency}
                  label="Urgency"
                  description="How soon does it hurt?"
                  value={urgency}
                  onChange={(v) => {
                    setUrgency(v as Level3);
                    clearError('urgency');
                  }}
                  error={errors.urgency}
                  miw={200}
                >
                  <Group gap="md" mt={6}>
                    {LEVELS.map((l) => (
                      <Radio key={l} value={l} label={URGENCY_LABELS[l]} id={`${ID.urgency}-${l}`} />
                    ))}
                  </Group>
                </Radio.Group>
                <Radio.Group
                  id={ID.impact}
                  label="Impact"
                  description="How many people or how much does it affect?"
                  value={impact}
                  onChange={(v) => {
                    setImpact(v as Level3);
                    clearError('impact');
                  }}
                  error={errors.impact}
                  miw={200}
                >
                  <Group gap="md" mt={6}>
                    {LEVELS.map((l) => (
                      <Radio key={l} value={l} label={URGENCY_LABELS[l]} id={`${ID.impact}-${l}`} />
                    ))}
                  </Group>
                </Radio.Group>
              </Group>
            )}
            {scheme.customerMayChoose && (
              <Select
                id={ID.priorityKey}
                label="Priority"
                placeholder="Let the service desk decide"
                clearable
                data={scheme.levels.map((l) => ({ value: l.key, label: priorityLabel(l) }))}
                value={priorityKey}
                onChange={setPriorityKey}
                error={errors.priorityKey}
                maw={320}
              />
            )}
            <Text size="sm" c="dimmed">
              {priority.source === 'MATRIX'
                ? `From urgency ${URGENCY_LABELS[urgency ?? ''] ?? ''} and impact ${
                    URGENCY_LABELS[impact ?? ''] ?? ''
                  }.`
                : priority.source === 'CHOSEN'
                  ? 'As you chose.'
                  : requestType.asksUrgencyAndImpact && scheme.matrix.length
                    ? 'Choose urgency and impact to set it; until then the usual priority of this kind of request.'
                    : 'The usual priority of this kind of request; the service desk may change it.'}
            </Text>
          </Stack>
        </Card>

        <Card padding="lg">
          <Stack gap="md">
            <Title order={2} size="h4">
              Attachments
            </Title>
            <AttachmentInput
              id={ID.attachmentIds}
              label="Files"
              description="Screenshots, logs or documents that help us understand."
              value={attachments}
              onChange={(update) => {
                setAttachments(update);
                clearError('attachmentIds');
              }}
              error={errors.attachmentIds}
              uploader={uploader}
            />
          </Stack>
        </Card>

        <Card padding="lg">
          <Stack gap="md">
            <Title order={2} size="h4">
              Who sees it
            </Title>
            {organisations.length > 1 && (
              <Select
                id={ID.organisationId}
                label="Organisation"
                description="The organisation this request is for."
                required
                data={organisations.map((o) => ({ value: o.id, label: o.name }))}
                value={organisationId}
                onChange={(v) => {
                  if (v) onOrganisationChange(v);
                  setParticipantIds([]);
                  clearError('organisationId');
                }}
                error={errors.organisationId}
                allowDeselect={false}
              />
            )}
            {organisations.length <= 1 && errors.organisationId && (
              <Text c="red.8" size="sm" id={ID.organisationId} role="alert">
                {errors.organisationId}
              </Text>
            )}
            <Radio.Group
              id={ID.visibility}
              label="Sharing"
              value={visibility}
              onChange={(v) => setVisibility(v as 'PRIVATE' | 'ORGANISATION')}
              error={errors.visibility}
            >
              <Stack gap="sm" mt={6}>
                <Radio
                  value="PRIVATE"
                  id={`${ID.visibility}-private`}
                  label={
                    <Group gap={6} component="span">
                      <IconLock size={16} aria-hidden /> Private request
                    </Group>
                  }
                  description="Only you, the participants you add and the service desk see it."
                />
                <Radio
                  value="ORGANISATION"
                  id={`${ID.visibility}-organisation`}
                  disabled={!organisation}
                  label={
                    <Group gap={6} component="span">
                      <IconUsersGroup size={16} aria-hidden /> Share with {organisation?.name ?? 'your organisation'}
                    </Group>
                  }
                  description="Everyone in the organisation can see and follow it."
                />
              </Stack>
            </Radio.Group>
            <MultiSelect
              id={ID.participantIds}
              label="Participants"
              description="People who get updates and can reply, even on a private request."
              placeholder={participantIds.length ? undefined : 'Add people…'}
              data={people}
              value={participantIds}
              onChange={(v) => {
                setParticipantIds(v);
                clearError('participantIds');
              }}
              searchable
              clearable
              nothingFoundMessage="Nobody found"
              error={errors.participantIds}
              maxValues={50}
            />
          </Stack>
        </Card>

        <Group justify="flex-end" gap="sm">
          {onCancel && (
            <Button variant="default" onClick={onCancel} disabled={submitting}>
              Cancel
            </Button>
          )}
          <Button type="submit" loading={submitting} leftSection={<IconSend size={16} aria-hidden />}>
            Send request
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
