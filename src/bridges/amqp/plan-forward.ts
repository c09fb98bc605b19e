/**
 * What the bridge does with one Kafka message of the outbound topic: publish a legacy body, skip it (another event
 * type), or park it as a dead letter (it cannot be read, or its legacy body would break the contract). Pure, so
 * every branch is tested without a broker.
 *
 * Only WebhookReceived is read, and the legacy body names no customer (CONTRACT.md: conversationId, messageId,
 * type, text, tenantId): a reply to a customer known only by a business-scoped user id, whose mapping has no wa_id,
 * is forwarded like any other, and the events that do name the customer (MappingResolved, SendRequested,
 * MessageSent, with waId and/or userId) are skipped unread. The legacy consumers never had the wa_id from this queue
 * and get no user id either: adding a key would break their strict contract.
 */
import type { IHeaders } from 'kafkajs';
import { decodeOutboundEvent } from '../../events/decode';
import { eventTypeHeader } from '../../events/relay/kafka-messages';
import { storedEventEnvelopeSchema } from '../../events/schemas/envelope';
import type { StoredEvent } from '../../events/store/types';
import type { LegacyOutboundMessage } from './legacy-outbound-message';
import { toLegacyOutboundMessage } from './to-legacy-outbound-message';

/** The one event type the legacy queue carries. */
export const FORWARDED_EVENT_TYPE = 'WebhookReceived';

export type ForwardPlan =
  | { kind: 'skip' }
  | { kind: 'publish'; event: StoredEvent; message: LegacyOutboundMessage }
  | { kind: 'dead-letter'; error: string; event?: StoredEvent };

const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export const planForward = (message: { value: Buffer | null; headers?: IHeaders }): ForwardPlan => {
  const headerType = eventTypeHeader(message.headers);
  if (headerType !== undefined && headerType !== FORWARDED_EVENT_TYPE) return { kind: 'skip' };

  let event: StoredEvent;
  try {
    event = storedEventEnvelopeSchema.parse(JSON.parse(message.value?.toString('utf8') ?? 'null'));
  } catch (error) {
    return { kind: 'dead-letter', error: `undecodable message: ${describeError(error)}` };
  }
  if (event.type !== FORWARDED_EVENT_TYPE) return { kind: 'skip' };

  try {
    // Decoding upcasts older versions, so the legacy body is always built from the current shape.
    const decoded = decodeOutboundEvent(event);
    if (decoded.type !== 'WebhookReceived') return { kind: 'skip' };
    return { kind: 'publish', event, message: toLegacyOutboundMessage(event.tenantId, decoded.data) };
  } catch (error) {
    return { kind: 'dead-letter', error: `no legacy body for this event: ${describeError(error)}`, event };
  }
};
