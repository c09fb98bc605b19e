import { ConfigResourceTypes, ConfigSource, type Admin, type Kafka } from 'kafkajs';
import { TOPIC_MAX_MESSAGE_BYTES } from './event-size';
import type { TopicSpec } from './topic-routing';

/** A topic whose record limit is below what the largest event needs, after trying to raise it. */
export interface TopicLimitProblem {
  topic: string;
  maxMessageBytes: number;
  requiredBytes: number;
  /** Why it could not be raised (the broker refused AlterConfigs, e.g. no ALTER_CONFIGS permission). */
  error: string;
}

/**
 * Creates the topics that do not exist yet, then makes sure every one accepts the largest event. Retention is
 * unlimited: the topics are the replay log (ARCHITECTURE.md, "Topics"). An existing topic keeps its partition
 * count; its `max.message.bytes` is raised when below `requiredBytes` (src/events/relay/event-size.ts). What could
 * not be raised is returned, for the relay to report: an event above a topic's limit cannot be published, and it
 * would hold up every stream behind it.
 */
export const ensureTopics = async (
  kafka: Kafka,
  topics: TopicSpec[],
  requiredBytes: number = TOPIC_MAX_MESSAGE_BYTES,
): Promise<TopicLimitProblem[]> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await createMissing(admin, topics, requiredBytes);
    return await raiseLimits(
      admin,
      topics.map(({ name }) => name),
      requiredBytes,
    );
  } finally {
    await admin.disconnect();
  }
};

const createMissing = async (admin: Admin, topics: TopicSpec[], requiredBytes: number): Promise<void> => {
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
        configEntries: [
          { name: 'retention.ms', value: '-1' },
          { name: 'max.message.bytes', value: String(requiredBytes) },
        ],
      })),
    });
  } catch (error) {
    // kafkajs answers `false` when every topic exists; a topic created concurrently by another process can still
    // surface as TOPIC_ALREADY_EXISTS here.
    if (!isOnlyAlreadyExists(error)) throw error;
  }
};

/**
 * Raises `max.message.bytes` where it is too small. AlterConfigs (the only variant kafkajs speaks) replaces a
 * topic's whole set of overrides, so the overrides the topic already has (retention.ms = -1) are sent along.
 */
const raiseLimits = async (
  admin: Admin,
  topics: string[],
  requiredBytes: number,
): Promise<TopicLimitProblem[]> => {
  const described = await admin.describeConfigs({
    resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
    includeSynonyms: false,
  });
  const problems: TopicLimitProblem[] = [];
  for (const resource of described.resources) {
    const entries = resource.configEntries;
    const current = Number(entries.find((entry) => entry.configName === 'max.message.bytes')?.configValue);
    if (Number.isFinite(current) && current >= requiredBytes) continue;
    const overrides = entries
      .filter(
        (entry) =>
          entry.configSource === ConfigSource.TOPIC_CONFIG && entry.configName !== 'max.message.bytes',
      )
      .map((entry) => ({ name: entry.configName, value: entry.configValue }));
    try {
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: resource.resourceName,
            configEntries: [...overrides, { name: 'max.message.bytes', value: String(requiredBytes) }],
          },
        ],
      });
    } catch (error) {
      problems.push({
        topic: resource.resourceName,
        maxMessageBytes: current,
        requiredBytes,
        error: (error as Error).message,
      });
    }
  }
  return problems;
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
