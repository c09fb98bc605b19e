import type { Pool } from 'pg';
import { decodeEvent } from '../../../src/events/decode';
import { PostgresEventStore } from '../../../src/events/store/postgres-event-store';
import { readAllPages } from '../../../src/events/store/read-all-pages';
import { inTransaction } from '../../../src/projections/runtime/apply-event';
import { tableHandlerFor, type TableTarget } from '../../../src/projections/rebuild/table-targets';

/**
 * The read model a plain replay gives: every event of $all, one at a time and in commit order, through the same
 * apply functions, into a scratch table. Deliberately none of the rebuild's machinery (no lanes, no shadow swap),
 * so that comparing with it tests that machinery. Returns the scratch table's name and the positions per stream.
 */
export const referenceReplay = async (
  pool: Pool,
  target: TableTarget,
): Promise<{ table: string; positions: Map<string, number> }> => {
  const table = `${target.table}_reference`;
  await pool.query(`DROP TABLE IF EXISTS ${table}`);
  await pool.query(`CREATE TABLE ${table} (LIKE ${target.table} INCLUDING ALL)`);
  const positions = new Map<string, number>();
  await inTransaction(pool, async (tx) => {
    for await (const page of readAllPages(new PostgresEventStore(pool), { pageSize: 1000 })) {
      for (const stored of page) {
        const handler = tableHandlerFor(target, stored.type);
        if (!handler) continue;
        positions.set(stored.streamId, stored.streamPosition);
        await handler.applyMany([decodeEvent(stored)], tx, table);
      }
    }
  });
  return { table, positions };
};

/** Every row of a table, as JSON text, sorted: two tables compare equal iff their row sets are equal. */
export const rowsOf = async (pool: Pool, table: string): Promise<string[]> =>
  (await pool.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ${table} t`)).rows
    .map(({ row }) => row)
    .sort();

export const positionsOf = async (pool: Pool, projection: string): Promise<Map<string, number>> =>
  new Map(
    (
      await pool.query<{ stream_id: string; position: string }>(
        'SELECT stream_id, position FROM projection_positions WHERE projection = $1',
        [projection],
      )
    ).rows.map((row) => [row.stream_id, Number(row.position)]),
  );
