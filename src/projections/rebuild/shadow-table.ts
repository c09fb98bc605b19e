import type { Pool, PoolClient } from 'pg';
import { quoteIdentifier } from '../../infra/postgres';

export const shadowName = (table: string) => `${table}_rebuild`;
export const retiredName = (table: string) => `${table}_old`;

/**
 * An empty copy of the live table with its columns, defaults, constraints and indexes. A shadow or retired copy
 * left by an interrupted rebuild is dropped first: it holds nothing that the event store cannot give again.
 * UNLOGGED while the bulk of the replay goes in (no WAL record per row: on a busy machine that halved the replay
 * time); made durable by `makeDurable` before it can become the live table.
 */
export const createShadowTable = async (pool: Pool, table: string): Promise<string> => {
  const shadow = shadowName(table);
  await pool.query(`DROP TABLE IF EXISTS ${quoteIdentifier(shadow)}, ${quoteIdentifier(retiredName(table))}`);
  await pool.query(
    `CREATE UNLOGGED TABLE ${quoteIdentifier(shadow)} (LIKE ${quoteIdentifier(table)} INCLUDING ALL)`,
  );
  return shadow;
};

/** Rewrites the shadow into the WAL in one go, outside the swap's lock (nobody else uses the shadow). */
export const makeDurable = async (pool: Pool, table: string): Promise<void> => {
  await pool.query(`ALTER TABLE ${quoteIdentifier(shadowName(table))} SET LOGGED`);
};

export const dropTable = async (db: Pool | PoolClient, table: string): Promise<void> => {
  await db.query(`DROP TABLE IF EXISTS ${quoteIdentifier(table)}`);
};

interface IndexRow {
  name: string;
  shape: string;
}

/** An index's definition without its own name and table name, so the live and shadow copies compare equal. */
const indexesOf = async (tx: PoolClient, table: string): Promise<IndexRow[]> =>
  (
    await tx.query<IndexRow>(
      `SELECT c.relname AS name,
              regexp_replace(pg_get_indexdef(i.indexrelid), '^CREATE (UNIQUE )?INDEX \\S+ ON \\S+', '\\1') AS shape
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid = $1::regclass
        ORDER BY c.relname`,
      [table],
    )
  ).rows;

/**
 * Inside the swap transaction: live → retired, shadow → live, and the shadow's indexes (and so the constraints
 * they back) take the live names, so that the table looks exactly as the migrations made it and the next rebuild's
 * LIKE copy gets the same names again. Renames only touch the catalog: instant under the lock.
 */
export const swapTables = async (tx: PoolClient, table: string): Promise<void> => {
  const shadow = shadowName(table);
  const retired = retiredName(table);
  const live = await indexesOf(tx, table);
  const fresh = await indexesOf(tx, shadow);
  await tx.query(`ALTER TABLE ${quoteIdentifier(table)} RENAME TO ${quoteIdentifier(retired)}`);
  await tx.query(`ALTER TABLE ${quoteIdentifier(shadow)} RENAME TO ${quoteIdentifier(table)}`);
  const unmatched = [...fresh];
  for (const [index, { name, shape }] of live.entries()) {
    await tx.query(
      `ALTER INDEX ${quoteIdentifier(name)} RENAME TO ${quoteIdentifier(`${retired}_idx${index}`)}`,
    );
    const twin = unmatched.findIndex((candidate) => candidate.shape === shape);
    if (twin < 0) continue; // an index the shadow lacks cannot happen with LIKE … INCLUDING ALL; keep its name free
    const [match] = unmatched.splice(twin, 1);
    await tx.query(`ALTER INDEX ${quoteIdentifier(match!.name)} RENAME TO ${quoteIdentifier(name)}`);
  }
};
