import type { Pool } from 'pg';
import { benchData } from './payload';

/**
 * Tops the events table up to `total` rows for the read benchmarks, in transactions of `perTransaction` rows. The
 * rows bypass append_to_stream (this measures reading, and appending 200k events one by one would take minutes)
 * but look like appended ones: one stream per event, routed to the outbound topic, 1000 conversations.
 */
export const fillEvents = async (pool: Pool, total: number, perTransaction = 10_000): Promise<number> => {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::integer AS n FROM events');
  let count = rows[0]!.n;
  const data = JSON.stringify(benchData(0));
  while (count < total) {
    const batch = Math.min(perTransaction, total - count);
    await pool.query(
      `INSERT INTO events (stream_id, stream_position, event_id, type, version, tenant_id, conversation_id,
         occurred_at, data)
       SELECT 'outbound-bench-fill-' || ($1::integer + g), 1, gen_random_uuid(), 'WebhookReceived', 1,
              'bench-tenant', 'bench-conv-' || (($1::integer + g) % 1000), now(), $2::jsonb
       FROM generate_series(1, $3::integer) AS g`,
      [count, data, batch],
    );
    count += batch;
  }
  await pool.query('ANALYZE events');
  return count;
};
