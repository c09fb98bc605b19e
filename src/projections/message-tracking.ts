import type { PoolClient } from 'pg';
import type { DecodedEvent } from '../events/decode';
import type { OutboundEvent } from '../events/schemas/outbound-events';
import { genesysMessageIdOfStream } from '../events/schemas/stream-ids';
import { OUTBOUND_MESSAGES_TOPIC } from '../events/relay/topic-routing';
import { TRACKED_META_STATUSES as STATUS_PROGRESS } from '../events/schemas/meta-webhook-received';
import type { TableProjection } from './projection-definition';
import { assertOneEventPerRow } from './runtime/one-event-per-row';

type Outbound<T extends OutboundEvent['type']> = DecodedEvent<Extract<OutboundEvent, { type: T }>>;

/*
 * `message_tracking`: one row per WhatsApp message (wamid) with its status timeline. Status order is enforced by
 * the decider before the events exist; here a status only ever fills its own timestamp and raises the status
 * (never lowers it), so replaying events in any order of arrival gives the same row.
 *
 * Each statement takes a batch of events of one type, at most one per wamid, as arrays (`unnest`): the live
 * runner passes one event, a rebuild a whole page's worth. One SQL text serves both, so a rebuilt table cannot
 * drift from the live one.
 */

/** A row per wamid, with the media the message carried (the stream's last MediaStored, if any). */
export const applyMessagesSent = async (
  events: readonly Outbound<'MessageSent'>[],
  tx: PoolClient,
  table = 'message_tracking',
): Promise<void> => {
  if (events.length === 0) return;
  assertOneEventPerRow(events, (event) => event.data.wamid);
  await tx.query(
    `INSERT INTO ${table} (meta_message_id, genesys_message_id, tenant_id, conversation_id, part_index, direction,
                           status, media_type, media_url, created_at, updated_at)
     SELECT u.wamid, u.genesys_message_id, u.tenant_id, u.conversation_id, u.part_index, 'outbound', 'accepted',
            media.data ->> 'mediaKind', media.data ->> 'url', u.at, u.at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::integer[], $6::timestamptz[], $7::text[])
              AS u (wamid, genesys_message_id, tenant_id, conversation_id, part_index, at, stream_id)
       LEFT JOIN LATERAL (SELECT e.data FROM events e
                           WHERE e.stream_id = u.stream_id AND e.type = 'MediaStored'
                           ORDER BY e.stream_position DESC LIMIT 1) media ON true
     ON CONFLICT (meta_message_id) DO NOTHING`,
    [
      events.map((event) => event.data.wamid),
      events.map((event) => genesysMessageIdOfStream(event.envelope)),
      events.map((event) => event.envelope.tenantId),
      events.map((event) => event.envelope.conversationId),
      events.map((event) => event.data.partIndex),
      events.map((event) => event.envelope.occurredAt),
      events.map((event) => event.envelope.streamId),
    ],
  );
};

/**
 * A row's status as its place in the one status order (status-order.ts); `accepted` (Meta took the request, no
 * status reported yet) comes before all of them.
 */
const rankSql = (column: string) =>
  `CASE ${column} ${STATUS_PROGRESS.map((status, rank) => `WHEN '${status}' THEN ${rank}`).join(' ')} ELSE -1 END`;

interface StatusChange {
  wamid: string;
  at: string;
  recordedAt: string;
}

const applyStatuses = async (
  tx: PoolClient,
  table: string,
  status: 'sent' | 'delivered' | 'read',
  changes: readonly StatusChange[],
): Promise<void> => {
  if (changes.length === 0) return;
  assertOneEventPerRow(changes, (change) => change.wamid);
  const rank = STATUS_PROGRESS.indexOf(status);
  await tx.query(
    `UPDATE ${table} AS t
     SET ${status}_at = COALESCE(t.${status}_at, u.at),
         status = CASE WHEN t.status <> 'failed' AND ${rankSql('t.status')} < $4 THEN $5 ELSE t.status END,
         updated_at = GREATEST(t.updated_at, u.recorded_at)
     FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) AS u (wamid, at, recorded_at)
     WHERE t.meta_message_id = u.wamid`,
    [
      changes.map((change) => change.wamid),
      changes.map((change) => change.at),
      changes.map((change) => change.recordedAt),
      rank,
      status,
    ],
  );
};

type StatusEvent = Outbound<'StatusSent'> | Outbound<'Delivered'> | Outbound<'Read'>;

/** A status event type's batch statement: which timestamp it fills, and where the event keeps the time. */
const statusBatch =
  <E extends StatusEvent>(status: 'sent' | 'delivered' | 'read', timeOf: (event: E) => string) =>
  (events: readonly E[], tx: PoolClient, table = 'message_tracking') =>
    applyStatuses(
      tx,
      table,
      status,
      events.map((event) => ({
        wamid: event.data.wamid,
        at: timeOf(event),
        recordedAt: event.envelope.occurredAt,
      })),
    );

export const applyStatusesSent = statusBatch<Outbound<'StatusSent'>>('sent', (event) => event.data.sentAt);
export const applyDeliveries = statusBatch<Outbound<'Delivered'>>(
  'delivered',
  (event) => event.data.deliveredAt,
);
export const applyReads = statusBatch<Outbound<'Read'>>('read', (event) => event.data.readAt);

/** Only a delivery failure names a wamid; failures before Meta accepted anything have no row to update. */
export const applyMessagesFailed = async (
  events: readonly Outbound<'MessageFailed'>[],
  tx: PoolClient,
  table = 'message_tracking',
): Promise<void> => {
  const failures = events.flatMap(({ data, envelope }) =>
    data.wamid
      ? [
          {
            wamid: data.wamid,
            at: envelope.occurredAt,
            code: data.metaErrorCode?.toString() ?? data.reason,
            title: data.metaErrorTitle ?? data.message,
          },
        ]
      : [],
  );
  if (failures.length === 0) return;
  assertOneEventPerRow(failures, (failure) => failure.wamid);
  await tx.query(
    `UPDATE ${table} AS t
     SET status = 'failed', failed_at = COALESCE(t.failed_at, u.at), error_code = u.code, error_title = u.title,
         updated_at = GREATEST(t.updated_at, u.at)
     FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[]) AS u (wamid, at, code, title)
     WHERE t.meta_message_id = u.wamid`,
    [
      failures.map((failure) => failure.wamid),
      failures.map((failure) => failure.at),
      failures.map((failure) => failure.code),
      failures.map((failure) => failure.title),
    ],
  );
};

export const messageTracking: TableProjection = {
  kind: 'table',
  name: 'message-tracking',
  topics: [OUTBOUND_MESSAGES_TOPIC],
  table: 'message_tracking',
  handlers: {
    MessageSent: { applyMany: applyMessagesSent, rowKey: (event) => event.data.wamid },
    StatusSent: { applyMany: applyStatusesSent, rowKey: (event) => event.data.wamid },
    Delivered: { applyMany: applyDeliveries, rowKey: (event) => event.data.wamid },
    Read: { applyMany: applyReads, rowKey: (event) => event.data.wamid },
    // Without a wamid it touches no row at all: a key of its own keeps it out of every other event's way.
    MessageFailed: {
      applyMany: applyMessagesFailed,
      rowKey: (event) => event.data.wamid ?? event.envelope.streamId,
    },
  },
};
