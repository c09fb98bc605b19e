/**
 * The JSON Schema of the legacy queue body. Unlike the event schemas it is closed (`additionalProperties: false`):
 * the legacy body is a frozen contract, exactly these keys, and the bridge validates every body against the same
 * zod schema before publishing it.
 */
import { z } from 'zod';
import { legacyOutboundMessageSchema } from '../amqp/legacy-outbound-message';
import { LEGACY_QUEUE_SCHEMA_ID } from './schema-ids';

export const legacyQueueJsonSchema = (): Record<string, unknown> => {
  const { $schema, ...body } = z.toJSONSchema(legacyOutboundMessageSchema, { io: 'output' });
  return { $schema, $id: LEGACY_QUEUE_SCHEMA_ID, title: 'Legacy OUTBOUND_GENESYS_MESSAGES message', ...body };
};
