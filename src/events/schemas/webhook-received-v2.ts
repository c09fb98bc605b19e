/**
 * WebhookReceived v1 and v2, kept to read the events stored in those versions (src/events/schemas/webhook-received.ts
 * has the current one), and the v1 → v2 upcaster.
 *
 * v1 copied the message text (and template texts, quick replies) out of the raw body unbounded, so a text close
 * to the 1 MiB body limit was stored twice and the event outgrew Kafka's record limit. v2 kept the raw body as
 * the only full copy: every text of the summary a bounded preview, every list capped. Every processor then had to
 * parse the raw body again for the full texts, which v3 ends.
 */
import { z } from 'zod';
import { externalId, isoInstant, mimeType, webUrl } from './common';
import { defineUpcaster } from './define';

/** Longest text the summary keeps, in UTF-16 code units; the raw body has the rest. */
export const SUMMARY_TEXT_MAX = 256;
/** Most items of a list (template parameters, quick replies) the summary keeps. */
export const SUMMARY_LIST_MAX = 32;

/**
 * The first `max` code units of a text, never ending inside a surrogate pair (a lone surrogate would be
 * escaped as `\\uXXXX` and no longer be the text's prefix).
 */
export const preview = (text: string, max = SUMMARY_TEXT_MAX): string => {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
};

const summaryText = () => z.string().max(SUMMARY_TEXT_MAX);

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

export const genesysTemplateV1Schema = z
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

export const quickReplyV1Schema = z.object({
  text: z.string().min(1).describe('Button label shown to the customer.'),
  payload: z.string().describe('Value returned to Genesys when the customer taps it.'),
});

/** Receipts and events describe the conversation; they are recorded for audit but there is nothing to send. */
export const refuseSendableReceiptOrEvent = (
  data: { isSendable: boolean; messageType: string },
  context: z.RefinementCtx,
): void => {
  if (data.isSendable && (data.messageType === 'Receipt' || data.messageType === 'Event')) {
    context.addIssue({ code: 'custom', path: ['isSendable'], message: `${data.messageType} is never sendable` });
  }
};

export const webhookReceivedV1DataSchema = z
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
    template: genesysTemplateV1Schema.optional(),
    quickReplies: z
      .array(quickReplyV1Schema)
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
  .superRefine(refuseSendableReceiptOrEvent);

const receivedFields = webhookReceivedV1DataSchema.shape;

/** Longest MIME type the summary keeps (RFC 6838 caps each half at 127 characters). */
export const SUMMARY_MIME_MAX = 255;

/** v2: a MIME type too long to be real is left out. The URL is bounded by the HTTP layer (GENESYS_URL_MAX). */
export const genesysAttachmentSummarySchema = genesysAttachmentSchema
  .extend({ mime: mimeType().max(SUMMARY_MIME_MAX).optional().describe('MIME type declared by Genesys.') })
  .describe('The attachment of the message, as declared in the webhook (not yet downloaded).');

export const genesysTemplateSchema = z
  .object({
    id: receivedFields.template.unwrap().shape.id,
    name: z.string().min(1).max(SUMMARY_TEXT_MAX).optional().describe('Template name, when Genesys sends one.'),
    language: receivedFields.template.unwrap().shape.language,
    headerText: summaryText().optional().describe('Rendered header text (a preview; the raw body has it all).'),
    bodyText: summaryText()
      .optional()
      .describe('Body text with placeholders as Genesys sent it (a preview; the raw body has it all).'),
    parameters: z
      .array(
        z.object({
          name: summaryText().describe('Placeholder name or position.'),
          text: summaryText().describe('Value substituted for the placeholder (a preview).'),
        }),
      )
      .max(SUMMARY_LIST_MAX)
      .describe(`Substitution values in the order Genesys listed them (the first ${SUMMARY_LIST_MAX}).`),
  })
  .describe('A notification template the agent chose (Genesys `content[].template`), summarised.');

