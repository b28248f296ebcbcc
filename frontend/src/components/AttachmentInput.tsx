/**
 * Files by drag and drop (or the file chooser), each uploaded at once with its progress shown.
 * Used by the request form's ATTACHMENT fields and its general attachments; reusable anywhere
 * (e.g. a comment box): the value is a list of UploadItem, ids of finished uploads via doneIds().
 */
import {
  ActionIcon,
  Group,
  Input,
  Paper,
  Progress,
  Stack,
  Text,
  ThemeIcon,
} from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import { IconAlertCircle, IconCheck, IconCloudUpload, IconFile, IconX } from '@tabler/icons-react';
import { useEffect, useRef } from 'react';
import { formatBytes } from '../lib/format';
import { uploadAttachment, type UploadHandle, type Uploader } from '../lib/upload';
import type { UploadItem } from '../features/portal/formModel';

let counter = 0;
const nextId = () => `upload-${Date.now().toString(36)}-${(counter += 1)}`;

export interface AttachmentInputProps {
  id: string;
  label: string;
  description?: string;
  required?: boolean;
  error?: string | null;
  value: UploadItem[];
  onChange: (update: (items: UploadItem[]) => UploadItem[]) => void;
  maxFiles?: number | null;
  maxFileSize?: number | null;
  uploader?: Uploader;
  disabled?: boolean;
}

export function AttachmentInput({
  id,
  label,
  description,
  required,
  error,
  value,
  onChange,
  maxFiles,
  maxFileSize,
  uploader = uploadAttachment,
  disabled,
}: AttachmentInputProps) {
  const handles = useRef(new Map<string, UploadHandle>());
  useEffect(() => {
    const map = handles.current;
    return () => {
      for (const handle of map.values()) handle.abort();
      map.clear();
    };
  }, []);

  const update = (localId: string, patch: Partial<UploadItem>) =>
    onChange((items) => items.map((i) => (i.localId === localId ? { ...i, ...patch } : i)));

  const add = (files: File[]) => {
    for (const file of files) {
      const localId = nextId();
      const item: UploadItem = { localId, name: file.name, size: file.size, progress: 0, status: 'uploading' };
      if (maxFileSize != null && file.size > maxFileSize) {
        onChange((items) => [
          ...items,
          { ...item, status: 'error', error: `Larger than ${formatBytes(maxFileSize)}.` },
        ]);
        continue;
      }
      onChange((items) => [...items, item]);
      const handle = uploader(file, (progress) => update(localId, { progress }));
      handles.current.set(localId, handle);
      handle.promise.then(
        (attachment) => update(localId, { status: 'done', progress: 1, attachment }),
        (reason: unknown) =>
          update(localId, {
            status: 'error',
            error: reason instanceof Error ? reason.message : 'The upload failed.',
          }),
      );
      void handle.promise.finally(() => handles.current.delete(localId)).catch(() => undefined);
    }
  };

  const remove = (localId: string) => {
    handles.current.get(localId)?.abort();
    handles.current.delete(localId);
    onChange((items) => items.filter((i) => i.localId !== localId));
  };

  const limits = [
    maxFiles != null ? `up to ${maxFiles} file${maxFiles === 1 ? '' : 's'}` : null,
    maxFileSize != null ? `${formatBytes(maxFileSize)} each` : null,
  ].filter(Boolean);
  const describedBy = `${id}-hint`;
  const errorId = `${id}-error`;

  return (
    <Input.Wrapper
      id={id}
      label={label}
      required={required}
      description={description}
      error={error}
      errorProps={{ id: errorId }}
      labelProps={{ htmlFor: `${id}-input` }}
    >
      <Stack gap="xs" mt={4}>
        <Dropzone
          onDrop={add}
          multiple={maxFiles !== 1}
          disabled={disabled}
          radius="md"
          p="md"
          data-testid={`${id}-dropzone`}
          inputProps={{
            id: `${id}-input`,
            'aria-describedby': error ? `${describedBy} ${errorId}` : describedBy,
          }}
          styles={{ root: { borderColor: error ? 'var(--mantine-color-red-6)' : undefined } }}
        >
          <Group justify="center" gap="sm" wrap="nowrap" style={{ pointerEvents: 'none' }}>
            <ThemeIcon variant="light" size={40} radius="xl" aria-hidden>
              <IconCloudUpload size={22} />
            </ThemeIcon>
            <div>
              <Text size="sm" fw={500}>
                Drop files here or click to choose
              </Text>
              <Text size="xs" c="dimmed" id={describedBy}>
                {limits.length ? `You can attach ${limits.join(', ')}.` : 'Images, PDFs, text and office documents.'}
              </Text>
            </div>
          </Group>
        </Dropzone>
        {value.length > 0 && (
          <Stack gap={6} component="ul" p={0} m={0} style={{ listStyle: 'none' }} aria-label={`Files for ${label}`}>
            {value.map((item) => (
              <Paper component="li" key={item.localId} withBorder p="xs" radius="md">
                <Group gap="sm" wrap="nowrap">
                  <ThemeIcon
                    variant="light"
                    color={item.status === 'error' ? 'red' : item.status === 'done' ? 'green' : 'brand'}
                    aria-hidden
                  >
                    {item.status === 'error' ? (
                      <IconAlertCircle size={16} />
                    ) : item.status === 'done' ? (
                      <IconCheck size={16} />
                    ) : (
                      <IconFile size={16} />
                    )}
                  </ThemeIcon>
                  <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
                    <Group justify="space-between" gap="xs" wrap="nowrap">
                      <Text size="sm" truncate>
                        {item.name}
                      </Text>
                      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                        {item.status === 'uploading'
                          ? `${Math.round(item.progress * 100)}%`
                          : formatBytes(item.size)}
                      </Text>
                    </Group>
                    {item.status === 'uploading' && (
                      <Progress
                        value={item.progress * 100}
                        size="sm"
                        animated
                        aria-label={`Uploading ${item.name}`}
                      />
                    )}
                    {item.status === 'error' && (
                      <Text size="xs" c="red.8" role="alert">
                        {item.error}
                      </Text>
                    )}
                    {item.status === 'done' && (
                      <Text size="xs" c="green.9">
                        Uploaded
                      </Text>
                    )}
                  </Stack>
                  <ActionIcon
                    variant="subtle"
                    color="gray"
                    onClick={() => remove(item.localId)}
                    aria-label={`Remove ${item.name}`}
                  >
                    <IconX size={16} />
                  </ActionIcon>
                </Group>
              </Paper>
            ))}
          </Stack>
        )}
      </Stack>
    </Input.Wrapper>
  );
}
