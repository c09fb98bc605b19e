import type { Pool } from 'pg';

/** Rows inserted, updated and deleted in one table of the bridge's database, as PostgreSQL counts them. */
export interface TableWrites {
  table: string;
  inserted: number;
  updated: number;
  deleted: number;
}

/**
 * Per-table row counters (pg_stat_user_tables) of the current database. Read before and after a phase, their
 * difference says which writer the committed transactions went to: an event append is a row in `events` and one in
 * `streams`, a projection a row in its table, a consumer checkpoint a row in its offsets table.
 */
export const tableWriteCounters = async (pool: Pool): Promise<Map<string, TableWrites>> => {
  const { rows } = await pool.query<{ table: string; inserted: string; updated: string; deleted: string }>(
    `SELECT schemaname || '.' || relname AS table, n_tup_ins AS inserted, n_tup_upd AS updated, n_tup_del AS deleted
       FROM pg_stat_user_tables`,
  );
  return new Map(
    rows.map((row) => [
      row.table,
      {
        table: row.table,
        inserted: Number(row.inserted),
        updated: Number(row.updated),
        deleted: Number(row.deleted),
      },
    ]),
  );
};

/** What each table gained between two readings, per message, busiest first; tables nobody wrote are left out. */
export const writesPerMessage = (
  before: ReadonlyMap<string, TableWrites>,
  after: ReadonlyMap<string, TableWrites>,
  messages: number,
): TableWrites[] =>
  [...after.values()]
    .map((now) => {
      const then = before.get(now.table);
      return {
        table: now.table,
        inserted: (now.inserted - (then?.inserted ?? 0)) / messages,
        updated: (now.updated - (then?.updated ?? 0)) / messages,
        deleted: (now.deleted - (then?.deleted ?? 0)) / messages,
      };
    })
    .filter((writes) => writes.inserted + writes.updated + writes.deleted > 0)
    .sort((a, b) => b.inserted + b.updated + b.deleted - (a.inserted + a.updated + a.deleted));
