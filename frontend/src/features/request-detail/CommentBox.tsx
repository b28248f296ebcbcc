/**
 * Reply (or, for agents, an internal note) with files. Files are uploaded first (GraphQL
 * multipart; the client sends the CSRF header the server requires), then the comment
 * references their IDs, so a comment never lands without its files.
 */
import { Alert, Button, FileButton, Group, Paper, Pill, Stack, Switch, Text, Textarea } from '@mantine/core';
import { IconPaperclip, IconSend } from '@tabler/icons-react';
import { useRef, useState } from 'react';
import { useMutation } from 'urql';

import { errorMessage } from '../../app/states';
import { formatBytes } from '../../lib/format';
import { AttachmentUploadMutation, CommentAddMutation } from './operations';
import { splitUserErrors } from './userErrors';

const MAX_FILES = 10;

export function CommentBox({
  requestId,
  canWriteInternal,
  onSent,
}: {
  requestId: string;
  canWriteInternal: boolean;
  onSent?: () => void;
}) {
  const [body, setBody] = useState('');
  const [internal, setInternal] = useState(false);
  const [files, setFiles] = useState<File[]>([]);
  const [bodyError, setBodyError] = useState<string | null>(null);
  const [general, setGeneral] = useState<string[]>([]);
  const [progress, setProgress] = useState<string | null>(null);
  const [, upload] = useMutation(AttachmentUploadMutation);
  const [, addComment] = useMutation(CommentAddMutation);
  const resetFiles = useRef<() => void>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);

  const busy = progress !== null;

  const send = async () => {
    if (!body.trim()) {
      setBodyError('Write something first.');
      textarea.current?.focus();
      return;
    }
    setGeneral([]);
    setBodyError(null);
    try {
      const attachmentIds: string[] = [];
      for (const [index, file] of files.entries()) {
        setProgress(files.length > 1 ? `Uploading ${index + 1} of ${files.length}…` : 'Uploading…');
        const result = await upload({ input: { file } });
        const payload = result.data?.attachmentUpload;
        const problem = payload?.userErrors[0]?.message ?? (result.error ? errorMessage(result.error) : null);
        if (problem || !payload?.attachment) {
          setGeneral([`${file.name}: ${problem ?? 'the upload failed.'}`]);
          return;
        }
        attachmentIds.push(payload.attachment.id);
      }
      setProgress('Sending…');
      const result = await addComment({
        input: { requestId, body, internal: canWriteInternal && internal, attachmentIds },
      });
      const payload = result.data?.requestCommentAdd;
      if (result.error || !payload) {
        setGeneral([errorMessage(result.error)]);
        return;
      }
      if (payload.userErrors.length) {
        const split = splitUserErrors(payload.userErrors, ['body']);
        setBodyError(split.byField.body ?? null);
        setGeneral(split.general);
        return;
      }
      setBody('');
      setFiles([]);
      setInternal(false);
      resetFiles.current?.();
      onSent?.();
      textarea.current?.focus();
    } finally {
      setProgress(null);
    }
  };

  const label = canWriteInternal && internal ? 'Note for agents' : 'Reply';

  return (
    <Paper withBorder p="md" radius="md">
      <form
        noValidate
        aria-label="Add a comment"
        onSubmit={(event) => {
          event.preventDefault();
          void send();
        }}
      >
        <Stack gap="sm">
          {general.length > 0 && (
            <Alert color="red" variant="light" role="alert">
              {general.join(' ')}
            </Alert>
          )}
          <Textarea
            ref={textarea}
            label={label}
            description={
              canWriteInternal && internal ? 'Only agents see internal notes.' : 'Everyone who can see the request reads it.'
            }
            placeholder={canWriteInternal && internal ? 'A note for the team…' : 'Write a reply…'}
            value={body}
            onChange={(event) => {
              setBody(event.currentTarget.value);
              if (bodyError) setBodyError(null);
            }}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
                event.preventDefault();
                void send();
              }
            }}
            error={bodyError}
            autosize
            minRows={3}
            maxRows={12}
            styles={canWriteInternal && internal ? { input: { background: 'var(--mantine-color-yellow-0)' } } : undefined}
          />
          {files.length > 0 && (
            <Pill.Group aria-label="Files to attach">
              {files.map((file, index) => (
                <Pill
                  key={`${file.name}-${index}`}
                  withRemoveButton
                  removeButtonProps={{ 'aria-label': `Remove ${file.name}` }}
                  onRemove={() => setFiles((current) => current.filter((_, i) => i !== index))}
                >
                  {file.name} ({formatBytes(file.size)})
                </Pill>
              ))}
            </Pill.Group>
          )}
          <Group justify="space-between" gap="sm">
            <Group gap="sm">
              <FileButton
                resetRef={resetFiles}
                multiple
                onChange={(picked) =>
                  setFiles((current) => [...current, ...picked].slice(0, MAX_FILES))
                }
              >
                {(props) => (
                  <Button {...props} variant="default" leftSection={<IconPaperclip size={16} aria-hidden />} disabled={busy}>
                    Attach files
                  </Button>
                )}
              </FileButton>
              {canWriteInternal && (
                <Switch
                  label="Internal note"
                  checked={internal}
                  onChange={(event) => setInternal(event.currentTarget.checked)}
                  color="yellow"
                />
              )}
            </Group>
            <Group gap="sm">
              {progress && (
                <Text size="sm" c="dimmed" aria-live="polite">
                  {progress}
                </Text>
              )}
              <Button type="submit" loading={busy} leftSection={<IconSend size={16} aria-hidden />}>
                {canWriteInternal && internal ? 'Add note' : 'Send'}
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
