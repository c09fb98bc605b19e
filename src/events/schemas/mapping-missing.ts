/** MappingMissing: no WhatsApp id is known for the message's conversation; the message ends here, unsent. */
import { z } from 'zod';
import { externalId, machineCode } from './common';
import { defineEvent } from './define';

export const mappingMissingDataSchema = z.object({
  conversationId: externalId().nullable().describe('Genesys conversation id that was looked up, if any.'),
  customerId: externalId().describe('Genesys customer id (`channel.to.id`) that was looked up as a fallback.'),
  reason: machineCode().describe('Why no mapping was found, e.g. `NoMappingFound`.'),
});

export type MappingMissingData = z.output<typeof mappingMissingDataSchema>;

export const mappingMissingEvent = defineEvent({
  type: 'MappingMissing',
  version: 1,
  category: 'outbound-message',
  description: 'No WhatsApp recipient is known for an outbound message; it will not be sent.',
  schema: mappingMissingDataSchema,
});
