import type { PoolClient } from 'pg';
import type { DecodedEvent } from '../events/decode';
import type { OutboundEvent } from '../events/schemas/outbound-events';

type Outbound<T extends OutboundEvent['type']> = DecodedEvent<Extract<OutboundEvent, { type: T }>>;

/** The Genesys message id is the stream id's tail: `outbound-{tenantId}-{genesysMessageId}`. */
export const genesysMessageIdOf = (envelope: { streamId: string; tenantId: string }): string =>
  envelope.streamId.slice(`outbound-${envelope.tenantId}-`.length);

/**
 * `message_tracking`: one row per WhatsApp message (wamid) with its status timeline. Status order is enforced by
 * the decider before the events exist; here a status only ever fills its own timestamp and raises the status
 * (never lowers it), so replaying events in any order of arrival gives the same row.
 */
export const applyMessageSent = async (
  event: Outbound<'MessageSent'>,
  tx: PoolClient,
  table = 'message_tracking',
) => {
  const { data, envelope } = event;
  const media = await tx.query<{ data: { mediaKind: string; url: string } }>(
    `SELECT data FROM events WHERE stream_id = $1 AND type = 'MediaStored' ORDER BY stream_position DESC LIMIT 1`,
    [envelope.streamId],
  );
  await tx.query(
    `INSERT INTO ${table} (meta_message_id, genesys_message_id, tenant_id, conversation_id, part_index, direction,
                           status, media_type, media_url, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, 'outbound', 'accepted', $6, $7, $8, $8)
     ON CONFLICT (meta_message_id) DO NOTHING`,
    [
      data.wamid,
      genesysMessageIdOf(envelope),
      envelope.tenantId,
      envelope.conversationId,
      data.partIndex,
      media.rows[0]?.data.mediaKind ?? null,
      media.rows[0]?.data.url ?? null,
      envelope.occurredAt,
    ],
  );
};

const RANK_SQL = `CASE status WHEN 'accepted' THEN 0 WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3
                  WHEN 'failed' THEN 4 END`;

const applyStatus = async (
  tx: PoolClient,
  table: string,
  wamid: string,
  status: 'sent' | 'delivered' | 'read',
  at: string,
  recordedAt: string,
): Promise<void> => {
  const rank = { sent: 1, delivered: 2, read: 3 }[status];
  await tx.query(
    `UPDATE ${table}
     SET ${status}_at = COALESCE(${status}_at, $2),
         status = CASE WHEN status <> 'failed' AND ${RANK_SQL} < $3 THEN $4 ELSE status END,
         updated_at = GREATEST(updated_at, $5)
     WHERE meta_message_id = $1`,
    [wamid, at, rank, status, recordedAt],
  );
};

export const applyStatusSent = (event: Outbound<'StatusSent'>, tx: PoolClient, table = 'message_tracking') =>
  applyStatus(tx, table, event.data.wamid, 'sent', event.data.sentAt, event.envelope.occurredAt);

export const applyDelivered = (event: Outbound<'Delivered'>, tx: PoolClient, table = 'message_tracking') =>
  applyStatus(tx, table, event.data.wamid, 'delivered', event.data.deliveredAt, event.envelope.occurredAt);

export const applyRead = (event: Outbound<'Read'>, tx: PoolClient, table = 'message_tracking') =>
  applyStatus(tx, table, event.data.wamid, 'read', event.data.readAt, event.envelope.occurredAt);

/** Only a delivery failure names a wamid; failures before Meta accepted anything have no row to update. */
export const applyMessageFailed = async (
  event: Outbound<'MessageFailed'>,
  tx: PoolClient,
  table = 'message_tracking',
) => {
  const { data, envelope } = event;
  if (!data.wamid) return;
  await tx.query(
    `UPDATE ${table}
     SET status = 'failed', failed_at = COALESCE(failed_at, $2), error_code = $3, error_title = $4,
         updated_at = GREATEST(updated_at, $2)
     WHERE meta_message_id = $1`,
    [
      data.wamid,
      envelope.occurredAt,
      data.metaErrorCode?.toString() ?? data.reason,
      data.metaErrorTitle ?? data.message,
    ],
  );
};
