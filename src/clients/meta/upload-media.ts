import { z } from 'zod';
import { joinUrl } from '../http/url';
import { postToGraph } from './graph-request';
import type { MetaError } from './meta-error';

export interface UploadMediaRequest {
  graphUrl: string;
  version: string;
  phoneNumberId: string;
  accessToken: string;
  bytes: Buffer;
  /** The media's MIME type; Meta reads it from the `type` field and checks it against its supported list. */
  mime: string;
  filename: string;
  timeoutMs: number;
}

export type UploadMediaResult = { ok: true; mediaId: string } | { ok: false; error: MetaError };

const uploadResponseSchema = z.object({ id: z.string().min(1) });

/**
 * `POST /{phone-number-id}/media`, multipart with `messaging_product`, `type` and `file` (Cloud API media
 * reference). An `unknown-outcome` here only risks an orphan upload (Meta deletes media after 30 days), so callers
 * may upload again.
 */
export const uploadMedia = async (request: UploadMediaRequest): Promise<UploadMediaResult> => {
  const form = new FormData();
  form.append('messaging_product', 'whatsapp');
  form.append('type', request.mime);
  form.append('file', new Blob([request.bytes], { type: request.mime }), request.filename);
  const answer = await postToGraph({
    url: joinUrl(request.graphUrl, request.version, request.phoneNumberId, 'media'),
    accessToken: request.accessToken,
    body: form,
    timeoutMs: request.timeoutMs,
  });
  if (!answer.ok) return answer;
  const parsed = uploadResponseSchema.safeParse(answer.json);
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        kind: 'unknown-outcome',
        httpStatus: answer.httpStatus,
        title: 'Meta accepted the upload but its answer has no media id',
      },
    };
  }
  return { ok: true, mediaId: parsed.data.id };
};
