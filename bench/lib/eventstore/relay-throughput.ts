import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { ensureTopics } from '../../../src/events/relay/ensure-topics';
import { Relay } from '../../../src/events/relay/relay';
import { relayTopics, topicRouter } from '../../../src/events/relay/topic-routing';
import type { PostgresEventStore } from '../../../src/events/store/postgres-event-store';
import { createKafka } from '../../../src/infra/kafka';
import { createLogger } from '../../../src/infra/logger';

export type RelayOutcome = { ok: true; events: number; perSecond: number } | { ok: false; reason: string };

/**
 * Publishes the last `events` events of the store to fresh topics (6 partitions) with the production relay, from
 * start() until every one is acknowledged by the broker; the topics are deleted afterwards.
 */
export const relayThroughput = async (
  pool: Pool,
  store: PostgresEventStore,
  events: number,
): Promise<RelayOutcome> => {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const logger = createLogger(process.env.BENCH_LOG_LEVEL ?? 'silent');
  const kafka = createKafka(brokers, 'bench-relay', logger, { retry: { retries: 1 } });
  const prefix = `bench-${randomBytes(4).toString('hex')}.`;
  const topics = relayTopics(prefix, 6);
  try {
    await ensureTopics(kafka, topics);
  } catch (error) {
    return { ok: false, reason: `Kafka at ${brokers.join(',')} not usable: ${(error as Error).message}` };
  }
  try {
    // Start the relay `events` events before the end of $all.
    await pool.query(
      `INSERT INTO relay_checkpoints (name, transaction_id, global_position)
       SELECT 'bench', transaction_id, global_position FROM events
       ORDER BY transaction_id DESC, global_position DESC OFFSET $1 LIMIT 1`,
      [events],
    );
    const relay = new Relay({
      pool,
      store,
      kafka,
      logger,
      topicFor: topicRouter(prefix),
      topics,
      batchSize: 5000,
      pollIntervalMs: 100,
      name: 'bench',
    });
    const started = process.hrtime.bigint();
    await relay.start();
    await relay.whenCaughtUp(600_000);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await relay.stop();
    return { ok: true, events: relay.published, perSecond: relay.published / seconds };
  } finally {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: topics.map((topic) => topic.name) }).catch(() => undefined);
    await admin.disconnect();
  }
};
