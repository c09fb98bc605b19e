/** MappingResolved: the Genesys conversation (or customer) was matched to a WhatsApp id to send to. */
import { z } from 'zod';
import { externalId, isoInstant, waId } from './common';
import { defineEvent } from './define';

export const MAPPING_RESOLUTION_KEYS = ['conversationId', 'customerId'] as const;

export const mappingResolvedDataSchema = z.object({
  waId: waId().describe('WhatsApp id (phone number, digits) the message will be sent to.'),
  contactName: z.string().min(1).optional().describe('Customer name known for this mapping.'),
  phoneNumberId: externalId()
    .optional()
    .describe('Meta business phone number id to send from, when the mapping names one.'),
  lastInboundAt: isoInstant()
    .optional()
    .describe('When the customer last wrote (conversation_mappings.last_inbound_at); absent when unknown.'),
  resolvedBy: z
    .enum(MAPPING_RESOLUTION_KEYS)
    .describe('Which webhook field found the mapping: the conversation id, or the customer id as a fallback.'),
});

export type MappingResolvedData = z.output<typeof mappingResolvedDataSchema>;

export const mappingResolvedEvent = defineEvent({
  type: 'MappingResolved',
  version: 1,
  category: 'outbound-message',
  description: 'The recipient WhatsApp id for an outbound message was found.',
  schema: mappingResolvedDataSchema,
});
