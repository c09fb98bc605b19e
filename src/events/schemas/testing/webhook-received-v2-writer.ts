/**
 * WebhookReceived v2 data as the HTTP route wrote it until v3 (src/http/webhook-to-command.ts at that time, kept
 * here unchanged in substance): the stored events the v2 → v3 upcaster must read. Test code only.
 */
import type { GenesysWebhook } from '../../../contracts/genesys/outbound-webhook';
import { isMime, toIsoInstant } from '../webhook-translation';
import {
  preview,
  summarizeAttachment,
  summarizeQuickReplies,
  summarizeTemplate,
  type WebhookReceivedV2Data,
} from '../webhook-received-v2';


export const webhookReceivedV2For = (
  webhook: GenesysWebhook,
  raw: { body: string; signature: string; receivedAt: string },
): WebhookReceivedV2Data => {
  const attachment = webhook.content?.find((item) => item.attachment)?.attachment;
  const template = webhook.content?.find((item) => item.template)?.template;
  const quickReplies = webhook.content?.flatMap((item) => (item.quickReply ? [item.quickReply] : []));
  return {
    integrationId: webhook.channel.id,
    genesysMessageId: (webhook.channel.messageId ?? webhook.id)!,
    conversationId: webhook.conversationId ?? null,
    customerId: webhook.channel.to.id,
    messageType: webhook.type,
    isSendable: webhook.type === 'Text' || webhook.type === 'Structured',
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
