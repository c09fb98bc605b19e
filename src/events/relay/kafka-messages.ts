import type { IHeaders, Message, TopicMessages } from 'kafkajs';
import type { StoredEvent } from '../store/types';

/** One `sendBatch` worth of messages, covering a contiguous run of $all ending at `last`. */
export interface ProduceChunk {
  topicMessages: TopicMessages[];
  last: StoredEvent;
  /** Events in the run that no topic carries (they still move the checkpoint). */
  unrouted: StoredEvent[];
}

/**
 * The Kafka message of an event: key = conversation (per-conversation order, since one key always lands on one
 * partition), or the stream when the event has no conversation; the type in a header so consumers can filter
 * without parsing; the whole envelope as the value.
 */
export const toKafkaMessage = (event: StoredEvent): Message => ({
  key: event.conversationId ?? event.streamId,
  value: JSON.stringify(event),
  headers: { 'event-type': event.type, 'event-id': event.eventId },
});

/**
 * The event type a message's header names (toKafkaMessage), undefined when the header is missing (a producer other
 * than the relay): consumers skip the types they ignore before paying for JSON parsing and validation, and parse
 * whatever carries no header.
 */
export const eventTypeHeader = (headers: IHeaders | undefined): string | undefined => {
  const value = headers?.['event-type'];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
};

/**
 * Splits a page of $all into chunks of at most `maxBytes` of keys and values (the broker refuses a record batch
 * above its message.max.bytes, 1 MiB by default, and kafkajs puts a whole send's messages for one partition into
 * one record batch). Order is kept: within a topic, messages appear in $all order, and chunks follow each other.
 * An event larger than `maxBytes` gets a chunk of its own.
 */
export const toProduceChunks = (
  events: StoredEvent[],
  topicFor: (event: StoredEvent) => string | null,
  maxBytes: number,
): ProduceChunk[] => {
  const chunks: ProduceChunk[] = [];
  let byTopic = new Map<string, Message[]>();
  let unrouted: StoredEvent[] = [];
  let bytes = 0;
  let last: StoredEvent | undefined;

  const close = () => {
    if (!last) return;
    chunks.push({
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      last,
      unrouted,
    });
    byTopic = new Map();
    unrouted = [];
    bytes = 0;
    last = undefined;
  };

  for (const event of events) {
    const topic = topicFor(event);
    if (topic === null) {
      unrouted.push(event);
      last = event;
      continue;
    }
    const message = toKafkaMessage(event);
    const size = Buffer.byteLength(message.value as string) + Buffer.byteLength(message.key as string);
    if (bytes > 0 && bytes + size > maxBytes) close();
    const messages = byTopic.get(topic) ?? [];
    messages.push(message);
    byTopic.set(topic, messages);
    bytes += size;
    last = event;
  }
  close();
  return chunks;
};
