/**
 * Whether the customer saw their message marked read (the blue ticks): once it reached Genesys the bridge marks
 * it read at Meta (tenant setting `markInboundRead`, on by default). Either outcome is recorded once per wamid on
 * the customer's stream; a failure never holds up the customer's next message.
 */
import { z } from 'zod';
import { machineCode, wamid } from './common';
import { defineEvent } from './define';

export const inboundMarkedReadDataSchema = z.object({
  wamid: wamid().describe('The inbound message Meta now shows the customer as read.'),
});

export type InboundMarkedReadData = z.output<typeof inboundMarkedReadDataSchema>;

export const inboundMarkedReadEvent = defineEvent({
  type: 'InboundMarkedRead',
  version: 1,
  category: 'customer',
  description: 'An inbound WhatsApp message delivered to Genesys was marked read at Meta.',
  schema: inboundMarkedReadDataSchema,
});

export const inboundMarkReadFailedDataSchema = z.object({
  wamid: wamid().describe('The inbound message that could not be marked read.'),
  reason: machineCode().describe('Why, e.g. MetaRejected, MetaUnavailable, NoWhatsappCredentials.'),
  message: z.string().max(2000).describe('What happened, for people; never holds a secret.'),
  httpStatus: z.int().optional().describe('HTTP status of the refusal, when Meta answered.'),
  metaCode: z.int().optional().describe('Meta error code, when Meta answered with one.'),
});

export type InboundMarkReadFailedData = z.output<typeof inboundMarkReadFailedDataSchema>;

export const inboundMarkReadFailedEvent = defineEvent({
  type: 'InboundMarkReadFailed',
  version: 1,
  category: 'customer',
  description: 'An inbound WhatsApp message could not be marked read at Meta; it stays unmarked.',
  schema: inboundMarkReadFailedDataSchema,
});
