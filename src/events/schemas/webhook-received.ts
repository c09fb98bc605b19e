/**
 * WebhookReceived: Genesys POSTed an Open Messaging outbound message (or receipt, or event) to us. The first
 * event of every `outbound-{tenant}-{genesysMessageId}` stream; its append at expected position 0 is what makes
 * a Genesys retry harmless.
 */
import { z } from 'zod';
import { externalId, isoInstant, mimeType, webUrl } from './common';
import { defineEvent } from './define';

/** Genesys Open Messaging message types. Only Text and Structured carry something to send to a customer. */
export const GENESYS_MESSAGE_TYPES = ['Text', 'Structured', 'Receipt', 'Event'] as const;
export type GenesysMessageType = (typeof GENESYS_MESSAGE_TYPES)[number];

/** Genesys `content[].attachment.mediaType` values. */
/** `Link` is a URL the agent shared rather than a file. */
export const GENESYS_ATTACHMENT_MEDIA_TYPES = ['Image', 'Video', 'Audio', 'File', 'Link'] as const;

export const genesysAttachmentSchema = z
  .object({
    mediaType: z.enum(GENESYS_ATTACHMENT_MEDIA_TYPES).describe('Kind of attachment as Genesys classifies it.'),
    url: webUrl().describe('Genesys download URL of the attachment, valid for a limited time.'),
    mime: mimeType().optional().describe('MIME type declared by Genesys.'),
    filename: z.string().min(1).max(1024).optional().describe('File name shown to the agent.'),
    contentSizeBytes: z.int().nonnegative().optional().describe('Size declared by Genesys, in bytes.'),
    id: externalId().optional().describe('Genesys id of the attachment.'),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/i)
      .optional()
      .describe('SHA-256 of the content as declared by Genesys, hex.'),
  })
  .describe('The attachment of the message, as declared in the webhook (not yet downloaded).');

export const genesysTemplateSchema = z
  .object({
    id: externalId()
      .optional()
      .describe('Genesys id of the template (`namespace@name` for WhatsApp); absent in some payloads.'),
    name: z.string().min(1).optional().describe('Template name, when Genesys sends one.'),
    language: z.string().min(2).max(35).optional().describe('BCP 47 language tag of the template.'),
    headerText: z.string().optional().describe('Rendered header text.'),
    bodyText: z.string().optional().describe('Body text with placeholders as Genesys sent it.'),
    parameters: z
      .array(
        z.object({
          name: z.string().describe('Placeholder name or position.'),
          text: z.string().describe('Value substituted for the placeholder.'),
        }),
      )
      .describe('Substitution values in the order Genesys listed them.'),
  })
  .describe('A notification template the agent chose (Genesys `content[].template`).');

export const quickReplySchema = z.object({
  text: z.string().min(1).describe('Button label shown to the customer.'),
  payload: z.string().describe('Value returned to Genesys when the customer taps it.'),
});

export const webhookReceivedDataSchema = z
  .object({
    integrationId: externalId().describe('Genesys Open Messaging integration that sent the webhook.'),
    genesysMessageId: externalId().describe('Genesys id of the outbound message; unique per integration.'),
    conversationId: externalId()
      .nullable()
      .describe('Genesys conversation id; null for older Genesys payloads that carry none.'),
    customerId: externalId().describe('Recipient as Genesys knows them (`channel.to.id`).'),
    messageType: z.enum(GENESYS_MESSAGE_TYPES).describe('Genesys message type.'),
    isSendable: z
      .boolean()
      .describe('Whether the bridge will try to deliver this to WhatsApp. Receipts and events never are.'),
    text: z.string().optional().describe('Message text as the agent wrote it.'),
    attachment: genesysAttachmentSchema.optional(),
    template: genesysTemplateSchema.optional(),
    quickReplies: z
      .array(quickReplySchema)
      .optional()
      .describe('Quick-reply buttons of a Structured message, in display order.'),
    genesysMessageTime: isoInstant().optional().describe('When Genesys says the message was created.'),
    rawBody: z
      .string()
      .min(1)
      .describe('The request body exactly as received (UTF-8), kept so the signature can be re-verified.'),
    signature: z
      .string()
      .regex(/^sha256=/)
      .describe(
        'The `X-Hub-Signature-256` header as received: an HMAC of rawBody, not a secret. ' +
          'Re-verify with the integration secret that was active at receivedAt.',
      ),
    receivedAt: isoInstant().describe('When the bridge received the request.'),
  })
  .superRefine((data, context) => {
    // Receipts and events describe the conversation; they are recorded for audit but there is nothing to send.
    if (data.isSendable && (data.messageType === 'Receipt' || data.messageType === 'Event')) {
      context.addIssue({ code: 'custom', path: ['isSendable'], message: `${data.messageType} is never sendable` });
    }
  });

export type WebhookReceivedData = z.output<typeof webhookReceivedDataSchema>;
export type GenesysAttachment = z.output<typeof genesysAttachmentSchema>;

export const webhookReceivedEvent = defineEvent({
  type: 'WebhookReceived',
  version: 1,
  category: 'outbound-message',
  description: 'Genesys delivered an outbound Open Messaging webhook; the raw body is kept verbatim for audit.',
  schema: webhookReceivedDataSchema,
});
