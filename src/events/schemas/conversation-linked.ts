/**
 * ConversationLinked: a Genesys conversation is (now) answered on this WhatsApp id. Always a complete snapshot of
 * the link, so a consumer never has to merge it with earlier events.
 */
import { z } from 'zod';
import { externalId, waId } from './common';
import { defineEvent } from './define';

export const conversationLinkedDataSchema = z.object({
  conversationId: externalId().describe('Genesys conversation id.'),
  waId: waId().describe('WhatsApp id (phone number, digits) of the customer in that conversation.'),
  contactName: z.string().min(1).optional().describe('Customer name, from WhatsApp profile or an operator.'),
  phoneNumberId: externalId().optional().describe('Meta business phone number id the customer wrote to.'),
  displayPhoneNumber: z.string().min(1).optional().describe('That business number as shown to people.'),
});

export type ConversationLinkedData = z.output<typeof conversationLinkedDataSchema>;

export const conversationLinkedEvent = defineEvent({
  type: 'ConversationLinked',
  version: 1,
  category: 'conversation',
  description: 'A Genesys conversation was linked (or re-linked) to a WhatsApp id.',
  schema: conversationLinkedDataSchema,
});
