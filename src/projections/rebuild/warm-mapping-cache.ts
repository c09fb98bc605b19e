import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { conversationKey, MAPPING_TTL_SECONDS, waIdKey } from '../mapping-cache';

interface MappingRow {
  tenant_id: string;
  conversation_id: string;
  wa_id: string;
  contact_name: string | null;
  phone_number_id: string | null;
}

const COLUMNS = 'tenant_id, conversation_id, wa_id, contact_name, phone_number_id';

/**
 * After conversation_mappings is rebuilt, both Redis directions are written again from the new table. A cache
 * miss would refill them too, but an entry written from a broken table would otherwise be served for up to its
 * TTL; overwriting every key closes that window at once. Values are exactly what the live projection writes
 * through (mapping-cache.ts); the customer direction names the conversation the resolver's cache-aside fill would
 * pick (the latest activity). Keyset pages, one Redis pipeline per page. Returns the keys written.
 */
export const warmMappingCache = async (pool: Pool, redis: Redis, pageSize = 5000): Promise<number> => {
  let written = 0;
  let afterConversation = ['', ''];
  for (;;) {
    const { rows } = await pool.query<MappingRow>(
      `SELECT ${COLUMNS} FROM conversation_mappings
        WHERE (tenant_id, conversation_id) > ($1, $2) ORDER BY tenant_id, conversation_id LIMIT $3`,
      [...afterConversation, pageSize],
    );
    if (rows.length === 0) break;
    const pipeline = redis.pipeline();
    for (const row of rows) {
      pipeline.set(
        conversationKey(row.tenant_id, row.conversation_id),
        JSON.stringify({
          waId: row.wa_id,
          tenantId: row.tenant_id,
          contactName: row.contact_name,
          phoneNumberId: row.phone_number_id,
        }),
        'EX',
        MAPPING_TTL_SECONDS,
      );
    }
    await pipeline.exec();
    written += rows.length;
    const last = rows[rows.length - 1]!;
    afterConversation = [last.tenant_id, last.conversation_id];
  }
  let afterCustomer = ['', ''];
  for (;;) {
    const { rows } = await pool.query<MappingRow>(
      `SELECT DISTINCT ON (tenant_id, wa_id) ${COLUMNS} FROM conversation_mappings
        WHERE (tenant_id, wa_id) > ($1, $2) ORDER BY tenant_id, wa_id, last_activity_at DESC LIMIT $3`,
      [...afterCustomer, pageSize],
    );
    if (rows.length === 0) return written;
    const pipeline = redis.pipeline();
    for (const row of rows) {
      pipeline.set(
        waIdKey(row.tenant_id, row.wa_id),
        JSON.stringify({ conversationId: row.conversation_id, tenantId: row.tenant_id }),
        'EX',
        MAPPING_TTL_SECONDS,
      );
    }
    await pipeline.exec();
    written += rows.length;
    const last = rows[rows.length - 1]!;
    afterCustomer = [last.tenant_id, last.wa_id];
  }
};
