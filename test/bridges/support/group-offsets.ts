/** Where a consumer group stands on a topic, partition by partition, against the topic's end. */
import type { Kafka } from 'kafkajs';

export interface PartitionStanding {
  partition: number;
  /** Next offset the group will read; 0 when it never committed. */
  committed: bigint;
  /** The topic's high watermark: one past the last message. */
  end: bigint;
}

export const groupStanding = async (
  kafka: Kafka,
  groupId: string,
  topic: string,
): Promise<PartitionStanding[]> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return ends
      .map(({ partition, high }) => {
        const offset = committed?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
        return { partition, committed: BigInt(offset) < 0n ? 0n : BigInt(offset), end: BigInt(high) };
      })
      .sort((a, b) => a.partition - b.partition);
  } finally {
    await admin.disconnect();
  }
};

/** True when the group committed everything on the topic. */
export const isCommittedToEnd = async (kafka: Kafka, groupId: string, topic: string): Promise<boolean> =>
  (await groupStanding(kafka, groupId, topic)).every(({ committed, end }) => committed === end);
