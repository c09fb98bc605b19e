import { z } from 'zod';
import { joinUrl } from '../http/url';
import { postToGraph } from './graph-request';
import type { MetaError } from './meta-error';

export interface MarkReadRequest {
  /** e.g. https://graph.facebook.com (no version). */
  graphUrl: string;
  /** e.g. v21.0 */
  version: string;
  phoneNumberId: string;
  accessToken: string;
  /** The customer's message (its wamid): Meta shows it, and every earlier one, as read. */
  wamid: string;
  /** Also show the customer a typing indicator (Meta hides it after 25 s or at the next message). */
  typingIndicator?: boolean;
  timeoutMs: number;
}

export type MarkReadResult = { ok: true } | { ok: false; error: MetaError };

/** Meta answers `{"success": true}`. */
const markReadResponseSchema = z.object({ success: z.literal(true) });

/**
 * Meta's "mark as read" call: `POST /{phone-number-id}/messages` with `status: 'read'`, optionally with a typing
 * indicator. Marking twice is harmless at Meta, so an `unknown-outcome` may be retried like a transient failure.
 */
export const markMessageRead = async (request: MarkReadRequest): Promise<MarkReadResult> => {
  const answer = await postToGraph({
    url: joinUrl(request.graphUrl, request.version, request.phoneNumberId, 'messages'),
    accessToken: request.accessToken,
    body: JSON.stringify({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: request.wamid,
      ...(request.typingIndicator ? { typing_indicator: { type: 'text' } } : {}),
    }),
    contentType: 'application/json',
    timeoutMs: request.timeoutMs,
  });
  if (!answer.ok) return answer;
  if (!markReadResponseSchema.safeParse(answer.json).success) {
    return {
      ok: false,
      error: {
        kind: 'unknown-outcome',
        httpStatus: answer.httpStatus,
        title: 'Meta answered the read mark without success: true',
      },
    };
  }
  return { ok: true };
};
