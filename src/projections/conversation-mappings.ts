import type { PoolClient } from 'pg';
import type { DecodedEvent } from '../events/decode';
import type { ConversationEvent } from '../events/schemas/conversation-events';
import type { CustomerEvent } from '../events/schemas/customer-events';
import type { OutboundEvent } from '../events/schemas/outbound-events';
import {
  CONVERSATIONS_TOPIC,
  INBOUND_MESSAGES_TOPIC,
  OUTBOUND_MESSAGES_TOPIC,
} from '../events/relay/topic-routing';
import { raiseLastInboundInCache, writeMappingsToCache, type LastInbound } from './mapping-cache';
import type { TableProjection } from './projection-definition';
import { warmMappingCache } from './rebuild/warm-mapping-cache';
import { assertOneEventPerRow } from './runtime/one-event-per-row';

type Linked = DecodedEvent<Extract<ConversationEvent, { type: 'ConversationLinked' }>>;
type InboundPosted = DecodedEvent<Extract<CustomerEvent, { type: 'InboundPostedToGenesys' }>>;
type Resolved = DecodedEvent<Extract<OutboundEvent, { type: 'MappingResolved' }>>;

/*
 * `conversation_mappings`: conversationId ↔ customer (wa_id and/or business-scoped user id) per tenant, from
 * ConversationLinked; `last_activity_at` moves with every MappingResolved (an outbound message to that
 * conversation). Times come from the events, never from the clock, so a rebuild gives the same table. Batches of
 * one event type, at most one per conversation (see message-tracking.ts): one live event or a rebuild's page go
 * through the same statement.
 */

export const applyConversationsLinked = async (
  events: readonly Linked[],
  tx: PoolClient,
  table = 'conversation_mappings',
): Promise<void> => {
  if (events.length === 0) return;
  assertOneEventPerRow(events, (event) => `${event.envelope.tenantId}/${event.data.conversationId}`);
  // customer_user_id is also learned from inbound messages (applyInboundPosted), possibly before the link that
  // carries it: a link naming the row's customer by the same wa_id but without a user id keeps the one the row has;
  // a link to another customer replaces it, as the conversation decider does.
  await tx.query(
    `INSERT INTO ${table} AS m (tenant_id, conversation_id, wa_id, customer_user_id, contact_name, phone_number_id,
                             display_phone_number, created_at, last_activity_at)
     SELECT u.tenant_id, u.conversation_id, u.wa_id, u.user_id, u.contact_name, u.phone_number_id,
            u.display_phone_number, u.at, u.at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[],
                   $8::text[])
              AS u (tenant_id, conversation_id, wa_id, contact_name, phone_number_id, display_phone_number, at, user_id)
     ON CONFLICT (tenant_id, conversation_id) DO UPDATE
       SET wa_id = EXCLUDED.wa_id,
           customer_user_id = CASE
             WHEN EXCLUDED.customer_user_id IS NOT NULL THEN EXCLUDED.customer_user_id
             WHEN ltrim(m.wa_id, '+') = ltrim(EXCLUDED.wa_id, '+') THEN m.customer_user_id
           END,
           contact_name = EXCLUDED.contact_name, phone_number_id = EXCLUDED.phone_number_id,
           display_phone_number = EXCLUDED.display_phone_number,
           created_at = LEAST(m.created_at, EXCLUDED.created_at),
           last_activity_at = GREATEST(m.last_activity_at, EXCLUDED.last_activity_at)`,
    [
      events.map((event) => event.envelope.tenantId),
      events.map((event) => event.data.conversationId),
      events.map((event) => event.data.waId ?? null),
      events.map((event) => event.data.contactName ?? null),
      events.map((event) => event.data.phoneNumberId ?? null),
      events.map((event) => event.data.displayPhoneNumber ?? null),
      events.map((event) => event.envelope.occurredAt),
      events.map((event) => event.data.userId ?? null),
    ],
  );
};

export const applyMappingsResolved = async (
  events: readonly Resolved[],
  tx: PoolClient,
  table = 'conversation_mappings',
): Promise<void> => {
  const touched = events.filter((event) => event.envelope.conversationId);
  if (touched.length === 0) return;
  assertOneEventPerRow(touched, (event) => `${event.envelope.tenantId}/${event.envelope.conversationId}`);
  await tx.query(
    `UPDATE ${table} AS m SET last_activity_at = GREATEST(m.last_activity_at, u.at)
       FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS u (tenant_id, conversation_id, at)
      WHERE m.tenant_id = u.tenant_id AND m.conversation_id = u.conversation_id`,
    [
      touched.map((event) => event.envelope.tenantId),
      touched.map((event) => event.envelope.conversationId),
      touched.map((event) => event.envelope.occurredAt),
    ],
  );
};

