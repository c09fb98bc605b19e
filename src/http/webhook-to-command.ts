import type { ReceiveWebhook } from '../commands/outbound-message/commands';
import { isoInstant, mimeType } from '../events/schemas/common';
import {
  preview,
  summarizeAttachment,
  summarizeQuickReplies,
  summarizeTemplate,
} from '../events/schemas/webhook-received';
import type { GenesysWebhook } from '../contracts/genesys/outbound-webhook';

const isMime = (value: string | undefined) => value !== undefined && mimeType().safeParse(value).success;
/** The time as the event stores it, or undefined when it is no time the event can hold (year 10000 and later). */
const toIsoInstant = (value: string | undefined): string | undefined => {
  const time = value === undefined ? Number.NaN : Date.parse(value);
  if (Number.isNaN(time)) return undefined;
  const iso = new Date(time).toISOString();
  return isoInstant().safeParse(iso).success ? iso : undefined;
};

/**
 * The ReceiveWebhook command for a validated Genesys webhook. The event keeps the raw body verbatim (the source
 * of truth for every later step); the fields here are a summary for routing, read models and analytics, so a
 * value we cannot vouch for (an odd MIME string) is left out of the summary rather than failing the webhook.
 * Texts are previews and lists are capped, so the raw body is the only full copy and the event stays bounded.
 */
export const toReceiveWebhook = (
  webhook: GenesysWebhook,
  raw: { body: string; signature: string; receivedAt: string },
): ReceiveWebhook => {
  const attachment = webhook.content?.find((item) => item.attachment)?.attachment;
  const template = webhook.content?.find((item) => item.template)?.template;
  const quickReplies = webhook.content?.flatMap((item) => (item.quickReply ? [item.quickReply] : []));
  return {
    type: 'ReceiveWebhook',
    integrationId: webhook.channel.id,
    genesysMessageId: (webhook.channel.messageId ?? webhook.id)!,
    conversationId: webhook.conversationId ?? null,
    customerId: webhook.channel.to.id,
    messageType: webhook.type,
    ...(webhook.text !== undefined
      ? { textPreview: preview(webhook.text), textLength: webhook.text.length }
      : {}),
    ...(attachment
      ? {
          attachment: summarizeAttachment({
            mediaType: attachment.mediaType,
            url: attachment.url,
            ...(isMime(attachment.mime) ? { mime: attachment.mime } : {}),
            ...(attachment.filename ? { filename: attachment.filename.slice(0, 1024) } : {}),
            ...(attachment.contentSizeBytes !== undefined
              ? { contentSizeBytes: attachment.contentSizeBytes }
              : {}),
            ...(attachment.id ? { id: attachment.id } : {}),
          }),
        }
      : {}),
    ...(template
      ? {
          template: summarizeTemplate({
            ...(template.id ? { id: template.id, name: template.id.split('@').pop() } : {}),
            ...(template.language ? { language: template.language } : {}),
            ...(template.header?.text !== undefined ? { headerText: template.header.text } : {}),
            ...(template.body.text !== undefined ? { bodyText: template.body.text } : {}),
            parameters: (template.body.parameters ?? []).map((parameter, index) => ({
              name: parameter.name ?? String(index + 1),
              text: parameter.text,
            })),
          }),
        }
      : {}),
    ...(quickReplies && quickReplies.length
      ? {
          quickReplies: summarizeQuickReplies(
            quickReplies.map((reply) => ({ text: reply.text, payload: reply.payload ?? reply.text })),
          ),
        }
      : {}),
    ...(toIsoInstant(webhook.channel.time) !== undefined
      ? { genesysMessageTime: toIsoInstant(webhook.channel.time)! }
      : {}),
    rawBody: raw.body,
    signature: raw.signature,
    receivedAt: raw.receivedAt,
  };
};
