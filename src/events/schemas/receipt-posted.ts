/** ReceiptPosted: the bridge told Genesys what became of the message (an Open Messaging receipt). */
import { z } from 'zod';
import { machineCode } from './common';
import { defineEvent } from './define';

/** Receipt statuses the bridge posts to Genesys Open Messaging. */
export const RECEIPT_STATUSES = ['Delivered', 'Failed', 'Read'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

export const receiptPostedDataSchema = z.object({
  status: z.enum(RECEIPT_STATUSES).describe('Receipt status posted to Genesys.'),
  reason: machineCode()
    .optional()
    .describe('Genesys receipt reason code sent with a Failed receipt, e.g. `GeneralError`.'),
});

export type ReceiptPostedData = z.output<typeof receiptPostedDataSchema>;

export const receiptPostedEvent = defineEvent({
  type: 'ReceiptPosted',
  version: 1,
  category: 'outbound-message',
  description: 'A delivery receipt for this message was posted to Genesys.',
  schema: receiptPostedDataSchema,
});
