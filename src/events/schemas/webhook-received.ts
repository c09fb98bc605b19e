/**
 * WebhookReceived: Genesys POSTed an Open Messaging outbound message (or receipt, or event) to us. The first
 * event of every `outbound-{tenant}-{genesysMessageId}` stream; its append at expected position 0 is what makes
 * a Genesys retry harmless.
 *
 * v3 carries the message translated once, at the edge (webhook-translation.ts): `content` holds the full texts,
 * every attachment, the template, quick replies and cards, so no processor parses the raw body again. That makes
 * v2's previews (textPreview, textLength, template, quickReplies) redundant: they are dropped rather than kept
 * beside a complete copy, which would only add bytes to every record. `attachment` stays: it is not a preview but
 * the first attachment vetted for the media step (a MIME type usable as a Content-Type, a capped file name), and
 * it is bounded. rawBody and signature stay for the audit (the signature re-checked years later) and the archive.
 *
 * Size: the raw body is copied once more as `content`, and every value of the content costs no more bytes in the
 * event than in the body, so an event is at most about three bodies' worth (src/events/relay/event-size.ts).
 *
 * A v2 event whose raw body no longer reads as a Genesys webhook upcasts with `content: null`: the message
 * cannot be sent, and the outbound processor fails it (UnsupportedContent) so that Genesys hears of it.
 */
import { z } from 'zod';
import { defineEvent, defineUpcaster } from './define';
import { webhookContentSchema } from './webhook-content';
import {
  genesysAttachmentSummarySchema,
  refuseSendableReceiptOrEvent,
  SUMMARY_MIME_MAX,
  webhookReceivedV1DataSchema,
  webhookReceivedV1ToV2,
  webhookReceivedV2DataSchema,
} from './webhook-received-v2';
import { translateStoredBody } from './webhook-translation';

export {
  GENESYS_MESSAGE_TYPES,
  type GenesysAttachment,
  type GenesysMessageType,
} from './webhook-received-v2';

const receivedFields = webhookReceivedV1DataSchema.shape;

export const webhookReceivedDataSchema = z
  .object({
    integrationId: receivedFields.integrationId,
    genesysMessageId: receivedFields.genesysMessageId,
    conversationId: receivedFields.conversationId,
    customerId: receivedFields.customerId,
    messageType: receivedFields.messageType,
    isSendable: receivedFields.isSendable,
    content: webhookContentSchema
      .nullable()
      .describe(
        'The message, translated from the body at the edge. Null only in an event stored as v2 whose raw body ' +
          'no longer reads as a Genesys webhook: such a message is never sent.',
      ),
    typing: z
      .enum(['On', 'Off'])
      .optional()
      .describe('Event messages with a Typing event: `On` when an agent started typing, `Off` when they stopped.'),
    attachment: genesysAttachmentSummarySchema
      .optional()
      .describe(
        'The first attachment as the media step moves it: its MIME type only when it is a plain one, ' +
          'its file name capped at 1024 characters.',
      ),
    attachmentMimeAsSent: z
      .string()
      .min(1)
      .max(SUMMARY_MIME_MAX)
      .optional()
      .describe(
        'The MIME type of `content.attachments[0]` exactly as Genesys sent it, when it differs from the ' +
          'normalised `mime` there (case, parameters); the legacy queue publishes it.',
      ),
    genesysMessageTime: receivedFields.genesysMessageTime,
    rawBody: receivedFields.rawBody,
    signature: receivedFields.signature,
    receivedAt: receivedFields.receivedAt,
  })
  .superRefine(refuseSendableReceiptOrEvent);

/**
 * v2 → v3: the content from the stored raw body, by the same translation the edge applies today. What v2 stored
 * about the message's identity (ids, type, sendability, the vetted attachment, the time) is kept as stored: the
 * stream was named and decided on it.
 */
const webhookReceivedV2ToV3 = defineUpcaster({
  fromVersion: 2,
  schema: webhookReceivedV2DataSchema,
  upcast: ({
    textPreview: _textPreview,
    textLength: _textLength,
    template: _template,
    quickReplies: _quickReplies,
    ...kept
  }): z.input<typeof webhookReceivedDataSchema> => {
    const translated = translateStoredBody(kept.rawBody);
    return {
      ...kept,
      content: translated?.content ?? null,
      ...(translated?.typing !== undefined ? { typing: translated.typing } : {}),
      ...(translated?.attachmentMimeAsSent !== undefined
        ? { attachmentMimeAsSent: translated.attachmentMimeAsSent }
        : {}),
    };
  },
});

export type WebhookReceivedData = z.output<typeof webhookReceivedDataSchema>;

export const webhookReceivedEvent = defineEvent({
  type: 'WebhookReceived',
  version: 3,
  category: 'outbound-message',
  description:
    'Genesys delivered an outbound Open Messaging webhook: the message translated for the bridge, and the raw ' +
    'body kept verbatim for audit.',
  schema: webhookReceivedDataSchema,
  upcasters: [webhookReceivedV1ToV2, webhookReceivedV2ToV3],
});
