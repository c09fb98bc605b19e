/**
 * A complete envelope around the registered data example of an event type: the `examples` entry of its JSON
 * Schema, so a consumer sees a whole Kafka value and not only its `data`. Fixed values: the generated files must
 * not change from one run to the next.
 */
import type { EventDefinition } from '../../events/schemas/define';
import { eventExamples } from '../../events/schemas/examples';
import { META_WEBHOOK_TENANT_ID } from '../../events/schemas/meta-webhook-received';
import { conversationStreamId, customerStreamId, outboundStreamId } from '../../events/schemas/stream-ids';
import type { StoredEvent } from '../../events/store/types';

type Placement = Pick<StoredEvent, 'streamId' | 'tenantId' | 'conversationId'>;

/**
 * Where an event of each stream family lives; a Record, so a new family cannot be forgotten here. The tenant has a
 * `-` so that the example shows how a stream id escapes it (`tenant%2D001`).
 */
const PLACEMENT_BY_CATEGORY: Record<EventDefinition['category'], Placement> = {
  'outbound-message': {
    streamId: outboundStreamId('tenant-001', 'gmsg-456'),
    tenantId: 'tenant-001',
    conversationId: 'abc-123',
  },
  conversation: {
    streamId: conversationStreamId('tenant-001', 'abc-123'),
    tenantId: 'tenant-001',
    conversationId: 'abc-123',
  },
  // A Meta webhook belongs to no tenant and no conversation until its statuses are applied.
  'meta-webhook': {
    streamId: `meta-webhook-${'0'.repeat(64)}`,
    tenantId: META_WEBHOOK_TENANT_ID,
    conversationId: null,
  },
  // Keyed by the customer stream on Kafka: the envelope names no conversation (topic-routing.ts).
  customer: {
    streamId: customerStreamId('tenant-001', '106540352242922', 'wa.16505551234'),
    tenantId: 'tenant-001',
    conversationId: null,
  },
};

const isExampleType = (type: string): type is keyof typeof eventExamples =>
  Object.hasOwn(eventExamples, type);

/** The example envelope, or undefined for a type without a registered example. */
export const envelopeExample = (definition: EventDefinition): StoredEvent | undefined => {
  if (!isExampleType(definition.type)) return undefined;
  return {
    eventId: '6f1c1a8e-1f0e-4d7a-9a57-2f3e8b1c9d00',
    type: definition.type,
    version: definition.version,
    ...PLACEMENT_BY_CATEGORY[definition.category],
    streamPosition: 1,
    globalPosition: '1042',
    transactionId: '771',
    occurredAt: '2024-05-01T10:00:00.120Z',
    recordedAt: '2024-05-01T10:00:00.131Z',
    causationId: null,
    correlationId: 'req-1',
    metadata: {},
    data: eventExamples[definition.type],
  };
};
