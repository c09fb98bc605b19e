/**
 * The one translation of a Genesys outbound webhook into WebhookReceived's fields: the HTTP route applies it to the
 * body it validated, the v2 → v3 upcaster to the raw body a v2 event stored. One function for both, so an upcast
 * event says exactly what the route would have written for the same body.
 *
 * It lives beside the event (not in http/) because the upcaster needs it and an event schema imports nothing above
 * it; the Genesys wire format it reads (src/contracts/genesys) sits below every layer.
 */
import {
  genesysWebhookSchema,
  summarizeWebhook,
  type GenesysWebhook,
} from '../../contracts/genesys/outbound-webhook';
import { isoInstant, mimeType } from './common';
import { SUMMARY_MIME_MAX, summarizeAttachment, type GenesysAttachment } from './webhook-received-v2';
import type { WebhookContent } from './webhook-content';

/** Everything WebhookReceived holds that comes from the body (not the raw body, signature and time themselves). */
export interface WebhookTranslation {
  integrationId: string;
  genesysMessageId: string;
  conversationId: string | null;
  customerId: string;
  messageType: GenesysWebhook['type'];
  content: WebhookContent;
  typing?: 'On' | 'Off';
  attachment?: GenesysAttachment;
  attachmentMimeAsSent?: string;
  genesysMessageTime?: string;
}

/** A MIME type the event can hold. */
export const isMime = (value: string | undefined) => value !== undefined && mimeType().safeParse(value).success;

/** The time as the event stores it, or undefined when it is no time the event can hold (year 10000 and later). */
export const toIsoInstant = (value: string | undefined): string | undefined => {
  const time = value === undefined ? Number.NaN : Date.parse(value);
  if (Number.isNaN(time)) return undefined;
  const iso = new Date(time).toISOString();
  return isoInstant().safeParse(iso).success ? iso : undefined;
};

/**
 * The first attachment, vetted for the media step (whose MIME type becomes an S3 Content-Type): a value we cannot
 * vouch for (an odd MIME string) is left out rather than failing the webhook, the file name is capped.
 */
const mediaAttachment = (webhook: GenesysWebhook): GenesysAttachment | undefined => {
  const attachment = webhook.content?.find((item) => item.attachment)?.attachment;
  if (!attachment) return undefined;
  return summarizeAttachment({
    mediaType: attachment.mediaType,
    url: attachment.url,
    ...(isMime(attachment.mime) ? { mime: attachment.mime } : {}),
    ...(attachment.filename ? { filename: attachment.filename.slice(0, 1024) } : {}),
    ...(attachment.contentSizeBytes !== undefined ? { contentSizeBytes: attachment.contentSizeBytes } : {}),
    ...(attachment.id ? { id: attachment.id } : {}),
  });
};

/**
 * The legacy queue publishes the MIME type as Genesys sent it; the content holds it normalised. Kept only when the
 * two differ, and only up to SUMMARY_MIME_MAX characters, so the event copies no long text twice.
 */
const mimeAsSent = (webhook: GenesysWebhook, normalised: string | undefined): string | undefined => {
  const declared = webhook.content?.find((item) => item.contentType === 'Attachment' && item.attachment)
    ?.attachment?.mime;
  return declared !== undefined && declared !== normalised && declared.length <= SUMMARY_MIME_MAX
    ? declared
    : undefined;
};

/** WebhookReceived's fields for a body that genesysWebhookSchema accepted. Pure. */
export const translateWebhook = (webhook: GenesysWebhook): WebhookTranslation => {
  const summary = summarizeWebhook(webhook);
  const content: WebhookContent = {
    ...(summary.text !== undefined ? { text: summary.text } : {}),
    attachments: summary.attachments,
    ...(summary.template !== undefined ? { template: summary.template } : {}),
    ...(summary.quickReplies !== undefined ? { quickReplies: summary.quickReplies } : {}),
    ...(summary.cards !== undefined ? { cards: summary.cards } : {}),
    unhandledContent: summary.unhandledContent,
  };
  const attachment = mediaAttachment(webhook);
  const declaredMime = mimeAsSent(webhook, summary.attachments[0]?.mime);
  const genesysMessageTime = toIsoInstant(webhook.channel.time);
  return {
    integrationId: summary.integrationId,
    genesysMessageId: summary.genesysMessageId,
    conversationId: summary.conversationId,
    customerId: summary.customerId,
    messageType: summary.messageType,
    content,
    ...(summary.typing !== undefined ? { typing: summary.typing } : {}),
    ...(attachment !== undefined ? { attachment } : {}),
    ...(declaredMime !== undefined ? { attachmentMimeAsSent: declaredMime } : {}),
    ...(genesysMessageTime !== undefined ? { genesysMessageTime } : {}),
  };
};

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/**
 * The translation of a stored raw body, or undefined when it no longer reads as a Genesys webhook (a contract
 * made stricter since, or an event written by some other tool).
 */
export const translateStoredBody = (rawBody: string): WebhookTranslation | undefined => {
  const parsed = genesysWebhookSchema.safeParse(parseJson(rawBody));
  return parsed.success ? translateWebhook(parsed.data) : undefined;
};
