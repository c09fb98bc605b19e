import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The bridge's Prometheus metrics, one registry per process (tests build their own). Names follow Prometheus'
 * conventions: `_total` counters, `_seconds` durations, labels with small bounded value sets.
 */
export const createMetrics = (options: { defaultMetrics?: boolean } = {}) => {
  const registry = new Registry();
  if (options.defaultMetrics ?? true)
    collectDefaultMetrics({ register: registry, prefix: 'bridge_process_' });

  return {
    registry,
    webhookAck: new Histogram({
      name: 'bridge_webhook_ack_seconds',
      help: 'Time from request to answer of a webhook, by source and status class',
      labelNames: ['source', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    eventsAppended: new Counter({
      name: 'bridge_events_appended_total',
      help: 'Events appended to the event store, by type',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    relayLag: new Gauge({
      name: 'bridge_relay_lag_events',
      help: 'Committed events the relay has not yet published to Kafka',
      registers: [registry],
    }),
    relayUnpublishable: new Gauge({
      name: 'bridge_relay_unpublishable_events',
      help: 'Events the broker refuses (larger than their topic allows); the relay holds at them and retries',
      registers: [registry],
    }),
    relayTopicsTooSmall: new Gauge({
      name: 'bridge_relay_topics_too_small',
      help: 'Relay topics whose max.message.bytes is below the largest possible event and could not be raised',
      registers: [registry],
    }),
    relayWaits: new Counter({
      name: 'bridge_relay_waits_total',
      help: 'Pauses of the relay with nothing visible to publish, by reason (busy, hidden, idle) and end (notified, timer)',
      labelNames: ['reason', 'ended'] as const,
      registers: [registry],
    }),
    consumerLag: new Gauge({
      name: 'bridge_consumer_lag_messages',
      help: 'Kafka messages not yet committed by a consumer group (projection, processor or bridge)',
      labelNames: ['consumer'] as const,
      registers: [registry],
    }),
    cacheRequests: new Counter({
      name: 'bridge_cache_requests_total',
      help: 'Cache lookups by cache and outcome (hit, miss, error); hit ratio = hit / (hit + miss + error)',
      labelNames: ['cache', 'outcome'] as const,
      registers: [registry],
    }),
    metaSends: new Counter({
      name: 'bridge_meta_send_outcomes_total',
      help: 'Answers to sends to Meta by outcome (sent, retry, failed, unknown) and Meta error code',
      labelNames: ['outcome', 'code'] as const,
      registers: [registry],
    }),
    genesysReceipts: new Counter({
      name: 'bridge_genesys_receipts_total',
      help: 'Receipt decisions for Genesys by outcome (posted, not-due, no-credentials, refused)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'bridge_dead_letters_total',
      help: 'Messages a consumer parked in dead_letters, by consumer',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    metaInvalidStatuses: new Counter({
      name: 'bridge_meta_invalid_statuses_total',
      help: 'Malformed statuses left out of accepted Meta webhooks (reported in MetaWebhookReceived.invalidStatuses)',
      registers: [registry],
    }),
    parkedStatuses: new Gauge({
      name: 'bridge_parked_statuses',
      help: 'Meta statuses waiting for the MessageSent of their wamid (parked_meta_statuses), read at scrape time',
      registers: [registry],
    }),
    openDeadLetters: new Gauge({
      name: 'bridge_dead_letters_open',
      help: 'Dead letters not yet retried successfully (bridge dead-letters list), by consumer; read at scrape time',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    parkedStatusesExpired: new Counter({
      name: 'bridge_parked_statuses_expired_total',
      help: 'Meta statuses dropped after waiting PARKED_STATUS_RETENTION_HOURS for a message this bridge sent',
      registers: [registry],
    }),
  };
};

export type Metrics = ReturnType<typeof createMetrics>;
