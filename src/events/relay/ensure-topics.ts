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
    // Asking first: kafkajs logs a refused CreateTopics as an error even when the refusal is "already exists",
    // and every worker of every process calls this at start.
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter(({ name }) => !existing.has(name));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map(({ name, partitions }) => ({
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
