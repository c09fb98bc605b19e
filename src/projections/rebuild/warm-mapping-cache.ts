import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { conversationEntry, customerEntry, MAPPING_TTL_SECONDS, type MappingEntry } from '../mapping-cache';

interface MappingRow {
  tenant_id: string;
  conversation_id: string;
  wa_id: string;
  contact_name: string | null;
  phone_number_id: string | null;
}

const COLUMNS = 'tenant_id, conversation_id, wa_id, contact_name, phone_number_id';

/** One Redis direction: which rows (keyset pages ordered by `key`), and the key and value each row gives. */
interface Direction {
  /** SELECT … WHERE (tenant_id, <second key column>) > ($1, $2) ORDER BY … LIMIT $3 */
  query: string;
  after: (row: MappingRow) => [string, string];
  entry: (entry: MappingEntry) => [key: string, value: string];
}

const byConversation: Direction = {
  query: `SELECT ${COLUMNS} FROM conversation_mappings
           WHERE (tenant_id, conversation_id) > ($1, $2) ORDER BY tenant_id, conversation_id LIMIT $3`,
  after: (row) => [row.tenant_id, row.conversation_id],
  entry: conversationEntry,
};

// The customer direction names the conversation the resolver's cache-aside fill would pick: the latest activity.
const byCustomer: Direction = {
  query: `SELECT DISTINCT ON (tenant_id, wa_id) ${COLUMNS} FROM conversation_mappings
           WHERE (tenant_id, wa_id) > ($1, $2) ORDER BY tenant_id, wa_id, last_activity_at DESC LIMIT $3`,
  after: (row) => [row.tenant_id, row.wa_id],
  entry: customerEntry,
};

/**
 * After conversation_mappings is rebuilt, both Redis directions are written again from the new table. A cache
 * miss would refill them too, but an entry written from a broken table would otherwise be served for up to its
 * TTL; overwriting every key closes that window at once. Values are exactly what the live projection writes
 * through: the same entry functions (mapping-cache.ts). Keyset pages, one Redis pipeline per page. Returns the
 * keys written.
 */
export const warmMappingCache = async (pool: Pool, redis: Redis, pageSize = 5000): Promise<number> =>
  (await warmDirection(pool, redis, byConversation, pageSize)) +
  (await warmDirection(pool, redis, byCustomer, pageSize));

const warmDirection = async (pool: Pool, redis: Redis, direction: Direction, pageSize: number) => {
  let written = 0;
  let after = ['', ''];
  for (;;) {
    const { rows } = await pool.query<MappingRow>(direction.query, [...after, pageSize]);
    if (rows.length === 0) return written;
    const pipeline = redis.pipeline();
    for (const row of rows) {
      const [key, value] = direction.entry({
        tenantId: row.tenant_id,
        conversationId: row.conversation_id,
        waId: row.wa_id,
        contactName: row.contact_name,
        phoneNumberId: row.phone_number_id,
      });
      pipeline.set(key, value, 'EX', MAPPING_TTL_SECONDS);
    }
    await pipeline.exec();
    written += rows.length;
    after = direction.after(rows[rows.length - 1]!);
  }
};
