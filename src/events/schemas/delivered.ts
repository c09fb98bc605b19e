/**
 * Delivered: the part reached the customer's phone.
 *
 * v1 (early releases) stored Meta's status verbatim: `timestamp` as a string of Unix seconds. v2 stores an ISO
 * instant like every other event and says whether the delivery was inferred from a `read` status.
 */
import { z } from 'zod';
import { externalId, isoInstant, metaTimestampToIso, metaUnixSeconds, wamid } from './common';
import { defineEvent, defineUpcaster } from './define';

export const deliveredV1DataSchema = z.object({
  wamid: wamid().describe('Meta message id the status is about.'),
  timestamp: metaUnixSeconds().describe("Meta's `timestamp` of the `delivered` status: Unix seconds, as a string."),
});

export const deliveredDataSchema = z.object({
  wamid: wamid().describe('Meta message id the status is about.'),
  deliveredAt: isoInstant().describe('When Meta says the part was delivered.'),
  recipientId: externalId().optional().describe('`recipient_id` as Meta reported it (usually the wa_id).'),
  isInferredFromRead: z
    .boolean()
    .describe(
      'True when no `delivered` status arrived before `read`: delivery is implied by the read, and ' +
        'deliveredAt is the read time.',
    ),
});

export type DeliveredV1Data = z.output<typeof deliveredV1DataSchema>;
export type DeliveredData = z.output<typeof deliveredDataSchema>;

const deliveredV1ToV2 = defineUpcaster({
  fromVersion: 1,
  schema: deliveredV1DataSchema,
  upcast: (old): z.input<typeof deliveredDataSchema> => ({
    wamid: old.wamid,
    // The v1 schema admits only digit strings, so the conversion cannot fail for validated data; an empty
    // string would still be caught by the v2 validation that follows every upcast.
    deliveredAt: metaTimestampToIso(old.timestamp) ?? '',
    // v1 was only written for real `delivered` statuses.
    isInferredFromRead: false,
  }),
});

export const deliveredEvent = defineEvent({
  type: 'Delivered',
  version: 2,
  category: 'outbound-message',
  description: 'Meta reported (or a `read` implied) that one part of the message reached the customer.',
  schema: deliveredDataSchema,
  upcasters: [deliveredV1ToV2],
});
