import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { createTestDatabase } from '../../../../test/support/database';
import { createKafka } from '../../../infra/kafka';
import { createLogger, type Logger } from '../../../infra/logger';
import { createPool } from '../../../infra/postgres';
import { PostgresEventStore } from '../../store/postgres-event-store';
import { relayTopics, topicRouter, type TopicSpec } from '../topic-routing';

/**
 * What a relay or projection integration test file needs: its own database, its own topic prefix (files run in
 * parallel on one broker), and a cleanup that drops both.
 */
export interface KafkaTestEnv {
  databaseUrl: string;
  brokers: string[];
  pool: Pool;
  store: PostgresEventStore;
  kafka: Kafka;
  logger: Logger;
  topicPrefix: string;
  topics: TopicSpec[];
  topicFor: ReturnType<typeof topicRouter>;
  cleanup: () => Promise<void>;
}

export const createKafkaTestEnv = async (label: string, partitions = 6): Promise<KafkaTestEnv> => {
  const database = await createTestDatabase(label);
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const topicPrefix = `t-${label
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .slice(0, 12)}-${randomBytes(4).toString('hex')}.`;
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const kafka = createKafka(brokers, `test-${topicPrefix}`, logger);
  const pool = createPool(database.url, { max: 12 });
  const topics = relayTopics(topicPrefix, partitions);
  return {
    databaseUrl: database.url,
    brokers,
    pool,
    store: new PostgresEventStore(pool),
    kafka,
    logger,
    topicPrefix,
    topics,
    topicFor: topicRouter(topicPrefix),
    cleanup: async () => {
      await pool.end();
      const admin = kafka.admin();
      await admin.connect();
      try {
        const existing = (await admin.listTopics()).filter((topic) => topic.startsWith(topicPrefix));
        if (existing.length > 0) await admin.deleteTopics({ topics: existing });
      } finally {
        await admin.disconnect();
      }
      await database.drop();
    },
  };
};
