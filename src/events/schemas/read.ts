/** Read: the customer opened the part (Meta `read` status; only sent when the customer has read receipts on). */
import { z } from 'zod';
import { externalId, isoInstant, wamid } from './common';
import { defineEvent } from './define';

export const readDataSchema = z.object({
  wamid: wamid().describe('Meta message id the status is about.'),
  readAt: isoInstant().describe('When Meta says the customer read the part.'),
  recipientId: externalId().optional().describe('`recipient_id` as Meta reported it (usually the wa_id).'),
});

export type ReadData = z.output<typeof readDataSchema>;

export const readEvent = defineEvent({
  type: 'Read',
  version: 1,
  category: 'outbound-message',
  description: 'Meta reported that the customer read one part of the message.',
  schema: readDataSchema,
});
