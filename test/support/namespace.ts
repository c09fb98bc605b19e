import { randomBytes } from 'node:crypto';

/**
 * Names of everything a test file owns on the shared servers, so files run in parallel without seeing each other:
 * Kafka topics and consumer groups, Redis keys, the RabbitMQ queue and the S3 buckets.
 */
export interface TestNamespace {
  id: string;
  topicPrefix: string;
  redisKeyPrefix: string;
  queue: string;
  mediaBucket: string;
  archiveBucket: string;
  inboundMediaBucket: string;
}

export const createNamespace = (label: string): TestNamespace => {
  const id = `${label
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .slice(0, 16)}-${randomBytes(4).toString('hex')}`;
  return {
    id,
    topicPrefix: `t-${id}.`,
    redisKeyPrefix: `t:${id}:`,
    queue: `OUTBOUND_GENESYS_MESSAGES.t-${id}`,
    mediaBucket: `t-${id}-media`,
    archiveBucket: `t-${id}-archive`,
    inboundMediaBucket: `t-${id}-inbound`,
  };
};

/** Environment for `loadConfig` that points a whole bridge at one namespace and one database. */
export const namespaceEnv = (ns: TestNamespace, databaseUrl: string): Record<string, string> => ({
  DATABASE_URL: databaseUrl,
  KAFKA_TOPIC_PREFIX: ns.topicPrefix,
  KAFKA_CLIENT_ID: `bridge-test-${ns.id}`,
  REDIS_KEY_PREFIX: ns.redisKeyPrefix,
  AMQP_OUTBOUND_QUEUE: ns.queue,
  S3_MEDIA_BUCKET: ns.mediaBucket,
  S3_ARCHIVE_BUCKET: ns.archiveBucket,
  S3_INBOUND_MEDIA_BUCKET: ns.inboundMediaBucket,
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
});
