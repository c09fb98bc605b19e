import { randomBytes } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { connectAmqp } from '../../src/infra/amqp';
import type { Config } from '../../src/infra/config';
import { createKafka } from '../../src/infra/kafka';
import { createRedis } from '../../src/infra/redis';
import { createS3 } from '../../src/infra/s3';

/**
 * Names of everything one bench bridge owns on the shared servers (Kafka topics and consumer groups, Redis keys,
 * the RabbitMQ queue, the S3 buckets), so that it never sees, or is seen by, the tests and benches of colleagues
 * running on the same servers at the same time.
 */
export interface BenchNamespace {
  id: string;
  topicPrefix: string;
  redisKeyPrefix: string;
  queue: string;
  mediaBucket: string;
  archiveBucket: string;
  inboundMediaBucket: string;
}

export const createBenchNamespace = (label: string): BenchNamespace => {
  const id = `${label.replace(/[^a-z0-9]/g, '').slice(0, 16)}-${randomBytes(4).toString('hex')}`;
  return {
    id,
    topicPrefix: `bench-${id}.`,
    redisKeyPrefix: `bench:${id}:`,
    queue: `OUTBOUND_GENESYS_MESSAGES.bench-${id}`,
    mediaBucket: `bench-${id}-media`,
    archiveBucket: `bench-${id}-archive`,
    inboundMediaBucket: `bench-${id}-inbound`,
  };
};

/**
 * A group whose members have only just left can still be refused as non-empty for a moment (the coordinator
 * finishes its rebalance first): try again a few times before reporting it.
 */
const deleteGroups = async (admin: Admin, groups: string[]): Promise<void> => {
  let remaining = groups;
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.deleteGroups(remaining);
      return;
    } catch (error) {
      const failed =
        (error as { groups?: Array<{ groupId: string; error?: { type?: string } }> }).groups ?? [];
      remaining = failed
        .filter((group) => group.error?.type !== 'GROUP_ID_NOT_FOUND')
        .map((group) => group.groupId);
      if (remaining.length === 0) return;
      if (attempt === 5) {
        const reasons = failed.map((group) => `${group.groupId}: ${group.error?.type ?? 'unknown'}`);
        throw new Error(`consumer groups not deleted (${reasons.join(', ')})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
    }
  }
};

const describe = (what: string, error: unknown) => `${what}: ${(error as Error).message ?? String(error)}`;

/**
 * Removes what the namespace left on the servers. Best effort, each part on its own: a leftover is reported (and
 * lands in the bench's notes), it never hides the measurement.
 */
export const removeBenchNamespace = async (ns: BenchNamespace, config: Config): Promise<string[]> => {
  const problems: string[] = [];
  const kafka = createKafka(config.KAFKA_BROKERS, `${ns.id}-cleanup`, undefined, { retry: { retries: 2 } });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(ns.topicPrefix));
    if (topics.length) await admin.deleteTopics({ topics });
    // Consumer groups carry the topic prefix (src/runtime/workers.ts, groupId).
    const groups = (await admin.listGroups()).groups
      .map((group) => group.groupId)
      .filter((group) => group.startsWith(ns.topicPrefix));
    if (groups.length) await deleteGroups(admin, groups);
  } catch (error) {
    problems.push(describe('Kafka topics/groups not deleted', error));
  } finally {
    await admin.disconnect().catch(() => undefined);
  }

  const redis = createRedis(config.REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${ns.redisKeyPrefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch (error) {
    problems.push(describe('Redis keys not deleted', error));
  } finally {
    redis.disconnect();
  }

  const s3 = createS3(config.S3_ENDPOINT, config.S3_ACCESS_KEY, config.S3_SECRET_KEY, config.S3_REGION);
  for (const bucket of [ns.mediaBucket, ns.archiveBucket, ns.inboundMediaBucket]) {
    try {
      if (!(await s3.bucketExists(bucket))) continue;
      const names: string[] = [];
      for await (const item of s3.listObjectsV2(bucket, '', true)) if (item.name) names.push(item.name);
      if (names.length) await s3.removeObjects(bucket, names);
      await s3.removeBucket(bucket);
    } catch (error) {
      problems.push(describe(`bucket ${bucket} not removed`, error));
    }
  }

  try {
    const connection = await connectAmqp(config.AMQP_URL);
    try {
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      await channel.deleteQueue(ns.queue); // no error when it was never declared
      await channel.close();
    } finally {
      await connection.close();
    }
  } catch (error) {
    problems.push(describe(`queue ${ns.queue} not deleted`, error));
  }
  return problems;
};
