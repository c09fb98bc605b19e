import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { INBOUND_MESSAGES_TOPIC, META_WEBHOOKS_TOPIC } from '../../events/relay/topic-routing';
import type { EventStore, StoredEvent } from '../../events/store/types';
import type { Logger } from '../../infra/logger';
import { KeyedConsumer, type HandlerRuntime } from '../runtime/keyed-consumer';
import {
  InboundRecorder,
  type InboundRecordOutcome,
  type PhoneNumberOwners,
} from '../../commands/customer/inbound-recorder';

export const INBOUND_PROCESSOR_NAME = 'processor.inbound';

/** Posts one recorded inbound message to Genesys (inbound-poster.ts); absent: messages are recorded only. */
export interface InboundMessageHandler {
  handle(event: StoredEvent, runtime: HandlerRuntime): Promise<void>;
}

export interface InboundProcessorOptions {
  kafka: Kafka;
  pool: Pool;
  store: EventStore;
  owners: PhoneNumberOwners;
  logger: Logger;
  /** KAFKA_TOPIC_PREFIX: reads `{prefix}bridge.meta-webhooks.v1` and `{prefix}bridge.inbound-messages.v1`. */
  topicPrefix: string;
  groupId: string;
  poster?: InboundMessageHandler;
  maxInFlight?: number;
  retryDelayMs?: (attempt: number) => number;
  observeRecorded?: (outcome: InboundRecordOutcome, count: number) => void;
  onDeadLetter?: (source: string) => void;
}

/**
 * WhatsApp customers → Genesys. Reads MetaWebhookReceived (each webhook keyed by its own stream) and splits its
 * messages onto customer streams; reads InboundMessageReceived (keyed by the customer stream, so one customer's
 * messages are posted one after the other, in order, while customers run side by side) and posts each to Genesys.
 */
export const createInboundProcessor = (options: InboundProcessorOptions): KeyedConsumer => {
  const logger = options.logger.child({ component: INBOUND_PROCESSOR_NAME });
  const recorder = new InboundRecorder(options.store, options.owners, logger, options.observeRecorded);
  const poster = options.poster;
  return new KeyedConsumer({
    name: INBOUND_PROCESSOR_NAME,
    kafka: options.kafka,
    groupId: options.groupId,
    topics: [
      `${options.topicPrefix}${META_WEBHOOKS_TOPIC}`,
      ...(poster ? [`${options.topicPrefix}${INBOUND_MESSAGES_TOPIC}`] : []),
    ],
    pool: options.pool,
    logger,
    eventTypes: new Set(['MetaWebhookReceived', ...(poster ? ['InboundMessageReceived'] : [])]),
    handle: (event, runtime) =>
      event.type === 'InboundMessageReceived' && poster
        ? poster.handle(event, runtime)
        : recorder.handle(event),
    ...(options.maxInFlight !== undefined ? { maxInFlight: options.maxInFlight } : {}),
    ...(options.retryDelayMs ? { retryDelayMs: options.retryDelayMs } : {}),
    ...(options.onDeadLetter ? { onDeadLetter: options.onDeadLetter } : {}),
  });
};
