import type { Kafka } from 'kafkajs';
import type { TopicSpec } from './topic-routing';

/**
 * Creates the topics that do not exist yet. Retention is unlimited: the topics are the replay log
 * (ARCHITECTURE.md, "Topics"). An existing topic is left as it is, whatever its partition count.
 */
export const ensureTopics = async (kafka: Kafka, topics: TopicSpec[]): Promise<void> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map(({ name, partitions }) => ({
        topic: name,
        numPartitions: partitions,
        configEntries: [{ name: 'retention.ms', value: '-1' }],
      })),
    });
  } catch (error) {
    // kafkajs answers `false` when every topic exists; a topic created concurrently by another process can still
    // surface as TOPIC_ALREADY_EXISTS here.
    if (!isOnlyAlreadyExists(error)) throw error;
  } finally {
    await admin.disconnect();
  }
};

const isOnlyAlreadyExists = (error: unknown): boolean => {
  const { type, errors } = error as { type?: string; errors?: Array<{ type?: string }> };
  if (type === 'TOPIC_ALREADY_EXISTS') return true;
  return (
    Array.isArray(errors) &&
    errors.length > 0 &&
    errors.every((inner) => inner.type === 'TOPIC_ALREADY_EXISTS')
  );
};
