import type { WebhookReceivedData } from '../../events/schemas/webhook-received';
import { genesysWebhookSchema, summarizeWebhook } from '../../contracts/genesys/outbound-webhook';
import type { OutboundContent } from '../../transform/outbound-content';

/** The webhook's content as the transform reads it, from the stored raw body; undefined if it no longer parses. */
export const webhookContent = (webhook: WebhookReceivedData): OutboundContent | undefined => {
  const parsed = genesysWebhookSchema.safeParse(JSON.parse(webhook.rawBody));
  return parsed.success ? summarizeWebhook(parsed.data) : undefined;
};
