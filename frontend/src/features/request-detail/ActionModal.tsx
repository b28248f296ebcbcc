/**
 * A confirmation dialog with a reason, for actions that go into the timeline (cancel, reopen,
 * escalate, a workflow step, a priority change). The server's userErrors are shown at the
 * reason or above it; the dialog closes only when the action succeeded.
 */
import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useEffect, useState, type ReactNode } from 'react';

import { errorMessage } from '../../app/states';
import classes from './RequestDetail.module.css';
import { splitUserErrors, type UserErrorLike } from './userErrors';

export interface ActionOutcome {
  userErrors?: readonly UserErrorLike[];
  error?: Parameters<typeof errorMessage>[0];
}

export function ActionModal({
  opened,
  onClose,
  title,
  description,
  reasonLabel = 'Reason',
  reasonRequired = false,
  reasonPlaceholder,
  confirmLabel,
  color,
  children,
  onConfirm,
}: {
  opened: boolean;
  onClose: () => void;
  title: string;
  description?: ReactNode;
  reasonLabel?: string;
  reasonRequired?: boolean;
  reasonPlaceholder?: string;
  confirmLabel: string;
  color?: string;
  children?: ReactNode;
  /** Runs the action; resolves with what went wrong, or nothing on success. */
  onConfirm: (reason: string) => Promise<ActionOutcome | null>;
}) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [general, setGeneral] = useState<string[]>([]);

  useEffect(() => {
    if (opened) {
      setReason('');
      setFieldError(null);
      setGeneral([]);
    }
  }, [opened]);

  const submit = async () => {
    if (reasonRequired && !reason.trim()) {
      setFieldError(`${reasonLabel} is required.`);
      return;
    }
    setBusy(true);
    try {
      const outcome = await onConfirm(reason.trim());
      if (!outcome) {
        onClose();
        return;
      }
      const split = splitUserErrors(outcome.userErrors, ['reason']);
      setFieldError(split.byField.reason ?? null);
      setGeneral(outcome.error ? [errorMessage(outcome.error), ...split.general] : split.general);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title={title} centered
      className={classes.screen}
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Stack gap="md">
          {description && (
            <Text size="sm" c="dimmed">
              {description}
            </Text>
          )}
          {general.length > 0 && (
            <Alert color="red" variant="light" role="alert">
              {general.join(' ')}
            </Alert>
          )}
          {children}
          <Textarea
            label={reasonLabel}
            placeholder={reasonPlaceholder}
            required={reasonRequired}
            description={reasonRequired ? undefined : 'Optional; shown in the activity.'}
            value={reason}
            onChange={(event) => {
              setReason(event.currentTarget.value);
              setFieldError(null);
            }}
            error={fieldError}
            autosize
            minRows={3}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Back
            </Button>
            <Button type="submit" color={color} loading={busy}>
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
