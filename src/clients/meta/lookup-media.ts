import { z } from 'zod';
import { joinUrl } from '../http/url';
import { getFromGraph } from './graph-request';
import type { MetaError } from './meta-error';

export interface LookupMediaRequest {
  /** e.g. https://graph.facebook.com (no version). */
  graphUrl: string;
  /** e.g. v21.0 */
  version: string;
  mediaId: string;
  accessToken: string;
  /** Optional: Meta then checks the media belongs to this business phone number. */
  phoneNumberId?: string;
  timeoutMs: number;
}

export interface MediaInfo {
  id: string;
  /** Where the bytes are; valid for 5 minutes, and fetched with the same bearer token. */
  url: string;
  mimeType: string;
  /** SHA-256 of the file as Meta states it: hex in the lookup reference, base64 in real webhooks. */
  sha256: string;
  fileSize: number;
}

export type LookupMediaResult = { ok: true; media: MediaInfo } | { ok: false; error: MetaError };

/**
 * Cloud API media reference, "Retrieve media URL": `{messaging_product, url, mime_type, sha256, file_size, id}`.
 * The reference shows `file_size` as a string in some examples and a number in others; both are read.
 */
const lookupResponseSchema = z.object({
  url: z.string().min(1),
  mime_type: z.string().min(1),
  sha256: z.string().min(1),
  file_size: z.union([z.number().int().min(0), z.string().regex(/^\d+$/).transform(Number)]),
  id: z.string().min(1),
});

/** `GET /{version}/{media-id}`: where the media's bytes are and what they should be. */
export const lookupMedia = async (request: LookupMediaRequest): Promise<LookupMediaResult> => {
  const url = new URL(joinUrl(request.graphUrl, request.version, request.mediaId));
  if (request.phoneNumberId !== undefined) url.searchParams.set('phone_number_id', request.phoneNumberId);
  const answer = await getFromGraph({
    url: url.href,
    accessToken: request.accessToken,
    timeoutMs: request.timeoutMs,
  });
  if (!answer.ok) return answer;
  const parsed = lookupResponseSchema.safeParse(answer.json);
  if (!parsed.success) {
    // A lookup changes nothing: an unreadable answer is worth one more try, like a 5xx.
    return {
      ok: false,
      error: {
        kind: 'retryable',
        httpStatus: answer.httpStatus,
        title: 'Meta answered the media lookup without a usable url, mime_type, sha256 and file_size',
      },
    };
  }
  const media = parsed.data;
  return {
    ok: true,
    media: {
      id: media.id,
      url: media.url,
      mimeType: media.mime_type,
      sha256: media.sha256,
      fileSize: media.file_size,
    },
  };
};
