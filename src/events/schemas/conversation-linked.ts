/**
 * ConversationLinked: a Genesys conversation is (now) answered on this customer's WhatsApp id or business-scoped
 * user id. Always a complete snapshot of the link, so a consumer never has to merge it with earlier events.
 */
import { z } from 'zod';
import { businessScopedUserId, CUSTOMER_ADDRESS_REQUIRED, externalId, hasCustomerAddress, waId } from './common';
import { defineEvent, defineUpcaster } from './define';

const linkFields = {
  conversationId: externalId().describe('Genesys conversation id.'),
  contactName: z.string().min(1).optional().describe('Customer name, from WhatsApp profile or an operator.'),
  phoneNumberId: externalId().optional().describe('Meta business phone number id the customer wrote to.'),
  displayPhoneNumber: z.string().min(1).optional().describe('That business number as shown to people.'),
};

/** v1 (before business-scoped users could be answered): the wa_id was the only way to name the customer. */
const conversationLinkedV1DataSchema = z.object({
  conversationId: linkFields.conversationId,
  waId: waId().describe('WhatsApp id (phone number, digits) of the customer in that conversation.'),
  contactName: linkFields.contactName,
  phoneNumberId: linkFields.phoneNumberId,
  displayPhoneNumber: linkFields.displayPhoneNumber,
});

export const conversationLinkedDataSchema = z
  .object({
    ...linkFields,
    waId: waId()
      .optional()
      .describe('WhatsApp id (phone number, digits) of the customer; absent for a customer Meta names only by userId.'),
    userId: businessScopedUserId()
      .optional()
      .describe('Business-scoped user id (BSUID) of the customer, when Meta gave one. At least one of waId, userId.'),
  })
  .refine(hasCustomerAddress, CUSTOMER_ADDRESS_REQUIRED);

export type ConversationLinkedData = z.output<typeof conversationLinkedDataSchema>;

/**
 * v2 only made waId optional beside the new userId: every v1 link is a valid v2 link. The version still moved
 * because a consumer of v1 may rely on waId being there, which a v2 link no longer promises.
 */
const conversationLinkedV1ToV2 = defineUpcaster({
  fromVersion: 1,
  schema: conversationLinkedV1DataSchema,
  upcast: (old): z.input<typeof conversationLinkedDataSchema> => old,
});

export const conversationLinkedEvent = defineEvent({
  type: 'ConversationLinked',
  version: 2,
  category: 'conversation',
  description: "A Genesys conversation was linked (or re-linked) to a customer's WhatsApp id or business-scoped id.",
  schema: conversationLinkedDataSchema,
  upcasters: [conversationLinkedV1ToV2],
});
