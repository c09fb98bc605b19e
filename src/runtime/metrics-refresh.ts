import { Relay } from '../events/relay/relay';
import { relayTopics, topicRouter } from '../events/relay/topic-routing';
import type { Config } from '../infra/config';
import type { Connections } from '../infra/connections';
import type { Logger } from '../infra/logger';
import { consumerLag } from './consumer-lag';
import type { Services } from './services';
import { CONSUMERS, groupId } from './workers';

/**
 * Reads the lag gauges right before a scrape: relay lag from the event store and the relay checkpoint (any process
 * can read it, leader or not), consumer lag per group from Kafka's committed offsets and high watermarks.
 */
export const metricsRefresher = (
  config: Config,
  connections: Connections,
  services: Services,
  logger: Logger,
) => {
  const relay = new Relay({
    pool: connections.pool,
    store: services.store,
    kafka: connections.kafka,
    logger,
    topicFor: topicRouter(config.KAFKA_TOPIC_PREFIX),
    topics: relayTopics(config.KAFKA_TOPIC_PREFIX, config.KAFKA_TOPIC_PARTITIONS),
    batchSize: 1,
    pollIntervalMs: 1000,
  });
  return async () => {
    services.metrics.relayLag.set(await relay.lag());
    const parked = await connections.pool
      .query<{ n: string }>('SELECT count(*) AS n FROM parked_meta_statuses')
      .catch(() => undefined);
    if (parked) services.metrics.parkedStatuses.set(Number(parked.rows[0]!.n));
    // Every consumer's, projections' included: the count lives in PostgreSQL, not in the process that parked it.
    const open = await connections.pool.query<{ source: string; count: number }>(
      'SELECT source, count(*)::int AS count FROM dead_letters WHERE retried_at IS NULL GROUP BY source',
    );
    services.metrics.openDeadLetters.reset();
    for (const { source, count } of open.rows) services.metrics.openDeadLetters.set({ source }, count);
    await Promise.all(
      CONSUMERS.map(async ({ name, topics }) => {
        const lag = await consumerLag(
          connections.kafkaAdmin,
          groupId(config, name),
          topics.map((topic) => `${config.KAFKA_TOPIC_PREFIX}${topic}`),
        ).catch(() => undefined);
        if (lag !== undefined) services.metrics.consumerLag.set({ consumer: name }, lag);
      }),
    );
  };
};
