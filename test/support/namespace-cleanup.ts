import amqp from 'amqplib';
import { loadConfig } from '../../src/infra/config';
import { createKafka } from '../../src/infra/kafka';
import { createLogger } from '../../src/infra/logger';
import { createRedis } from '../../src/infra/redis';
import { createS3 } from '../../src/infra/s3';
import type { TestNamespace } from './namespace';

/**
 * Removes everything a test namespace may have created on the shared servers: its Kafka topics (`t-<id>.…`), its
 * RabbitMQ queue, its Redis keys and its S3 buckets (emptied first). Safe to call for things never created. Opens
 * its own short-lived connections from the default settings, so a test that ran a bridge in a child process can
 * call it too. A failure is thrown (after trying every step): a leak should not go unnoticed.
 */
export const removeNamespace = async (
  ns: TestNamespace,
  /** Names a test gave instead of the namespace's own (env overrides). */
  also: { queues?: string[]; buckets?: string[] } = {},
): Promise<void> => {
  const config = loadConfig({});
  const problems: string[] = [];
  const step = async (what: string, work: () => Promise<unknown>) => {
    await work().catch((error: Error) => problems.push(`${what}: ${error.message}`));
  };

  await step('kafka topics', async () => {
    const admin = createKafka(config.KAFKA_BROKERS, `cleanup-${ns.id}`, createLogger('silent')).admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(ns.topicPrefix));
      if (topics.length) await admin.deleteTopics({ topics });
    } finally {
      await admin.disconnect();
    }
  });
  await step('rabbitmq queue', async () => {
    const connection = await amqp.connect(config.AMQP_URL);
    try {
      const channel = await connection.createChannel();
      // No error for a queue that does not exist.
      for (const queue of new Set([ns.queue, ...(also.queues ?? [])])) await channel.deleteQueue(queue);
    } finally {
      await connection.close().catch(() => undefined);
    }
  });
  await step('redis keys', async () => {
    const redis = createRedis(config.REDIS_URL);
    try {
      const keys = await redis.keys(`${ns.redisKeyPrefix}*`);
      if (keys.length) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  });
  await step('s3 buckets', async () => {
    const s3 = createS3(config.S3_ENDPOINT, config.S3_ACCESS_KEY, config.S3_SECRET_KEY, config.S3_REGION);
    for (const bucket of new Set([
      ns.mediaBucket,
      ns.archiveBucket,
      ns.inboundMediaBucket,
      ...(also.buckets ?? []),
    ])) {
      if (!(await s3.bucketExists(bucket))) continue;
      const names: string[] = [];
      for await (const item of s3.listObjectsV2(bucket, '', true)) if (item.name) names.push(item.name);
      if (names.length) await s3.removeObjects(bucket, names);
      await s3.removeBucket(bucket);
    }
  });
  if (problems.length) throw new Error(`namespace ${ns.id} not fully removed: ${problems.join('; ')}`);
};