export const quickReplySchema = z.object({
  text: summaryText().min(1).describe('Button label shown to the customer (a preview).'),
  payload: summaryText().describe('Value returned to Genesys when the customer taps it (a preview).'),
});

export const webhookReceivedV2DataSchema = z
  .object({
    integrationId: receivedFields.integrationId,
    genesysMessageId: receivedFields.genesysMessageId,
    conversationId: receivedFields.conversationId,
    customerId: receivedFields.customerId,
    messageType: receivedFields.messageType,
    isSendable: receivedFields.isSendable,
    textPreview: summaryText()
      .optional()
      .describe(`The first ${SUMMARY_TEXT_MAX} characters of the message text; the full text is in rawBody.`),
    textLength: z.int().nonnegative().optional().describe('Length of the full message text, in UTF-16 code units.'),
    attachment: genesysAttachmentSummarySchema.optional(),
    template: genesysTemplateSchema.optional(),
    quickReplies: z
      .array(quickReplySchema)
      .max(SUMMARY_LIST_MAX)
      .optional()
      .describe(`Quick-reply buttons of a Structured message, in display order (the first ${SUMMARY_LIST_MAX}).`),
    genesysMessageTime: receivedFields.genesysMessageTime,
    rawBody: receivedFields.rawBody,
    signature: receivedFields.signature,
    receivedAt: receivedFields.receivedAt,
  })
  .superRefine(refuseSendableReceiptOrEvent);

type TemplateSummary = z.input<typeof genesysTemplateSchema>;
type QuickReplySummary = z.input<typeof quickReplySchema>;

/** The bounded summary of a template: previews of its texts, its first parameters. */
export const summarizeTemplate = (template: z.output<typeof genesysTemplateV1Schema>): TemplateSummary => ({
  ...(template.id !== undefined ? { id: template.id } : {}),
  ...(template.name !== undefined ? { name: preview(template.name) } : {}),
  ...(template.language !== undefined ? { language: template.language } : {}),
  ...(template.headerText !== undefined ? { headerText: preview(template.headerText) } : {}),
  ...(template.bodyText !== undefined ? { bodyText: preview(template.bodyText) } : {}),
  parameters: template.parameters
    .slice(0, SUMMARY_LIST_MAX)
    .map((parameter) => ({ name: preview(parameter.name), text: preview(parameter.text) })),
});

/** The bounded summary of an attachment: a MIME type too long to be plausible stays in the raw body only. */
export const summarizeAttachment = ({ mime, ...rest }: GenesysAttachment): GenesysAttachment => ({
  ...rest,
  ...(mime !== undefined && mime.length <= SUMMARY_MIME_MAX ? { mime } : {}),
});

/** The bounded summary of quick replies: the first ones, their texts as previews. */
export const summarizeQuickReplies = (
  replies: readonly { text: string; payload: string }[],
): QuickReplySummary[] =>
  replies.slice(0, SUMMARY_LIST_MAX).map((reply) => ({ text: preview(reply.text), payload: preview(reply.payload) }));

export const webhookReceivedV1ToV2 = defineUpcaster({
  fromVersion: 1,
  schema: webhookReceivedV1DataSchema,
  upcast: ({ text, template, quickReplies, attachment, ...rest }): z.input<typeof webhookReceivedV2DataSchema> => ({
    ...rest,
    ...(attachment !== undefined ? { attachment: summarizeAttachment(attachment) } : {}),
    ...(text !== undefined ? { textPreview: preview(text), textLength: text.length } : {}),
    ...(template !== undefined ? { template: summarizeTemplate(template) } : {}),
    ...(quickReplies !== undefined ? { quickReplies: summarizeQuickReplies(quickReplies) } : {}),
  }),
});

export type WebhookReceivedV2Data = z.output<typeof webhookReceivedV2DataSchema>;
export type GenesysAttachment = z.output<typeof genesysAttachmentSchema>;
