/**
 * File uploads: `attachmentUpload` as a GraphQL multipart request (the "GraphQL multipart
 * request specification") over XMLHttpRequest, which reports upload progress (fetch does not).
 * The backend refuses multipart requests without the CSRF header (backend/multipart.py).
 */
import { CSRF_HEADERS, GRAPHQL_PATH } from '../app/client';

export interface UploadedAttachment {
  id: string;
  filename: string;
  size: number;
  contentType: string;
  downloadUrl: string;
}

export class UploadError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

const UPLOAD = `mutation UploadAttachmentFile($input: AttachmentUploadInput!) {
  attachmentUpload(input: $input) {
    attachment { id filename size contentType downloadUrl }
    userErrors { field code message }
  }
}`;

export interface UploadHandle {
  promise: Promise<UploadedAttachment>;
  abort(): void;
}

export type Uploader = (file: File, onProgress: (fraction: number) => void) => UploadHandle;

interface UploadResponse {
  data?: {
    attachmentUpload?: {
      attachment: UploadedAttachment | null;
      userErrors: { code: string; message: string }[];
    } | null;
  } | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** Uploads one file; `onProgress` gets 0..1 while the body is sent. */
export const uploadAttachment: Uploader = (file, onProgress) => {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<UploadedAttachment>((resolve, reject) => {
    const body = new FormData();
    body.append('operations', JSON.stringify({ query: UPLOAD, variables: { input: { file: null } } }));
    body.append('map', JSON.stringify({ '0': ['variables.input.file'] }));
    body.append('0', file, file.name);

    xhr.open('POST', GRAPHQL_PATH);
    xhr.withCredentials = true;
    for (const [name, value] of Object.entries(CSRF_HEADERS)) xhr.setRequestHeader(name, value);
    xhr.responseType = 'text';
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () => reject(new UploadError('The upload failed: the server cannot be reached.', 'NETWORK'));
    xhr.onabort = () => reject(new UploadError('The upload was cancelled.', 'ABORTED'));
    xhr.onload = () => {
      let parsed: UploadResponse | null = null;
      try {
        parsed = JSON.parse(xhr.responseText) as UploadResponse;
      } catch {
        parsed = null;
      }
      const topError = parsed?.errors?.[0];
      if (topError) {
        reject(new UploadError(topError.message, topError.extensions?.code ?? 'ERROR'));
        return;
      }
      if (xhr.status === 413) {
        reject(new UploadError('The file is too large.', 'REQUEST_TOO_LARGE'));
        return;
      }
      const payload = parsed?.data?.attachmentUpload;
      const userError = payload?.userErrors[0];
      if (userError) {
        reject(new UploadError(userError.message, userError.code));
        return;
      }
      if (!payload?.attachment) {
        reject(new UploadError(`The upload failed (HTTP ${xhr.status}).`, 'ERROR'));
        return;
      }
      onProgress(1);
      resolve(payload.attachment);
    };
    xhr.send(body);
  });
  return { promise, abort: () => xhr.abort() };
};
