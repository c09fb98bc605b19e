/**
 * The body of a message on the legacy RabbitMQ queue `OUTBOUND_GENESYS_MESSAGES` (CONTRACT.md, "Events, topics,
 * queue"). Existing consumers parse exactly this, so the schema is strict: a field added, renamed or retyped here
 * fails the bridge's own validation (and its tests) before any consumer sees it.
 *
 * The five base keys are always present. Where Genesys sent nothing the value is `null`, never a missing key, so a
 * consumer never has to tell "absent" from "empty" (an empty string is what the agent sent, `null` is "nothing").
 * `attachment` is there only when the message has one; its keys are then always present, null when not sent.
 */
import { z } from 'zod';

export const legacyAttachmentSchema = z
  .strictObject({
    mediaType: z
      .string()
      .min(1)
      .describe('Genesys `attachment.mediaType`: Image, Video, Audio, File or Link.'),
    url: z.string().min(1).describe('Genesys download URL of the attachment, as Genesys sent it.'),
    mime: z
      .string()
      .nullable()
      .describe('Genesys `attachment.mime` as sent, or null when Genesys sent none.'),
    filename: z
      .string()
      .nullable()
      .describe('Genesys `attachment.filename`, or null when Genesys sent none.'),
    contentSizeBytes: z
      .int()
      .nonnegative()
      .nullable()
      .describe('Genesys `attachment.contentSizeBytes`, or null when Genesys sent none.'),
  })
  .describe('The first attachment of the Genesys message (its first `Attachment` content item).');

export const legacyOutboundMessageSchema = z
  .strictObject({
    conversationId: z
      .string()
      .min(1)
      .nullable()
      .describe(
        'Genesys conversation id. Null for older Genesys payloads that carry none; the customer is then only ' +
          'known by the Genesys recipient id, which is never put here because it is not a conversation id.',
      ),
    messageId: z
      .string()
      .min(1)
      .describe(
        'Genesys message id (`channel.messageId`, or the top-level `id`); also the AMQP `messageId`.',
      ),
    type: z.string().min(1).describe('Genesys message type: Text, Structured, Receipt or Event.'),
    text: z
      .string()
      .nullable()
      .describe(
        'The message text as the agent wrote it; null when the message has none (attachment only, events).',
      ),
    tenantId: z.string().min(1).describe('Tenant the message belongs to.'),
    attachment: legacyAttachmentSchema.optional(),
  })
  .describe(
    'A Genesys outbound message as published to the legacy queue OUTBOUND_GENESYS_MESSAGES (persistent, ' +
      'content type application/json, AMQP messageId = Genesys message id). Delivered at least once: ' +
      'deduplicate on messageId.',
  );

export type LegacyOutboundMessage = z.output<typeof legacyOutboundMessageSchema>;
export type LegacyAttachment = z.output<typeof legacyAttachmentSchema>;
