/**
 * Projection rebuild benchmark: a fresh database filled with N events that message-tracking handles (MessageSent,
 * Delivered, Read over N/3 message streams), then `rebuildTable(message-tracking)` timed end to end (shadow, replay,
 * catch-up, swap, drop), beside a raw keyset read of the same events in commit order in the same run: the
 * rebuild's rate is only meaningful against what this machine can read at all.
 *
 *   npm run bench -- rebuild [--events 1000000] [--page 10000]
 */
import type { Pool } from 'pg';
import { findEventDefinition } from '../src/events/registry';
import { rebuildTable } from '../src/projections/rebuild/rebuild-table';
import { messageTracking } from '../src/projections/message-tracking';
import { intOption, progress } from './lib/args';
import { defineBench } from './lib/bench';
import { createFreshDatabase } from './lib/fresh-database';

const versionOf = (type: string) => findEventDefinition(type)?.version ?? 1;

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * One INSERT … SELECT generate_series: the bench measures the rebuild, not the fill. The wamid index trigger is
 * switched off for the fill (this database is the bench's own); the rebuild does not read that index.
 */
const fill = async (pool: Pool, messages: number): Promise<number> => {
  await pool.query('ALTER TABLE events DISABLE TRIGGER events_index_meta_message');
  const { rowCount } = await pool.query(
    `INSERT INTO events (stream_id, stream_position, event_id, type, version, tenant_id, conversation_id,
                         occurred_at, data)
     SELECT 'outbound-bench-' || m, k, gen_random_uuid(), (ARRAY['MessageSent', 'Delivered', 'Read'])[k],
            (ARRAY[$2::integer, $3::integer, $4::integer])[k], 'bench', 'conversation-' || (m % 10000), at,
            CASE k
              WHEN 1 THEN jsonb_build_object('wamid', 'wamid.bench' || m, 'partIndex', 0, 'partCount', 1,
                                             'waId', '919876543210', 'attempt', 1)
              WHEN 2 THEN jsonb_build_object('wamid', 'wamid.bench' || m, 'isInferredFromRead', false,
                                             'deliveredAt', to_char(at AT TIME ZONE 'UTC', ${ISO}))
              ELSE jsonb_build_object('wamid', 'wamid.bench' || m, 'readAt', to_char(at AT TIME ZONE 'UTC', ${ISO}))
            END
       FROM generate_series(1, $1::integer) AS m, generate_series(1, 3) AS k,
            LATERAL (SELECT timestamptz '2026-01-01' + m * interval '1 second' + k * interval '1 minute' AS at) t
      ORDER BY m, k`,
    [messages, versionOf('MessageSent'), versionOf('Delivered'), versionOf('Read')],
  );
  // The live projection, caught up: its positions are there, so the swap's hand-over writes only differences,
  // as it does in a running deployment (without them it would insert every stream's row under the lock).
  await pool.query(
    `INSERT INTO projection_positions (projection, stream_id, position)
     SELECT $1, stream_id, max(stream_position) FROM events GROUP BY stream_id`,
    [messageTracking.name],
  );
  await pool.query('VACUUM ANALYZE events');
  return rowCount ?? 0;
};

/** Every column of every event, in commit order, in keyset pages: what any replay has to read at the least. */
const rawRead = async (pool: Pool, pageSize: number): Promise<number> => {
  let cursor = ['0', '0'];
  let rows = 0;
  for (;;) {
    const page = await pool.query<{ transaction_id: string; global_position: string }>(
      `SELECT * FROM events WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
        ORDER BY transaction_id, global_position LIMIT $3`,
      [...cursor, pageSize],
    );
    if (page.rows.length === 0) return rows;
    rows += page.rows.length;
    const last = page.rows[page.rows.length - 1]!;
    cursor = [last.transaction_id, last.global_position];
  }
};

export default defineBench({
  description: 'message-tracking rebuild (shadow, replay, swap) vs a raw commit-order read, fresh database',
  run: async (args) => {
    const events = intOption(args, 'events', 1_000_000);
    const pageSize = intOption(args, 'page', 10_000);
    const db = await createFreshDatabase('rebuild', 5);
    try {
      progress(`filling ${events} events`);
      const filled = await fill(db.pool, Math.ceil(events / 3));
      progress('raw read');
      await rawRead(db.pool, pageSize); // warm the cache the same way for both measurements
      const rawStarted = process.hrtime.bigint();
      const rawRows = await rawRead(db.pool, pageSize);
      const rawSeconds = Number(process.hrtime.bigint() - rawStarted) / 1e9;
      progress('rebuild');
      const result = await rebuildTable(db.pool, messageTracking, { pageSize });
      const rows = await db.pool.query<{ n: number }>('SELECT count(*)::integer AS n FROM message_tracking');
      const rawRate = Math.round(rawRows / rawSeconds);
      return {
        metrics: [
          {
            name: 'rebuild throughput',
            value: result.eventsPerSecond,
            unit: 'events/s',
            target: { kind: 'min', value: 20_000 },
          },
          { name: 'raw commit-order read', value: rawRate, unit: 'events/s' },
          {
            name: 'rebuild / raw read',
            value: Math.round((result.eventsPerSecond / rawRate) * 1000) / 10,
            unit: '%',
            target: { kind: 'min', value: 30 },
          },
          { name: 'rebuild duration', value: result.durationMs, unit: 'ms' },
          { name: 'swap (locks held)', value: result.swapMs, unit: 'ms' },
          ...Object.entries(result.phasesMs).map(([phase, value]) => ({
            name: `of which ${phase}`,
            value,
            unit: 'ms',
          })),
        ],
        notes: [
          `${filled} events (${Math.ceil(events / 3)} message streams × MessageSent, Delivered, Read)`,
          `rebuild: pages of ${pageSize}, each one transaction of set-based statements (one per event type and wave); ${rows.rows[0]!.n} message_tracking rows after ` +
            `the swap; ${result.poisoned} events skipped as undecodable or failing`,
          `raw read: SELECT * keyset pages of ${pageSize} in (transaction_id, global_position) order, second pass`,
          `rebuild duration includes the shadow table, SET LOGGED, ANALYZE, position staging, the swap and the drop`,
          `projection_positions pre-filled as a caught-up live runner leaves them`,
        ],
      };
    } finally {
      await db.drop();
    }
  },
});
