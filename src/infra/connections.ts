import type { Admin, Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Redis } from 'ioredis';
import type { Client as S3 } from 'minio';
import type { Config } from './config';
import { createKafka, kafkaClientOptions } from './kafka';
import type { Logger } from './logger';
import { createPool, postgresLimitsOf, servicePoolOptions } from './postgres';
import {
  kafkaCheck,
  postgresCheck,
  rabbitmqCheck,
  redisCheck,
  s3Check,
  type DependencyCheck,
} from './readiness';
import { createRedis, redisLimitsOf } from './redis';
import { createS3 } from './s3';

/** The long-lived clients of one process. Each opens lazily or reconnects on its own; `close` ends them all. */
export interface Connections {
  /** Everything but the webhook routes (PG_POOL_MAX). */
  pool: Pool;
  /**
   * The webhook routes' own connections (PG_WEBHOOK_POOL_MAX): a burst of the relay, projections or processors
   * waits for the main pool and never for these. Opened lazily, so a process without the API opens none.
   */
  webhookPool: Pool;
  redis: Redis;
  kafka: Kafka;
  kafkaAdmin: Admin;
  s3: S3;
  checks: DependencyCheck[];
  close: () => Promise<void>;
}

export const openConnections = async (config: Config, logger: Logger): Promise<Connections> => {
  const limits = postgresLimitsOf(config);
  const pool = createPool(config.DATABASE_URL, servicePoolOptions(limits, config.PG_POOL_MAX));
  const webhookPool = createPool(config.DATABASE_URL, servicePoolOptions(limits, config.PG_WEBHOOK_POOL_MAX));
  const redis = createRedis(
    config.REDIS_URL,
    config.REDIS_KEY_PREFIX,
    redisLimitsOf(config),
    logger.child({ component: 'redis' }),
  );
  const kafka = createKafka(
    config.KAFKA_BROKERS,
    config.KAFKA_CLIENT_ID,
    logger.child({ component: 'kafka' }),
    kafkaClientOptions(config),
  );
  const kafkaAdmin = kafka.admin();
  // Not awaited: a broker that is down must not hold up the API's start (kafkajs retries for tens of seconds);
  // readiness reports it, and the admin connects again at its first use.
  const adminConnecting = kafkaAdmin
    .connect()
    .catch((error: Error) => logger.warn({ err: error.message }, 'Kafka not reachable yet'));
  // A reachable broker answers in milliseconds: wait for it, since kafkajs leaks a socket when the admin is used
  // (or disconnected) while its first connect is still in flight. An unreachable one holds the start 2 s at most.
  await Promise.race([adminConnecting, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  const s3 = createS3(config.S3_ENDPOINT, config.S3_ACCESS_KEY, config.S3_SECRET_KEY, config.S3_REGION, {
    requestTimeoutMs: config.S3_REQUEST_TIMEOUT_MS,
  });
  const rabbitmq = rabbitmqCheck(config.AMQP_URL);
  return {
    pool,
    webhookPool,
    redis,
    kafka,
    kafkaAdmin,
    s3,
    checks: [
      // Readiness says whether webhooks can be accepted: through their own pool, busy workers or not.
      postgresCheck(webhookPool),
      redisCheck(redis),
      kafkaCheck(kafkaAdmin),
      rabbitmq,
      s3Check(s3, config.S3_MEDIA_BUCKET),
    ],
    close: async () => {
      await Promise.allSettled([
        kafkaAdmin.disconnect(),
        rabbitmq.close(),
        pool.end(),
        webhookPool.end(),
        redis.quit(),
      ]);
    },
  };
};
