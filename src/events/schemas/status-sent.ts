/** StatusSent: Meta's own `sent` status for one part (the message left Meta towards the customer's phone). */
import { z } from 'zod';
import { externalId, isoInstant, wamid } from './common';
import { defineEvent } from './define';

export const statusSentDataSchema = z.object({
  wamid: wamid().describe('Meta message id the status is about.'),
  sentAt: isoInstant().describe("Meta's timestamp of the `sent` status."),
  recipientId: externalId().optional().describe('`recipient_id` as Meta reported it (usually the wa_id).'),
});

export type StatusSentData = z.output<typeof statusSentDataSchema>;

export const statusSentEvent = defineEvent({
  type: 'StatusSent',
  version: 1,
  category: 'outbound-message',
  description: 'Meta reported the `sent` status for one part of the message.',
  schema: statusSentDataSchema,
});
