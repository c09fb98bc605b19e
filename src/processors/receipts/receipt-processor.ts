import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { OUTBOUND_MESSAGES_TOPIC } from '../../events/relay/topic-routing';
import type { EventStore } from '../../events/store/types';
import type { Logger } from '../../infra/logger';
import type { TenantDirectory } from '../../tenants/tenant-directory';
import type { GenesysTokenCache } from '../outbound/genesys-token-cache';
import { KeyedConsumer } from '../runtime/keyed-consumer';
import { RECEIPT_TRIGGERS } from './receipt-decision';
import {
  RECEIPT_PROCESSOR_NAME,
  ReceiptPoster,
  type ReceiptObserver,
  type ReceiptPosterSettings,
} from './receipt-poster';

export interface ReceiptProcessorOptions extends ReceiptPosterSettings {
  kafka: Kafka;
  pool: Pool;
  store: EventStore;
  directory: Pick<TenantDirectory, 'genesysOAuth'>;
  tokens: Pick<GenesysTokenCache, 'token' | 'forget'>;
  logger: Logger;
  /** KAFKA_TOPIC_PREFIX: reads `{prefix}bridge.outbound-messages.v1`. */
  topicPrefix: string;
  groupId: string;
  maxInFlight?: number;
  /**
   * Tries for an error that is not transient before the event is dead-lettered. Genesys trouble (5xx, 429,
   * timeouts: ReceiptNotPostedYet) is transient and retried for as long as it lasts, in the conversation's lane.
   */
  maxAttempts?: number;
  retryDelayMs?: (attempt: number) => number;
  observe?: ReceiptObserver;
  onDeadLetter?: (source: string) => void;
}

/**
 * Delivery receipts back to Genesys: Delivered (for Delivered and Read) and Failed (MessageFailed, MappingMissing),
 * read from the outbound topic with its own consumer group. A message's events stay in order (the Kafka key is the
 * conversation), so its Delivered receipt is decided before anything that follows it.
 */
export const createReceiptProcessor = (options: ReceiptProcessorOptions): KeyedConsumer => {
  const logger = options.logger.child({ component: RECEIPT_PROCESSOR_NAME });
  const poster = new ReceiptPoster(
    options.store,
    options.pool,
    options.directory,
    options.tokens,
    options,
    logger,
    options.observe,
  );
  return new KeyedConsumer({
    name: RECEIPT_PROCESSOR_NAME,
    kafka: options.kafka,
    groupId: options.groupId,
    topics: [`${options.topicPrefix}${OUTBOUND_MESSAGES_TOPIC}`],
    pool: options.pool,
    logger,
    eventTypes: RECEIPT_TRIGGERS,
    handle: (event, runtime) => poster.handle(event, runtime),
    ...(options.maxInFlight !== undefined ? { maxInFlight: options.maxInFlight } : {}),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.retryDelayMs ? { retryDelayMs: options.retryDelayMs } : {}),
    ...(options.onDeadLetter ? { onDeadLetter: options.onDeadLetter } : {}),
  });
};
