import type { ReceiveWebhook } from '../commands/outbound-message/commands';
import type { GenesysWebhook } from '../contracts/genesys/outbound-webhook';
import { translateWebhook } from '../events/schemas/webhook-translation';

/**
 * The ReceiveWebhook command for a validated Genesys webhook: the message translated once, here at the edge (the
 * same translation the v2 → v3 upcaster applies to stored bodies), and the raw body verbatim for the audit.
 */
export const toReceiveWebhook = (
  webhook: GenesysWebhook,
  raw: { body: string; signature: string; receivedAt: string },
): ReceiveWebhook => ({
  type: 'ReceiveWebhook',
  ...translateWebhook(webhook),
  rawBody: raw.body,
  signature: raw.signature,
  receivedAt: raw.receivedAt,
});
