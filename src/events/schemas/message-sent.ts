/** MessageSent: Meta accepted one part of the message and gave it a wamid. One event per part. */
import { z } from 'zod';
import { businessScopedUserId, CUSTOMER_ADDRESS_REQUIRED, hasCustomerAddress, waId, wamid } from './common';
import { defineEvent, defineUpcaster } from './define';

const partFields = {
  wamid: wamid().describe('Meta message id of this part; statuses refer to it.'),
  partIndex: z.int().nonnegative().describe('0-based position of this part among partCount.'),
  partCount: z.int().positive().describe('Number of parts the message was split into.'),
  attempt: z.int().positive().describe('The SendRequested attempt this part belongs to.'),
};

const PART_IN_RANGE = { path: ['partIndex'], message: 'partIndex must be below partCount' };
const isPartInRange = (data: { partIndex: number; partCount: number }) => data.partIndex < data.partCount;

/** v1: the wa_id was the only address a part could be sent to. */
const messageSentV1DataSchema = z
  .object({
    wamid: partFields.wamid,
    partIndex: partFields.partIndex,
    partCount: partFields.partCount,
    waId: waId().describe('WhatsApp id the part was sent to.'),
    attempt: partFields.attempt,
  })
  .refine(isPartInRange, PART_IN_RANGE);

export const messageSentDataSchema = z
  .object({
    ...partFields,
    waId: waId().optional().describe('WhatsApp id the part was sent to (Meta `to`), when the customer has one.'),
    userId: businessScopedUserId()
      .optional()
      .describe('Business-scoped user id the part was sent to (Meta `recipient`) when there is no waId.'),
  })
  .refine(isPartInRange, PART_IN_RANGE)
  .refine(hasCustomerAddress, CUSTOMER_ADDRESS_REQUIRED);

export type MessageSentData = z.output<typeof messageSentDataSchema>;

/** Every v1 event is a valid v2 one; the version moved because waId is no longer always there. */
const messageSentV1ToV2 = defineUpcaster({
  fromVersion: 1,
  schema: messageSentV1DataSchema,
  upcast: (old): z.input<typeof messageSentDataSchema> => old,
});

export const messageSentEvent = defineEvent({
  type: 'MessageSent',
  version: 2,
  category: 'outbound-message',
  description: 'Meta accepted one part of the outbound message and returned its wamid.',
  schema: messageSentDataSchema,
  upcasters: [messageSentV1ToV2],
});
