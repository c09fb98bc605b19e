/**
 * The envelope every stored event travels in (store reads, Kafka values, audit replay). Mirrors `StoredEvent` of
 * the store contract; the type-level check in envelope.test.ts keeps the two identical.
 */
import { z } from 'zod';
import { externalId, isoInstant } from './common';
import type { EventDefinition } from './define';

const digits = () => z.string().regex(/^[0-9]+$/);

const envelopeFields = {
  eventId: z.uuid().describe('Unique id of the event; re-appending it is a no-op.'),
  type: z.string().min(1).describe('Event type, e.g. `WebhookReceived`.'),
  version: z.int().positive().describe('Version of the `data` schema the event was written with.'),
  streamId: z.string().min(1).describe('Stream the event belongs to, e.g. `outbound-{tenant}-{messageId}`, `{tenant}` the tenant id with `%` and `-` percent-escaped.'),
  streamPosition: z.int().positive().describe('1-based position of the event in its stream.'),
  globalPosition: digits().describe('Position in the store-wide sequence (a bigint, as text).'),
  transactionId: digits().describe('PostgreSQL transaction id (xid8, as text) that committed the event.'),
  tenantId: externalId().describe('Tenant the event belongs to.'),
  conversationId: externalId().nullable().describe('Genesys conversation id, when known; the Kafka key.'),
  occurredAt: isoInstant().describe('When the fact happened, as far as the writer knows.'),
  recordedAt: isoInstant().describe('When the store committed the event.'),
  causationId: z.string().nullable().describe('Id of the event or request that caused this event.'),
  correlationId: z.string().nullable().describe('Id shared by everything done for one original request.'),
  metadata: z.record(z.string(), z.unknown()).describe('Free-form, non-business context (never secrets).'),
};

/** Any stored event, `data` not yet validated. */
export const storedEventEnvelopeSchema = z.object({
  ...envelopeFields,
  data: z.record(z.string(), z.unknown()).describe('Event payload; its schema depends on type and version.'),
});

/** The envelope of one event type at its current version: what a consumer of the latest shape receives. */
export const envelopeSchemaFor = <D extends EventDefinition>(definition: D) =>
  z
    .object({
      ...envelopeFields,
      type: z.literal(definition.type).describe('Event type.'),
      version: z.literal(definition.version).describe('Version of the `data` schema.'),
      data: definition.schema.describe(`Payload of ${definition.type} v${definition.version}.`),
    })
    .describe(definition.description);
