/**
 * Feeds the delivery funnel from the outbound topic. Every value is validated before it is counted: the envelope
 * with the zod schema the generated JSON Schemas come from, the data with its type's schema (older versions
 * upcast first). A type this build does not know is skipped, not an error: the contract lets the bridge add
 * event types at any time.
 */
import type { Kafka, KafkaMessage } from 'kafkajs';
import { decodeEvent } from '../../src/events/decode';
import { EventDecodeError } from '../../src/events/event-errors';
import { storedEventEnvelopeSchema } from '../../src/events/schemas/envelope';
import { OUTBOUND_MESSAGES_TOPIC } from '../../src/events/relay/topic-routing';
import type { DeliveryFunnel } from './delivery-funnel';

export interface FunnelConsumerOptions {
  kafka: Kafka;
  topicPrefix: string;
  groupId: string;
  funnel: DeliveryFunnel;
  /** Where to report values that break the contract. */
  warn: (message: string) => void;
}

export interface FunnelConsumerStats {
  /** Values read, valid or not. */
  read: number;
  /** Values skipped because their event type is newer than this build. */
  unknownTypes: number;
  /** Values that broke the contract (not JSON, bad envelope, bad data). */
  invalid: number;
}

export interface FunnelConsumer {
  readonly stats: FunnelConsumerStats;
  stop(): Promise<void>;
}

type Outcome = 'counted' | 'unknown-type' | 'invalid';

const countMessage = (
  funnel: DeliveryFunnel,
  message: KafkaMessage,
  warn: (text: string) => void,
): Outcome => {
  try {
    const envelope = storedEventEnvelopeSchema.parse(JSON.parse(message.value?.toString('utf8') ?? 'null'));
    decodeEvent(envelope); // validates data (after upcasting an older version)
    funnel.record(envelope);
    return 'counted';
  } catch (error) {
    if (error instanceof EventDecodeError && error.code === 'UnknownEventType') return 'unknown-type';
    warn(`offset ${message.offset}: not a valid event: ${(error as Error).message}`);
    return 'invalid';
  }
};

/**
 * Starts consuming from the beginning of the topic. Offsets are never committed: the funnel lives in memory, so
 * every start must read the whole replay log again. A consumer that keeps its counts in a database would commit
 * its offsets together with them instead.
 */
export const startFunnelConsumer = async (options: FunnelConsumerOptions): Promise<FunnelConsumer> => {
  const stats: FunnelConsumerStats = { read: 0, unknownTypes: 0, invalid: 0 };
  const consumer = options.kafka.consumer({ groupId: options.groupId, maxWaitTimeInMs: 250 });
  await consumer.connect();
  await consumer.subscribe({
    topic: `${options.topicPrefix}${OUTBOUND_MESSAGES_TOPIC}`,
    fromBeginning: true,
  });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      stats.read++;
      const outcome = countMessage(options.funnel, message, options.warn);
      if (outcome === 'unknown-type') stats.unknownTypes++;
      if (outcome === 'invalid') stats.invalid++;
    },
  });
  return { stats, stop: () => consumer.disconnect() };
};
