import { z } from 'zod';
import { joinUrl } from '../http/url';
import { postToGraph } from './graph-request';
import type { MetaError } from './meta-error';

/** The message types `POST /{phone-number-id}/messages` accepts for a business-initiated message. */
export type MetaMessageType =
  'text' | 'image' | 'video' | 'audio' | 'document' | 'sticker' | 'template' | 'interactive';

/**
 * A Cloud API send body. Only the envelope is typed here: building the per-type object is the processor's job,
 * and Meta is the authority on its details (the simulator checks them roughly, like Meta).
 */
export type MetaMessageBody = {
  messaging_product: 'whatsapp';
  recipient_type?: 'individual';
  type: MetaMessageType;
  /** Up to 512 characters, echoed in status webhooks: how a send with an unknown outcome is reconciled. */
  biz_opaque_callback_data?: string;
  [typeObject: string]: unknown;
} & (
  | { to: string; recipient?: undefined }
  /** A business-scoped user id (BSUID) instead of a phone number; Meta answers with `contacts[].user_id`. */
  | { recipient: string; to?: undefined }
);

export interface SendMessageRequest {
  /** e.g. https://graph.facebook.com (no version). */
  graphUrl: string;
  /** e.g. v21.0 */
  version: string;
  phoneNumberId: string;
  accessToken: string;
  body: MetaMessageBody;
  timeoutMs: number;
}

/** `waId` for a send to a phone number; `userId` for a send to a business-scoped user id. */
export type SendMessageResult =
  { ok: true; wamid: string; waId?: string; userId?: string } | { ok: false; error: MetaError };

/** fixtures/meta/send-response.json: `contacts[0].wa_id` and `messages[0].id` (the wamid) are what we keep. */
const sendResponseSchema = z.object({
  messaging_product: z.literal('whatsapp'),
  contacts: z
    .array(z.object({ input: z.string(), wa_id: z.string().optional(), user_id: z.string().optional() }))
    .min(1),
  messages: z.array(z.object({ id: z.string().min(1), message_status: z.string().optional() })).min(1),
});

export const sendMessage = async (request: SendMessageRequest): Promise<SendMessageResult> => {
  const answer = await postToGraph({
    url: joinUrl(request.graphUrl, request.version, request.phoneNumberId, 'messages'),
    accessToken: request.accessToken,
    body: JSON.stringify(request.body),
    contentType: 'application/json',
    timeoutMs: request.timeoutMs,
  });
  if (!answer.ok) return answer;
  const parsed = sendResponseSchema.safeParse(answer.json);
  if (!parsed.success) {
    // Meta accepted the request (2xx) but we cannot tell which wamid it got: the message may be on its way.
    return {
      ok: false,
      error: {
        kind: 'unknown-outcome',
        httpStatus: answer.httpStatus,
        title: 'Meta accepted the message but its answer has no wamid',
      },
    };
  }
  const contact = parsed.data.contacts[0]!;
  return {
    ok: true,
    wamid: parsed.data.messages[0]!.id,
    ...(contact.wa_id !== undefined ? { waId: contact.wa_id } : {}),
    ...(contact.user_id !== undefined ? { userId: contact.user_id } : {}),
  };
};
