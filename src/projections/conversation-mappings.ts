import type { PoolClient } from 'pg';
import type { DecodedEvent } from '../events/decode';
import type { ConversationEvent } from '../events/schemas/conversation-events';
import type { OutboundEvent } from '../events/schemas/outbound-events';
import { assertOneEventPerRow } from './runtime/one-event-per-row';

type Linked = DecodedEvent<Extract<ConversationEvent, { type: 'ConversationLinked' }>>;
type Resolved = DecodedEvent<Extract<OutboundEvent, { type: 'MappingResolved' }>>;

/*
 * `conversation_mappings`: conversationId ↔ wa_id per tenant, from ConversationLinked; `last_activity_at` moves
 * with every MappingResolved (an outbound message to that conversation). Times come from the events, never from
 * the clock, so a rebuild gives the same table. Batches of one event type, at most one per conversation (see
 * message-tracking.ts): one live event or a rebuild's page go through the same statement.
 */

export const applyConversationsLinked = async (
  events: readonly Linked[],
  tx: PoolClient,
  table = 'conversation_mappings',
): Promise<void> => {
  if (events.length === 0) return;
  assertOneEventPerRow(events, (event) => `${event.envelope.tenantId}/${event.data.conversationId}`);
  await tx.query(
    `INSERT INTO ${table} AS m (tenant_id, conversation_id, wa_id, contact_name, phone_number_id, display_phone_number,
                             created_at, last_activity_at)
     SELECT u.tenant_id, u.conversation_id, u.wa_id, u.contact_name, u.phone_number_id, u.display_phone_number,
            u.at, u.at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
              AS u (tenant_id, conversation_id, wa_id, contact_name, phone_number_id, display_phone_number, at)
     ON CONFLICT (tenant_id, conversation_id) DO UPDATE
       SET wa_id = EXCLUDED.wa_id, contact_name = EXCLUDED.contact_name, phone_number_id = EXCLUDED.phone_number_id,
           display_phone_number = EXCLUDED.display_phone_number,
           last_activity_at = GREATEST(m.last_activity_at, EXCLUDED.last_activity_at)`,
    [
      events.map((event) => event.envelope.tenantId),
      events.map((event) => event.data.conversationId),
      events.map((event) => event.data.waId),
      events.map((event) => event.data.contactName ?? null),
      events.map((event) => event.data.phoneNumberId ?? null),
      events.map((event) => event.data.displayPhoneNumber ?? null),
      events.map((event) => event.envelope.occurredAt),
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
