/**
 * InboundReceiptReceived: Genesys told the bridge (a `Receipt` with direction `Inbound` on the outbound webhook)
 * what became of a customer's message inside Genesys — delivered to the conversation, or failed. Recorded once per
 * message and status on the customer's stream, carrying the conversation so audit replay shows it beside the
 * agent's side.
 */
import { z } from 'zod';
import { externalId, wamid } from './common';
import { defineEvent } from './define';

/** Genesys' receipt statuses (Open Messaging `status`). */
export const GENESYS_RECEIPT_STATUSES = ['Sent', 'Delivered', 'Read', 'Failed', 'Published', 'Removed'] as const;

export const inboundReceiptReceivedDataSchema = z.object({
  wamid: wamid().describe('The inbound message the receipt is about.'),
  status: z.enum(GENESYS_RECEIPT_STATUSES).describe('Genesys receipt status.'),
  isFinalReceipt: z.boolean().optional().describe('`isFinalReceipt` as Genesys sent it.'),
  reasons: z
    .array(
      z.object({
        code: z.string().max(200).optional().describe('Genesys reason code, e.g. GeneralError.'),
        message: z.string().max(2000).optional().describe('What Genesys said.'),
      }),
    )
    .max(20)
    .optional()
    .describe('Why the message failed, for a Failed receipt.'),
  genesysMessageId: externalId().optional().describe('The receipt’s own id (the message at Genesys).'),
  conversationId: externalId().optional().describe('The Genesys conversation, when known.'),
});

export type InboundReceiptReceivedData = z.output<typeof inboundReceiptReceivedDataSchema>;

export const inboundReceiptReceivedEvent = defineEvent({
  type: 'InboundReceiptReceived',
  version: 1,
  category: 'customer',
  description: 'Genesys sent a receipt (delivered, failed, …) about an inbound WhatsApp message.',
  schema: inboundReceiptReceivedDataSchema,
});
