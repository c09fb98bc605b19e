/**
 * WebhookReceived → the legacy queue body. The legacy webhook service published the Genesys webhook's own values
 * (original-outbound-flow.md: "Payload: {conversationId, messageId, type, text, tenantId}", "Include attachment
 * metadata"): the event's content holds them as Genesys sent them (the whole text, the first attachment's URL,
 * file name and size), except the MIME type, which the content normalises and the event keeps as sent beside it
 * (`attachmentMimeAsSent`) when the two differ.
 */
import type { WebhookReceivedData } from '../../events/schemas/webhook-received';
import {
  legacyOutboundMessageSchema,
  type LegacyAttachment,
  type LegacyOutboundMessage,
} from './legacy-outbound-message';

const toLegacyAttachment = (attachment: {
  mediaType: string;
  url: string;
  mime?: string | undefined;
  filename?: string | undefined;
  contentSizeBytes?: number | undefined;
}): LegacyAttachment => ({
  mediaType: attachment.mediaType,
  url: attachment.url,
  mime: attachment.mime ?? null,
  filename: attachment.filename ?? null,
  contentSizeBytes: attachment.contentSizeBytes ?? null,
});

/**
 * The first attachment content. An event stored as v2 whose raw body no longer translates has no content: its
 * vetted attachment summary is what is left of it.
 */
const attachmentOf = (data: WebhookReceivedData): LegacyAttachment | undefined => {
  if (data.content === null) return data.attachment && toLegacyAttachment(data.attachment);
  const first = data.content.attachments[0];
  if (first === undefined) return undefined;
  return toLegacyAttachment({ ...first, mime: data.attachmentMimeAsSent ?? first.mime });
};

/**
 * Builds and validates the legacy body. Throws a ZodError when the result does not fit the contract: that is a
 * bug in this bridge, never something to publish.
 */
export const toLegacyOutboundMessage = (
  tenantId: string,
  data: WebhookReceivedData,
): LegacyOutboundMessage => {
  const attachment = attachmentOf(data);
  return legacyOutboundMessageSchema.parse({
    conversationId: data.conversationId,
    messageId: data.genesysMessageId,
    type: data.messageType,
    text: data.content?.text ?? null,
    tenantId,
    ...(attachment === undefined ? {} : { attachment }),
  });
};
