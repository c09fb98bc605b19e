/**
 * The Open Messaging receipt Genesys takes at POST /api/v2/conversations/messages/{integrationId}/inbound/open/receipt,
 * shaped like test/fixtures/genesys/inbound-receipt-request-failed.json: `id` is the Genesys message the receipt
 * is about, `channel.to.id` the customer as the integration named them, `direction` Outbound (a receipt for an
 * outbound message). Genesys' developer center ("Inbound open receipt messages") lists Delivered and Failed as the
 * receipt statuses of this endpoint, so the bridge posts no Read receipt.
 */
import type { GenesysReceiptReason } from './receipt-reasons';

export type PostedReceiptStatus = 'Delivered' | 'Failed';

export interface ReceiptFacts {
  genesysMessageId: string;
  integrationId: string;
  customerId: string;
  status: PostedReceiptStatus;
  /** When the fact happened (Meta's delivery time, or when the failure was recorded); ISO. */
  time: string;
  failure?: { reason: GenesysReceiptReason; message: string };
}

export interface OpenMessagingReceipt extends Record<string, unknown> {
  id: string;
  channel: { id: string; platform: 'Open'; type: 'Private'; to: { id: string }; time: string };
  type: 'Receipt';
  status: PostedReceiptStatus;
  reasons?: { code: GenesysReceiptReason; message: string }[];
  isFinalReceipt: boolean;
  direction: 'Outbound';
}

export const toOpenMessagingReceipt = (facts: ReceiptFacts): OpenMessagingReceipt => ({
  id: facts.genesysMessageId,
  channel: {
    id: facts.integrationId,
    platform: 'Open',
    type: 'Private',
    to: { id: facts.customerId },
    time: facts.time,
  },
  type: 'Receipt',
  status: facts.status,
  ...(facts.failure ? { reasons: [{ code: facts.failure.reason, message: facts.failure.message }] } : {}),
  // Delivered is the last positive receipt the bridge sends (no Read, see above), and a failure is final.
  isFinalReceipt: true,
  direction: 'Outbound',
});
