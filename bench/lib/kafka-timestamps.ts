import { OUTBOUND_MESSAGES_TOPIC } from '../../src/events/relay/topic-routing';
import type { Config } from '../../src/infra/config';
import { createKafka } from '../../src/infra/kafka';

/**
 * The producer timestamps (CreateTime: when the relay handed the batch to kafkajs) of every event of one type on
 * the outbound topic, by event id. With the events' recorded_at they split "append → consumer" into the relay's
 * part and Kafka + the consumer's part. Reads the topic from the start in a consumer group under the bridge's
 * topic prefix (removed with the rest of its namespace), until every partition's end at the time of the call.
 */
export const relayTimestamps = async (
  config: Config,
  eventType: string,
  timeoutMs = 60_000,
): Promise<Map<string, number>> => {
  const topic = `${config.KAFKA_TOPIC_PREFIX}${OUTBOUND_MESSAGES_TOPIC}`;
  const kafka = createKafka(config.KAFKA_BROKERS, `${config.KAFKA_CLIENT_ID}-timestamps`);
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(high) > BigInt(low)) ends.set(partition, BigInt(high) - 1n);
    }
  } finally {
    await admin.disconnect();
  }
  const stamps = new Map<string, number>();
  if (ends.size === 0) return stamps;
  const consumer = kafka.consumer({
    groupId: `${config.KAFKA_TOPIC_PREFIX}bench.timestamps`,
    maxWaitTimeInMs: 200,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`outbound topic not read to its end within ${timeoutMs} ms`)),
        timeoutMs,
      );
      void consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            if (message.headers?.['event-type']?.toString() === eventType) {
              const eventId = message.headers['event-id']?.toString();
              if (eventId) stamps.set(eventId, Number(message.timestamp));
            }
          }
          const end = ends.get(batch.partition);
          if (end !== undefined && BigInt(batch.lastOffset()) >= end) ends.delete(batch.partition);
          if (ends.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return stamps;
};