/**
 * An inbound message reached a conversation: `last_inbound_at` (the start of the customer's 24-hour window) moves to
 * its send time, and the customer's business-scoped id and username are kept. It may be projected before the
 * conversation's ConversationLinked (another topic): it then creates the row with the wa_id (NULL for a customer
 * known only by a business-scoped id) and user id it carries, and the link completes it. These events never touch
 * the link's columns, and a link keeps the user id of the customer it names (applyConversationsLinked), so either
 * order gives the same row.
 */
export const applyInboundPosted = async (
  events: readonly InboundPosted[],
  tx: PoolClient,
  table = 'conversation_mappings',
): Promise<void> => {
  const linked = events.filter((event) => event.data.conversationId);
  if (linked.length === 0) return;
  assertOneEventPerRow(linked, (event) => `${event.envelope.tenantId}/${event.data.conversationId}`);
  await tx.query(
    `INSERT INTO ${table} AS m (tenant_id, conversation_id, wa_id, contact_name, phone_number_id, created_at,
                             last_activity_at, last_inbound_at, customer_user_id, customer_username)
     SELECT u.tenant_id, u.conversation_id, u.wa_id, u.contact_name, u.phone_number_id, u.at, u.at, u.at, u.user_id,
            u.username
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[],
                   $8::text[])
              AS u (tenant_id, conversation_id, wa_id, contact_name, at, user_id, username, phone_number_id)
     ON CONFLICT (tenant_id, conversation_id) DO UPDATE
       SET last_inbound_at = GREATEST(m.last_inbound_at, EXCLUDED.last_inbound_at),
           -- The link and the customer's first message reach the row in either order (two topics live, commit order
           -- in a rebuild): the row was created at the earlier of the two, whichever came first.
           created_at = LEAST(m.created_at, EXCLUDED.created_at),
           last_activity_at = GREATEST(m.last_activity_at, EXCLUDED.last_activity_at),
           customer_user_id = coalesce(EXCLUDED.customer_user_id, m.customer_user_id),
           customer_username = coalesce(EXCLUDED.customer_username, m.customer_username)`,
    [
      linked.map((event) => event.envelope.tenantId),
      linked.map((event) => event.data.conversationId!),
      linked.map((event) => event.data.customer.waId ?? null),
      linked.map((event) => event.data.customer.name ?? null),
      linked.map((event) => event.data.sentAt),
      linked.map((event) => event.data.customer.userId ?? null),
      linked.map((event) => event.data.customer.username ?? null),
      linked.map((event) => event.data.phoneNumberId),
    ],
  );
};

/**
 * conversation_mappings and its Redis directions, with each conversation's last inbound time: the cache is written
 * through after the commit, and the whole of it again after a rebuild (warm-mapping-cache.ts).
 */
export const conversationMappings: TableProjection = {
  kind: 'table',
  name: 'conversation-mappings',
  topics: [CONVERSATIONS_TOPIC, OUTBOUND_MESSAGES_TOPIC, INBOUND_MESSAGES_TOPIC],
  table: 'conversation_mappings',
  handlers: {
    ConversationLinked: {
      applyMany: applyConversationsLinked,
      rowKey: (event) => `${event.envelope.tenantId}/${event.data.conversationId}`,
    },
    MappingResolved: {
      applyMany: applyMappingsResolved,
      rowKey: (event) => `${event.envelope.tenantId}/${event.envelope.conversationId ?? ''}`,
      // last_activity_at = GREATEST(last_activity_at, at): applying both is applying the later time.
      absorb: (earlier, later) =>
        Date.parse(later.envelope.occurredAt) >= Date.parse(earlier.envelope.occurredAt) ? later : earlier,
    },
    InboundPostedToGenesys: {
      applyMany: applyInboundPosted,
      // A message without a conversation touches no row: a key of its own keeps it out of every other's way.
      rowKey: (event) =>
        event.data.conversationId === undefined
          ? event.envelope.streamId
          : `${event.envelope.tenantId}/${event.data.conversationId}`,
    },
  },
  afterCommit:
    ({ redis, logger }) =>
    async (events) => {
      const links = events.flatMap((event) =>
        event.type === 'ConversationLinked' ? [{ tenantId: event.envelope.tenantId, ...event.data }] : [],
      );
      await writeMappingsToCache(redis, links).catch((error: Error) =>
        logger.debug({ err: error.message }, 'mapping cache write skipped'),
      );
      const inbound = events.flatMap((event): LastInbound[] =>
        event.type === 'InboundPostedToGenesys' && event.data.conversationId !== undefined
          ? [
              {
                tenantId: event.envelope.tenantId,
                conversationId: event.data.conversationId,
                at: event.data.sentAt,
              },
            ]
          : [],
      );
      await raiseLastInboundInCache(redis, inbound).catch((error: Error) =>
        logger.debug({ err: error.message }, 'last inbound cache write skipped'),
      );
    },
  afterRebuild: async (pool, { redis }) => ({ cacheKeysWritten: await warmMappingCache(pool, redis) }),
};
