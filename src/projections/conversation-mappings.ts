import type { PoolClient } from 'pg';
import type { DecodedEvent } from '../events/decode';
import type { ConversationEvent } from '../events/schemas/conversation-events';
import type { OutboundEvent } from '../events/schemas/outbound-events';

/**
 * `conversation_mappings`: conversationId ↔ wa_id per tenant, from ConversationLinked; `last_activity_at` moves
 * with every MappingResolved (an outbound message to that conversation). Times come from the events, never from
 * the clock, so a rebuild gives the same table.
 */
export const applyConversationLinked = async (
  event: DecodedEvent<Extract<ConversationEvent, { type: 'ConversationLinked' }>>,
  tx: PoolClient,
  table = 'conversation_mappings',
): Promise<void> => {
  const { data, envelope } = event;
  await tx.query(
    `INSERT INTO ${table} AS m (tenant_id, conversation_id, wa_id, contact_name, phone_number_id, display_phone_number,
                             created_at, last_activity_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
     ON CONFLICT (tenant_id, conversation_id) DO UPDATE
       SET wa_id = EXCLUDED.wa_id, contact_name = EXCLUDED.contact_name, phone_number_id = EXCLUDED.phone_number_id,
           display_phone_number = EXCLUDED.display_phone_number,
           last_activity_at = GREATEST(m.last_activity_at, EXCLUDED.last_activity_at)`,
    [
      envelope.tenantId,
      data.conversationId,
      data.waId,
      data.contactName ?? null,
      data.phoneNumberId ?? null,
      data.displayPhoneNumber ?? null,
      envelope.occurredAt,
    ],
  );
};

export const applyMappingResolved = async (
  event: DecodedEvent<Extract<OutboundEvent, { type: 'MappingResolved' }>>,
  tx: PoolClient,
  table = 'conversation_mappings',
): Promise<void> => {
  const { envelope } = event;
  if (!envelope.conversationId) return;
  await tx.query(
    `UPDATE ${table} SET last_activity_at = GREATEST(last_activity_at, $3)
     WHERE tenant_id = $1 AND conversation_id = $2`,
    [envelope.tenantId, envelope.conversationId, envelope.occurredAt],
  );
};
