import type { Redis } from 'ioredis';
import type { Client as S3 } from 'minio';
import { decodeEvent, type DecodedEvent } from '../events/decode';
import {
  CONVERSATIONS_TOPIC,
  INBOUND_MESSAGES_TOPIC,
  OUTBOUND_MESSAGES_TOPIC,
} from '../events/relay/topic-routing';
import type { Logger } from '../infra/logger';
import { writeMappingToCache } from './mapping-cache';
import { conversationMappingsTarget, liveHandlers, messageTrackingTarget } from './rebuild/table-targets';
import { defineProjection } from './runtime/define-projection';
import { archiveWebhook } from './webhook-archive';

/**
 * conversation_mappings and its two Redis directions. Redis is written through inside the handler: should the
 * transaction then fail, the event is applied again and writes the same value; a lost cache write only costs a
 * cache miss later.
 */
export const conversationMappingsProjection = (redis: Redis, logger: Logger) => {
  const table = liveHandlers(conversationMappingsTarget);
  return defineProjection<DecodedEvent>({
    name: conversationMappingsTarget.name,
    topics: [CONVERSATIONS_TOPIC, OUTBOUND_MESSAGES_TOPIC, INBOUND_MESSAGES_TOPIC],
    decode: decodeEvent,
    handlers: {
      ...table,
      ConversationLinked: async (event, tx) => {
        await table.ConversationLinked!(event, tx);
        await writeMappingToCache(redis, { tenantId: event.envelope.tenantId, ...event.data }).catch(
          (error: Error) => logger.debug({ err: error.message }, 'mapping cache write skipped'),
        );
      },
    },
  });
};

/** message_tracking: a row per wamid and its status timeline. Live, each event is a batch of one. */
export const messageTrackingProjection = () =>
  defineProjection<DecodedEvent>({
    name: messageTrackingTarget.name,
    topics: [OUTBOUND_MESSAGES_TOPIC],
    decode: decodeEvent,
    handlers: liveHandlers(messageTrackingTarget),
  });

/** The raw webhook archive in object storage; the PostgreSQL transaction only records the stream position. */
export const webhookArchiveProjection = (s3: S3, bucket: string) =>
  defineProjection<DecodedEvent>({
    name: 'webhook-archive',
    topics: [OUTBOUND_MESSAGES_TOPIC],
    decode: decodeEvent,
    handlers: {
      WebhookReceived: (event) => archiveWebhook(s3, bucket, event),
    },
  });
