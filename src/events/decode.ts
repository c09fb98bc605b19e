/**
 * Stored event → domain event. Old versions are lifted one version at a time by their upcasters, then the result
 * is validated against the current schema. Anything that does not fit throws: folding a stream past an event we
 * do not understand would make every later decision on that stream wrong.
 */
import type { StoredEvent } from './store/types';
import { EventDecodeError, toEventIssues, type EventDecodeErrorCode, type EventIssue } from './event-errors';
import { findEventDefinition, isEventOfCategory, type DomainEvent } from './registry';
import type { ConversationEvent } from './schemas/conversation-events';
import type { EventCategory } from './schemas/define';
import type { OutboundEvent } from './schemas/outbound-events';
import type { CustomerEvent } from './schemas/customer-events';

/** Where and when an event was stored; everything of the envelope except the payload. */
export interface EventEnvelope {
  eventId: string;
  streamId: string;
  streamPosition: number;
  globalPosition: string;
  transactionId: string;
  tenantId: string;
  conversationId: string | null;
  occurredAt: string;
  recordedAt: string;
  causationId: string | null;
  correlationId: string | null;
  metadata: Record<string, unknown>;
  /** The version the event was written with, before upcasting. */
  storedVersion: number;
}

/** A domain event at its current version, with its envelope. */
export type DecodedEvent<E extends DomainEvent = DomainEvent> = E & {
  version: number;
  envelope: EventEnvelope;
};

const envelopeOf = (stored: StoredEvent): EventEnvelope => ({
  eventId: stored.eventId,
  streamId: stored.streamId,
  streamPosition: stored.streamPosition,
  globalPosition: stored.globalPosition,
  transactionId: stored.transactionId,
  tenantId: stored.tenantId,
  conversationId: stored.conversationId,
  occurredAt: stored.occurredAt,
  recordedAt: stored.recordedAt,
  causationId: stored.causationId,
  correlationId: stored.correlationId,
  metadata: stored.metadata,
  storedVersion: stored.version,
});

export const decodeEvent = (stored: StoredEvent): DecodedEvent => {
  const { eventId, type, version } = stored;
  const fail = (code: EventDecodeErrorCode, detail: string, issues?: readonly EventIssue[]) =>
    new EventDecodeError(code, eventId, type, version, detail, issues);

  const definition = findEventDefinition(type);
  if (!definition) throw fail('UnknownEventType', 'no such event type');
  if (!Number.isInteger(version) || version < 1 || version > definition.version) {
    throw fail('UnknownEventVersion', `known versions are 1..${definition.version}`);
  }

  let data = stored.data;
  for (let current = version; current < definition.version; current += 1) {
    const upcaster = definition.upcasters.find((candidate) => candidate.fromVersion === current);
    if (!upcaster) throw fail('UnknownEventVersion', `no upcaster from v${current}`);
    const lifted = upcaster.upcast(data);
    if (!lifted.ok) throw fail('InvalidEventData', `invalid v${current} data`, toEventIssues(lifted.issues));
    data = lifted.data;
  }

  const parsed = definition.schema.safeParse(data);
  if (!parsed.success) {
    const detail =
      version === definition.version
        ? 'invalid data'
        : `invalid data after upcasting to v${definition.version}`;
    throw fail('InvalidEventData', detail, toEventIssues(parsed.error.issues));
  }
  // The schema was looked up by this very type name, so the parsed data is that type's data.
  return {
    type,
    data: parsed.data,
    version: definition.version,
    envelope: envelopeOf(stored),
  } as DecodedEvent;
};

/** A decoder for one stream family: an event of another family in the stream is corrupt data, not a skip. */
const decoderFor =
  <E extends DomainEvent>(category: EventCategory) =>
  (stored: StoredEvent): DecodedEvent<E> => {
    if (findEventDefinition(stored.type) && !isEventOfCategory(stored.type, category)) {
      throw new EventDecodeError(
        'UnexpectedEventType',
        stored.eventId,
        stored.type,
        stored.version,
        `not an event of the ${category} stream family`,
      );
    }
    return decodeEvent(stored) as DecodedEvent<E>;
  };

export const decodeOutboundEvent = decoderFor<OutboundEvent>('outbound-message');
export const decodeConversationEvent = decoderFor<ConversationEvent>('conversation');
export const decodeCustomerEvent = decoderFor<CustomerEvent>('customer');
