/**
 * SQL of the status processor over meta_message_index and parked_meta_statuses (migrations/004_meta_statuses.sql).
 * Parking and reading parked statuses go through the migration's functions, which take the per-wamid lock.
 */
import type { Pool, PoolClient } from 'pg';
import { z } from 'zod';
import { metaStatusRecordSchema, type MetaStatusRecord } from '../../events/schemas/meta-webhook-received';
import type { OutboundMessageRef } from '../../commands/outbound-message/handler';

type Queryable = Pool | PoolClient;

/** A parked status and what is needed to apply it later with the same correlation as the webhook that carried it. */
export interface ParkedStatus {
  record: MetaStatusRecord;
  /** Id of the MetaWebhookReceived event the status came in. */
  causationId: string;
  correlationId: string;
}

/** What is stored in parked_meta_statuses.payload; wamid, status and timestamp are read by the SQL functions. */
const parkedPayloadSchema = z.object({
  wamid: z.string(),
  status: z.string(),
  timestamp: z.string(),
  record: metaStatusRecordSchema,
  causationId: z.string(),
  correlationId: z.string(),
});

const toPayload = ({ record, causationId, correlationId }: ParkedStatus) => ({
  wamid: record.wamid,
  status: record.status,
  timestamp: record.timestamp,
  record,
  causationId,
  correlationId,
});

const fromPayload = (payload: unknown): ParkedStatus => {
  const { record, causationId, correlationId } = parkedPayloadSchema.parse(payload);
  return { record, causationId, correlationId };
};

export interface IndexedMessage extends OutboundMessageRef {
  wamid: string;
}

interface IndexRow {
  wamid: string;
  tenant_id: string;
  genesys_message_id: string;
}

const toIndexed = (row: IndexRow): IndexedMessage => ({
  wamid: row.wamid,
  tenantId: row.tenant_id,
  genesysMessageId: row.genesys_message_id,
});

/** The outbound messages of the given wamids, for those a MessageSent has named. */
export const findIndexedMessages = async (
  db: Queryable,
  wamids: readonly string[],
): Promise<IndexedMessage[]> => {
  if (wamids.length === 0) return [];
  const { rows } = await db.query<IndexRow>(
    'SELECT wamid, tenant_id, genesys_message_id FROM meta_message_index WHERE wamid = ANY($1::text[])',
    [wamids],
  );
  return rows.map(toIndexed);
};

/**
 * Parks the statuses whose wamid is still unknown, under the wamids' locks, and answers the messages of those that
 * are known by now (their MessageSent committed since the caller looked): the caller applies those itself.
 */
export const parkStatuses = async (
  db: Queryable,
  statuses: readonly ParkedStatus[],
): Promise<IndexedMessage[]> => {
  if (statuses.length === 0) return [];
  const { rows } = await db.query<IndexRow>(
    'SELECT wamid, tenant_id, genesys_message_id FROM park_meta_statuses($1::jsonb)',
    [JSON.stringify(statuses.map(toPayload))],
  );
  return rows.map(toIndexed);
};

export interface ParkedRow {
  id: string;
  parked: ParkedStatus;
}

/** The statuses parked for one wamid, read under its lock (see parked_meta_statuses_for). */
export const parkedStatusesFor = async (db: Queryable, wamid: string): Promise<ParkedRow[]> => {
  const { rows } = await db.query<{ id: string; payload: unknown }>(
    'SELECT id, payload FROM parked_meta_statuses_for($1)',
    [wamid],
  );
  return rows.map((row) => ({ id: row.id, parked: fromPayload(row.payload) }));
};

export const deleteParkedStatuses = async (db: Queryable, ids: readonly string[]): Promise<void> => {
  if (ids.length === 0) return;
  await db.query('DELETE FROM parked_meta_statuses WHERE id = ANY($1::bigint[])', [ids]);
};

export interface SweepRow extends ParkedRow {
  message: IndexedMessage;
}

/** Parked statuses whose wamid has become known: what the MessageSent path should have applied already. */
export const parkedStatusesNowIndexed = async (db: Queryable, limit: number): Promise<SweepRow[]> => {
  const { rows } = await db.query<IndexRow & { id: string; payload: unknown }>(
    `SELECT p.id, p.payload, i.wamid, i.tenant_id, i.genesys_message_id
       FROM parked_meta_statuses p JOIN meta_message_index i ON i.wamid = p.wamid
      ORDER BY p.id
      LIMIT $1`,
    [limit],
  );
  return rows.map((row) => ({ id: row.id, parked: fromPayload(row.payload), message: toIndexed(row) }));
};

/**
 * Removes statuses parked longer than `olderThanMs` whose wamid is still unknown, oldest first, at most `limit`:
 * statuses of messages this bridge never sent (another tool on the same phone number) would otherwise pile up for
 * ever. Returns the wamids removed.
 */
export const expireParkedStatuses = async (
  db: Queryable,
  olderThanMs: number,
  limit: number,
): Promise<string[]> => {
  const { rows } = await db.query<{ wamid: string }>(
    `DELETE FROM parked_meta_statuses
      WHERE id IN (SELECT p.id FROM parked_meta_statuses p
                    WHERE p.parked_at < now() - $1 * interval '1 millisecond'
                      AND NOT EXISTS (SELECT 1 FROM meta_message_index i WHERE i.wamid = p.wamid)
                    ORDER BY p.parked_at LIMIT $2)
      RETURNING wamid`,
    [olderThanMs, limit],
  );
  return rows.map((row) => row.wamid);
};
