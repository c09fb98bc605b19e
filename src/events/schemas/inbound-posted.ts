/**
 * What became of an inbound message at Genesys: posted once (InboundPostedToGenesys, with the conversation Genesys
 * put it in), or refused for good (InboundPostFailed). Both on the customer's stream, beside the message.
 */
import { z } from 'zod';
import { externalId, isoInstant, machineCode, wamid } from './common';
import { inboundCustomerSchema } from './inbound-message-received';
import { defineEvent } from './define';

export const inboundPostedToGenesysDataSchema = z.object({
  wamid: wamid().describe('The inbound message posted (`channel.messageId`).'),
  genesysMessageId: externalId().describe('Id Genesys gave the message.'),
  conversationId: externalId().optional().describe('Genesys conversation id (prefetchConversationId=true).'),
  phoneNumberId: externalId().describe('Business phone number id the customer wrote to.'),
  sentAt: isoInstant().describe('When the customer sent the message (its InboundMessageReceived `sentAt`).'),
  customer: inboundCustomerSchema.describe('Who sent it, as recorded on the message: read models key on it.'),
});

export type InboundPostedToGenesysData = z.output<typeof inboundPostedToGenesysDataSchema>;

export const inboundPostedToGenesysEvent = defineEvent({
  type: 'InboundPostedToGenesys',
  version: 1,
  category: 'customer',
  description: 'An inbound WhatsApp message was accepted by Genesys Open Messaging.',
  schema: inboundPostedToGenesysDataSchema,
});

export const inboundPostFailedDataSchema = z.object({
  wamid: wamid().describe('The inbound message that could not be posted.'),
  reason: machineCode().describe('Why, e.g. GenesysRejected, NoGenesysCredentials.'),
  message: z.string().max(2000).describe('What happened, for people; never holds a secret.'),
  httpStatus: z.int().optional().describe('HTTP status of the refusal, when Genesys answered.'),
});

export type InboundPostFailedData = z.output<typeof inboundPostFailedDataSchema>;

export const inboundPostFailedEvent = defineEvent({
  type: 'InboundPostFailed',
  version: 1,
  category: 'customer',
  description: 'Genesys refused an inbound WhatsApp message for good; it is not posted again.',
  schema: inboundPostFailedDataSchema,
});
