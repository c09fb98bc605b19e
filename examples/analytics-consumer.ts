/**
 * An analytics consumer of the bridge's topics, as a team outside the bridge would write one: a live delivery
 * funnel per tenant (sent, delivered, read, failed), printed every few seconds.
 *
 *   KAFKA_BROKERS=127.0.0.1:9092 KAFKA_TOPIC_PREFIX= npx tsx examples/analytics-consumer.ts
 *
 * Environment: KAFKA_BROKERS (default 127.0.0.1:9092), KAFKA_TOPIC_PREFIX (default none), ANALYTICS_GROUP_ID
 * (default `{prefix}analytics.delivery-funnel`), ANALYTICS_REFRESH_MS (default 2000). See docs/analytics.md.
 */
import { Kafka, logLevel } from 'kafkajs';
import { DeliveryFunnel } from './analytics/delivery-funnel';
import { startFunnelConsumer } from './analytics/funnel-consumer';
import { renderFunnel } from './analytics/render-funnel';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((broker) => broker.trim());
const topicPrefix = process.env.KAFKA_TOPIC_PREFIX ?? '';
// Its own group: the bridge's processors, projections and AMQP bridge keep their own offsets, never shared.
const groupId = process.env.ANALYTICS_GROUP_ID ?? `${topicPrefix}analytics.delivery-funnel`;
const refreshMs = Number(process.env.ANALYTICS_REFRESH_MS ?? 2000);

const main = async (): Promise<void> => {
  const kafka = new Kafka({ clientId: 'analytics-delivery-funnel', brokers, logLevel: logLevel.NOTHING });
  const funnel = new DeliveryFunnel();
  const consumer = await startFunnelConsumer({
    kafka,
    topicPrefix,
    groupId,
    funnel,
    warn: (message) => console.error(message),
  });

  const print = () => {
    // On a terminal, redraw in place; piped into a file, append one table per refresh.
    if (process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
    const { read, unknownTypes, invalid } = consumer.stats;
    console.log(renderFunnel(funnel.rows(), new Date()));
    console.log(`\n${read} events read, ${unknownTypes} of unknown types, ${invalid} invalid. Ctrl-C stops.`);
  };
  const timer = setInterval(print, refreshMs);
  print();

  const shutdown = () => {
    clearInterval(timer);
    consumer.stop().finally(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
};

main().catch((error: unknown) => {
  const message = (error as Error).message;
  // kafkajs' words for a topic that does not exist (yet): the relay creates it when it first runs.
  const hint = /does not host this topic/.test(message)
    ? ` (is the bridge's relay running, and is KAFKA_TOPIC_PREFIX="${topicPrefix}" right?)`
    : '';
  console.error(`analytics consumer failed: ${message}${hint}`);
  process.exit(1);
});
