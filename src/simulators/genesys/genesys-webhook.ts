import { createHmac } from 'node:crypto';
import { postSignedWebhook, toBytes, type WebhookDelivery } from '../common/post-signed';

/**
 * Genesys Open Messaging signs its outbound webhook with `X-Hub-Signature-256: sha256=<BASE64 HMAC-SHA256>` of the
 * raw body with the integration's secret (Genesys Open Messaging docs, "Validate the webhook"). Meta uses the same
 * header name with a HEX digest: the two must never share one helper.
 */
export const signGenesysWebhook = (secret: string, rawBody: string | Buffer): string =>
  `sha256=${createHmac('sha256', secret).update(toBytes(rawBody)).digest('base64')}`;

/** POSTs a Genesys outbound webhook body to the bridge exactly as given, signed like Genesys does. */
export const sendGenesysWebhook = (
  targetUrl: string,
  secret: string,
  rawBody: string | Buffer,
): Promise<WebhookDelivery> => {
  const raw = toBytes(rawBody);
  return postSignedWebhook(targetUrl, raw, signGenesysWebhook(secret, raw));
};
