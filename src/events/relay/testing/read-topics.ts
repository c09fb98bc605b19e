import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { StoredEvent } from '../../store/types';

export interface TopicRecord {
  topic: string;
  partition: number;
  offset: bigint;
  key: string;
  eventType: string;
  event: StoredEvent;
  /** The message's Kafka timestamp (CreateTime: when the relay produced it), in ms. */
  timestamp: number;
}

/**
 * Everything on the topics up to their current high watermarks, in partition order, read by a throw-away consumer
 * group. Records of one partition keep their order; partitions are listed one after the other.
 */
export const readTopics = async (
  kafka: Kafka,
  topics: string[],
  timeoutMs = 30_000,
): Promise<TopicRecord[]> => {
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<string, bigint>(); // "topic/partition" → last offset still to read
  try {
    for (const topic of topics) {
      for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(high) > BigInt(low)) remaining.set(`${topic}/${partition}`, BigInt(high) - 1n);
      }
    }
  } finally {
    await admin.disconnect();
  }
  const records: TopicRecord[] = [];
  if (remaining.size === 0) return records;

  const consumer = kafka.consumer({
    groupId: `reader-${randomBytes(6).toString('hex')}`,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`readTopics: timed out, ${remaining.size} partitions left`)),
        timeoutMs,
      );
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ topic, partition, message }) => {
            const offset = BigInt(message.offset);
            const last = remaining.get(`${topic}/${partition}`);
            if (last === undefined || offset > last) return;
            records.push({
              topic,
              partition,
              offset,
              key: message.key!.toString(),
              eventType: message.headers!['event-type']!.toString(),
              event: JSON.parse(message.value!.toString()) as StoredEvent,
              timestamp: Number(message.timestamp),
            });
            if (offset === last) remaining.delete(`${topic}/${partition}`);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records.sort((a, b) =>
    a.topic !== b.topic
      ? a.topic.localeCompare(b.topic)
      : a.partition - b.partition || Number(a.offset - b.offset),
  );
};
