import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { META_WEBHOOKS_TOPIC, OUTBOUND_MESSAGES_TOPIC } from '../../events/relay/topic-routing';
import type { MultiStreamStore } from '../../events/store/multi-stream';
import type { EventStore } from '../../events/store/types';
import type { Logger } from '../../infra/logger';
import { KeyedConsumer } from '../runtime/keyed-consumer';
import { MetaWebhookStatuses } from './meta-webhook-statuses';
import { ParkedStatuses } from './parked-statuses';
import { TenantRepository } from '../../tenants/tenant-repository';
import { CoalescingApplier } from './coalescing-applier';
import { SendReconciler } from './send-reconciler';
import { StatusApplier, type StatusObserver } from './status-applier';

export interface StatusProcessorOptions {
  kafka: Kafka;
  pool: Pool;
  /** Reads and appends the statuses of a webhook for many messages at once. */
  store: EventStore & MultiStreamStore;
  logger: Logger;
  /** KAFKA_TOPIC_PREFIX: reads `{prefix}bridge.meta-webhooks.v1` and `{prefix}bridge.outbound-messages.v1`. */
  topicPrefix: string;
  groupId: string;
  /** How often parked statuses of known wamids are swept up (and expired ones dropped); 0 turns it off. 30 s. */
  sweepIntervalMs?: number;
  /** How long a parked status may wait for its MessageSent before it is dropped. Default 7 days. */
  parkedRetentionMs?: number;
  /** Told how many parked statuses expired (metrics). */
  onParkedExpired?: (count: number) => void;
  maxInFlight?: number;
  observe?: StatusObserver;
  onDeadLetter?: (source: string) => void;
}

export const STATUS_PROCESSOR_NAME = 'processor.statuses';

/** Started and stopped like any worker; `sweep` runs the second line of defence at once (tests, operators). */
export interface StatusProcessor {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when no Kafka message is being handled. */
  whenIdle(): Promise<void>;
  sweep(): Promise<number>;
  /** Drops parked statuses older than the retention whose wamid is still unknown; answers how many. */
  expire(): Promise<number>;
  /** Hands a dead-lettered event to the handler again (`bridge dead-letters retry`). */
  redeliver: KeyedConsumer['redeliver'];
}

/**
 * Meta statuses → outbound messages. Consumes MetaWebhookReceived (applies or parks each status) and MessageSent
 * (applies what was parked for its wamid) with its own consumer group, and sweeps parked statuses periodically.
 * A webhook batch is keyed by its own stream, so batches run side by side; each message's events stay ordered by
 * the store's optimistic concurrency, whichever batch they come from.
 */
export const createStatusProcessor = (options: StatusProcessorOptions): StatusProcessor => {
  const logger = options.logger.child({ component: STATUS_PROCESSOR_NAME });
  const observe = options.observe ?? (() => undefined);
  const tenants = new TenantRepository(options.pool);
  const applier = new CoalescingApplier(new StatusApplier(options.store, logger, tenants, observe));
  const webhooks = new MetaWebhookStatuses(
    options.pool,
    applier,
    logger,
    observe,
    new SendReconciler(options.store, tenants, logger),
  );
  const parked = new ParkedStatuses(options.pool, applier, logger, options.parkedRetentionMs);
  const expire = async () => {
    const expired = await parked.expire();
    if (expired > 0) options.onParkedExpired?.(expired);
    return expired;
  };
  const consumer = new KeyedConsumer({
    name: STATUS_PROCESSOR_NAME,
    kafka: options.kafka,
    groupId: options.groupId,
    topics: [
      `${options.topicPrefix}${META_WEBHOOKS_TOPIC}`,
      `${options.topicPrefix}${OUTBOUND_MESSAGES_TOPIC}`,
    ],
    pool: options.pool,
    logger,
    eventTypes: new Set(['MetaWebhookReceived', 'MessageSent']),
    handle: (event) => (event.type === 'MessageSent' ? parked.onMessageSent(event) : webhooks.handle(event)),
    ...(options.maxInFlight !== undefined ? { maxInFlight: options.maxInFlight } : {}),
    ...(options.onDeadLetter ? { onDeadLetter: options.onDeadLetter } : {}),
  });

  const sweepIntervalMs = options.sweepIntervalMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<unknown> | undefined;
  const sweepInBackground = () => {
    if (sweeping) return; // the previous sweep is still running
    sweeping = parked
      .sweep()
      .then(expire)
      .catch((error: Error) =>
        logger.warn({ err: error.message }, 'sweep of parked statuses failed; next time'),
      )
      .finally(() => {
        sweeping = undefined;
      });
  };

  return {
    name: STATUS_PROCESSOR_NAME,
    start: async () => {
      await consumer.start();
      if (sweepIntervalMs > 0) timer = setInterval(sweepInBackground, sweepIntervalMs);
    },
    stop: async () => {
      clearInterval(timer);
      await sweeping;
      await consumer.stop();
    },
    whenIdle: () => consumer.whenIdle(),
    sweep: () => parked.sweep(),
    expire,
    redeliver: (event) => consumer.redeliver(event),
  };
};
