import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import {
  conversationEntry,
  lastInboundEntry,
  MAPPING_TTL_SECONDS,
  userIdEntries,
  waIdEntries,
  type MappingEntry,
} from '../mapping-cache';

interface MappingRow {
  tenant_id: string;
  conversation_id: string;
  wa_id: string | null;
  customer_user_id: string | null;
  contact_name: string | null;
  phone_number_id: string | null;
  last_inbound_at: Date | null;
}

const COLUMNS =
  'tenant_id, conversation_id, wa_id, customer_user_id, contact_name, phone_number_id, last_inbound_at';

/** One Redis direction: which rows (keyset pages ordered by `key`), and the keys and values each row gives. */
interface Direction {
  /** SELECT … WHERE (tenant_id, <second key column>) > ($1, $2) ORDER BY … LIMIT $3 */
  query: string;
  after: (row: MappingRow) => [string, string];
  entries: (entry: MappingEntry, row: MappingRow) => [key: string, value: string][];
}

const byConversation: Direction = {
  query: `SELECT ${COLUMNS} FROM conversation_mappings
           WHERE (tenant_id, conversation_id) > ($1, $2) ORDER BY tenant_id, conversation_id LIMIT $3`,
  after: (row) => [row.tenant_id, row.conversation_id],
  // The conversation's last inbound time goes with its entry, as the live projection writes it (mapping-cache.ts).
  entries: (entry, row) => [
    conversationEntry(entry),
    ...(row.last_inbound_at ? [lastInboundEntry({ ...entry, at: row.last_inbound_at.toISOString() })] : []),
  ],
};

// The customer directions name the conversation the resolver's cache-aside fill would pick: the latest activity.
const byWaId: Direction = {
  query: `SELECT DISTINCT ON (tenant_id, wa_id) ${COLUMNS} FROM conversation_mappings
           WHERE wa_id IS NOT NULL AND (tenant_id, wa_id) > ($1, $2)
           ORDER BY tenant_id, wa_id, last_activity_at DESC LIMIT $3`,
  after: (row) => [row.tenant_id, row.wa_id!],
  entries: waIdEntries,
};

const byUserId: Direction = {
  query: `SELECT DISTINCT ON (tenant_id, customer_user_id) ${COLUMNS} FROM conversation_mappings
           WHERE customer_user_id IS NOT NULL AND (tenant_id, customer_user_id) > ($1, $2)
           ORDER BY tenant_id, customer_user_id, last_activity_at DESC LIMIT $3`,
  after: (row) => [row.tenant_id, row.customer_user_id!],
  entries: userIdEntries,
};

/**
 * After conversation_mappings is rebuilt, every Redis direction is written again from the new table. A cache
 * miss would refill them too, but an entry written from a broken table would otherwise be served for up to its
 * TTL; overwriting every key closes that window at once. Values are exactly what the live projection writes
 * through: the same entry functions (mapping-cache.ts). Keyset pages, one Redis pipeline per page. Returns the
 * keys written.
 */
export const warmMappingCache = async (pool: Pool, redis: Redis, pageSize = 5000): Promise<number> =>
  (await warmDirection(pool, redis, byConversation, pageSize)) +
  (await warmDirection(pool, redis, byWaId, pageSize)) +
  (await warmDirection(pool, redis, byUserId, pageSize));

const warmDirection = async (pool: Pool, redis: Redis, direction: Direction, pageSize: number) => {
  let written = 0;
  let after = ['', ''];
  for (;;) {
    const { rows } = await pool.query<MappingRow>(direction.query, [...after, pageSize]);
    if (rows.length === 0) return written;
    const pipeline = redis.pipeline();
    for (const row of rows) {
      const entries = direction.entries(
        {
          tenantId: row.tenant_id,
          conversationId: row.conversation_id,
          waId: row.wa_id,
          userId: row.customer_user_id,
          contactName: row.contact_name,
          phoneNumberId: row.phone_number_id,
        },
        row,
      );
      for (const [key, value] of entries) pipeline.set(key, value, 'EX', MAPPING_TTL_SECONDS);
      written += entries.length;
    }
    await pipeline.exec();
    after = direction.after(rows[rows.length - 1]!);
  }
};
