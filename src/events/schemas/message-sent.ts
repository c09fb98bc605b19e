/** MessageSent: Meta accepted one part of the message and gave it a wamid. One event per part. */
import { z } from 'zod';
import { waId, wamid } from './common';
import { defineEvent } from './define';

export const messageSentDataSchema = z
  .object({
    wamid: wamid().describe('Meta message id of this part; statuses refer to it.'),
    partIndex: z.int().nonnegative().describe('0-based position of this part among partCount.'),
    partCount: z.int().positive().describe('Number of parts the message was split into.'),
    waId: waId().describe('WhatsApp id the part was sent to.'),
    attempt: z.int().positive().describe('The SendRequested attempt this part belongs to.'),
  })
  .refine((data) => data.partIndex < data.partCount, {
    path: ['partIndex'],
    message: 'partIndex must be below partCount',
  });

export type MessageSentData = z.output<typeof messageSentDataSchema>;

export const messageSentEvent = defineEvent({
  type: 'MessageSent',
  version: 1,
  category: 'outbound-message',
  description: 'Meta accepted one part of the outbound message and returned its wamid.',
  schema: messageSentDataSchema,
});
