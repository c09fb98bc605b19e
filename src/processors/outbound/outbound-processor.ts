import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Logger } from '../../infra/logger';
import { KeyedConsumer } from '../runtime/keyed-consumer';
import type { OutboundDriver } from './outbound-driver';
import type { TypingRelay } from './typing-relay';

export interface OutboundProcessorOptions {
  kafka: Kafka;
  pool: Pool;
  logger: Logger;
  driver: OutboundDriver;
  /** Genesys Typing events → Meta's typing indicator; absent: Event messages are only recorded. */
  typing?: Pick<TypingRelay, 'relay'>;
  /** `{prefix}bridge.outbound-messages.v1` */
  topic: string;
  groupId: string;
  maxInFlight?: number;
  retryDelayMs?: (attempt: number) => number;
  onDeadLetter?: (source: string) => void;
}

/**
 * The outbound process manager: for every WebhookReceived on the outbound topic, drive the message to Meta.
 * Messages of one conversation run in order (the Kafka key is the conversation); conversations run side by side.
 */
export const createOutboundProcessor = (options: OutboundProcessorOptions): KeyedConsumer =>
  new KeyedConsumer({
    name: 'processor.outbound',
    kafka: options.kafka,
    groupId: options.groupId,
    topics: [options.topic],
    pool: options.pool,
    logger: options.logger.child({ component: 'processor.outbound' }),
    eventTypes: new Set(['WebhookReceived']),
    handle: async (event, runtime) => {
      // Event messages (typing, presence) carry nothing to send; a typing one may show the customer an indicator.
      if (options.typing && event.data.messageType === 'Event') await options.typing.relay(event);
      else await options.driver.drive(event, runtime.wait, runtime.retryDelay);
    },
    // A permanent failure ends the message with MessageFailed (and so a Failed receipt), never silently.
    onPermanentFailure: (event, error) => options.driver.endAfterFailure(event, error),
    ...(options.maxInFlight !== undefined ? { maxInFlight: options.maxInFlight } : {}),
    ...(options.retryDelayMs ? { retryDelayMs: options.retryDelayMs } : {}),
    ...(options.onDeadLetter ? { onDeadLetter: options.onDeadLetter } : {}),
  });
