/**
 * WebhookReceived → the legacy queue body. The legacy webhook service published the Genesys webhook's own values
 * (original-outbound-flow.md: "Payload: {conversationId, messageId, type, text, tenantId}", "Include attachment
 * metadata"), so the attachment is read from the raw body the event keeps verbatim: the event's summary leaves out
 * a MIME string it cannot vouch for and caps the filename, which the legacy body never did. The text too: the
 * event keeps only a preview of it.
 */
import { z } from 'zod';
import type { WebhookReceivedData } from '../../events/schemas/webhook-received';
import {
  legacyOutboundMessageSchema,
  type LegacyAttachment,
  type LegacyOutboundMessage,
} from './legacy-outbound-message';

/** Only what the legacy attachment needs; everything else in the raw body is none of this bridge's business. */
const rawAttachmentSchema = z.object({
  mediaType: z.string().min(1),
  url: z.string().min(1),
  mime: z.string().optional(),
  filename: z.string().optional(),
  contentSizeBytes: z.int().nonnegative().optional(),
});

const rawBodySchema = z.object({
  text: z.string().optional(),
  content: z.array(z.object({ attachment: z.unknown().optional() })).optional(),
});

const toLegacyAttachment = (attachment: z.output<typeof rawAttachmentSchema>): LegacyAttachment => ({
  mediaType: attachment.mediaType,
  url: attachment.url,
  mime: attachment.mime ?? null,
  filename: attachment.filename ?? null,
  contentSizeBytes: attachment.contentSizeBytes ?? null,
});

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/**
 * The first content item carrying an attachment, as in the raw body (the same item the event's summary took).
 * Falls back to the summary when the raw body cannot be read that way; the HTTP layer validated it, so that only
 * happens for an event written by some other tool.
 */
const attachmentOf = (
  data: WebhookReceivedData,
  body: z.ZodSafeParseResult<z.output<typeof rawBodySchema>>,
): LegacyAttachment | undefined => {
  const raw = body.success ? body.data.content?.find((item) => item.attachment !== undefined) : undefined;
  const parsed = raw === undefined ? undefined : rawAttachmentSchema.safeParse(raw.attachment);
  if (parsed?.success) return toLegacyAttachment(parsed.data);
  return data.attachment === undefined ? undefined : toLegacyAttachment(data.attachment);
};

/**
 * Builds and validates the legacy body. Throws a ZodError when the result does not fit the contract: that is a
 * bug in this bridge, never something to publish.
 */
export const toLegacyOutboundMessage = (
  tenantId: string,
  data: WebhookReceivedData,
): LegacyOutboundMessage => {
  const body = rawBodySchema.safeParse(parseJson(data.rawBody));
  const attachment = attachmentOf(data, body);
  // The event keeps only a preview of the text (WebhookReceived v2): the full text is the raw body's.
  const text = body.success ? body.data.text : data.textPreview;
  return legacyOutboundMessageSchema.parse({
    conversationId: data.conversationId,
    messageId: data.genesysMessageId,
    type: data.messageType,
    text: text ?? null,
    tenantId,
    ...(attachment === undefined ? {} : { attachment }),
  });
};
