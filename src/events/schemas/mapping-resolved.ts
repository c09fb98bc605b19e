/** MappingResolved: the Genesys conversation (or customer) was matched to a WhatsApp customer to send to. */
import { z } from 'zod';
import {
  businessScopedUserId,
  CUSTOMER_ADDRESS_REQUIRED,
  externalId,
  hasCustomerAddress,
  isoInstant,
  waId,
} from './common';
import { defineEvent, defineUpcaster } from './define';

export const MAPPING_RESOLUTION_KEYS = ['conversationId', 'customerId'] as const;

const resolvedFields = {
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
};

/** v1: the wa_id was the only address a message could be sent to. */
const mappingResolvedV1DataSchema = z.object({
  waId: waId().describe('WhatsApp id (phone number, digits) the message will be sent to.'),
  ...resolvedFields,
});

export const mappingResolvedDataSchema = z
  .object({
    ...resolvedFields,
    waId: waId()
      .optional()
      .describe('WhatsApp id (phone number, digits) the message will be sent to (Meta `to`), when known.'),
    userId: businessScopedUserId()
      .optional()
      .describe(
        'Business-scoped user id of the customer (Meta `recipient`); the send uses it only when there is no ' +
          'waId. At least one of waId, userId.',
      ),
  })
  .refine(hasCustomerAddress, CUSTOMER_ADDRESS_REQUIRED);

export type MappingResolvedData = z.output<typeof mappingResolvedDataSchema>;

/** Every v1 event is a valid v2 one; the version moved because waId is no longer always there (see v2). */
const mappingResolvedV1ToV2 = defineUpcaster({
  fromVersion: 1,
  schema: mappingResolvedV1DataSchema,
  upcast: (old): z.input<typeof mappingResolvedDataSchema> => old,
});

export const mappingResolvedEvent = defineEvent({
  type: 'MappingResolved',
  version: 2,
  category: 'outbound-message',
  description: 'The recipient (WhatsApp id or business-scoped user id) for an outbound message was found.',
  schema: mappingResolvedDataSchema,
  upcasters: [mappingResolvedV1ToV2],
});
