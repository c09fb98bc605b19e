/**
 * A relay in a process of its own, for tests that must kill a leader the way a crash does (SIGKILL: no stop(), no
 * unlock; PostgreSQL notices the closed connection and frees the lock). Configured by the environment:
 * DATABASE_URL, KAFKA_BROKERS, TOPIC_PREFIX, RELAY_BATCH_SIZE, RELAY_MAX_SEND_BYTES.
 */
import { createKafka } from '../../../infra/kafka';
import { createLogger } from '../../../infra/logger';
import { createPool } from '../../../infra/postgres';
import { PostgresEventStore } from '../../store/postgres-event-store';
import { Relay } from '../relay';
import { relayTopics, topicRouter } from '../topic-routing';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`relay-process: ${name} is not set`);
  return value;
};

const main = async () => {
  const prefix = env('TOPIC_PREFIX');
  const pool = createPool(env('DATABASE_URL'), { max: 4 });
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const relay = new Relay({
    pool,
    store: new PostgresEventStore(pool),
    kafka: createKafka(env('KAFKA_BROKERS').split(','), `relay-process-${process.pid}`, logger),
    logger,
    topicFor: topicRouter(prefix),
    topics: relayTopics(prefix, Number(process.env.TOPIC_PARTITIONS ?? 6)),
    batchSize: Number(process.env.RELAY_BATCH_SIZE ?? 500),
    maxSendBytes: Number(process.env.RELAY_MAX_SEND_BYTES ?? 900_000),
    pollIntervalMs: 100,
    acquireIntervalMs: 200,
  });
  await relay.start();
  process.stdout.write('started\n');
};

main().catch((error: unknown) => {
  process.stderr.write(`relay-process failed: ${String(error)}\n`);
  process.exit(1);
});
