import type { Admin } from 'kafkajs';

/**
 * Messages on `topics` that consumer group `groupId` has not committed yet: the sum over partitions of the high
 * watermark minus the committed offset (a group that never committed counts from the partition's start).
 */
export const consumerLag = async (admin: Admin, groupId: string, topics: string[]): Promise<number> => {
  const committed = await admin.fetchOffsets({ groupId, topics });
  let lag = 0;
  for (const topic of topics) {
    const ends = await admin.fetchTopicOffsets(topic);
    const group = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
    for (const end of ends) {
      const offset = Number(group.find((partition) => partition.partition === end.partition)?.offset ?? '-1');
      const start = offset >= 0 ? offset : Number(end.low);
      lag += Math.max(0, Number(end.high) - start);
    }
  }
  return lag;
};
