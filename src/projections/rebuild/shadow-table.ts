import type { Pool, PoolClient } from 'pg';
import { quoteIdentifier } from '../../infra/postgres';

export const shadowName = (table: string) => `${table}_rebuild`;
export const retiredName = (table: string) => `${table}_old`;

/** What the shadow leaves out during the bulk replay, and `makeDurable` adds back. */
export interface DeferredShadowWork {
  /** The live table's non-unique indexes, as CREATE INDEX statements for the shadow. */
  indexes: string[];
  /** The live table's storage parameters (none: PostgreSQL's defaults). */
  reloptions: string[];
}

/** Free room left in every page during the replay, so that a row's later events update it in place (HOT). */
const REPLAY_FILLFACTOR = 40;

/**
 * An empty copy of the live table with its columns, defaults, constraints and indexes. A shadow or retired copy
 * left by an interrupted rebuild is dropped first: it holds nothing that the event store cannot give again.
 *
 * Shaped for the bulk replay, and put back into the live table's shape by `makeDurable`:
 * - UNLOGGED: no WAL record per row (on a busy machine that halved the replay time);
 * - without its non-unique indexes (the unique ones serve the statements' conflict keys and lookups): an index
 *   built once at the end costs a fraction of one maintained through every insert and update;
 * - pages filled to 40 %: the statuses that follow a message's row usually land in the same transaction, and
 *   with room on the page PostgreSQL updates the row in place instead of writing it anew in every index.
 */
export const createShadowTable = async (
  pool: Pool,
  table: string,
): Promise<{ shadow: string; deferred: DeferredShadowWork }> => {
  const shadow = shadowName(table);
  await pool.query(`DROP TABLE IF EXISTS ${quoteIdentifier(shadow)}, ${quoteIdentifier(retiredName(table))}`);
  await pool.query(
    `CREATE UNLOGGED TABLE ${quoteIdentifier(shadow)} (LIKE ${quoteIdentifier(table)} INCLUDING ALL)
       WITH (fillfactor = ${REPLAY_FILLFACTOR})`,
  );
  const indexes = (await indexesOf(pool, shadow)).filter(({ shape }) => !shape.startsWith('UNIQUE '));
  for (const { name } of indexes) await pool.query(`DROP INDEX ${quoteIdentifier(name)}`);
  const { rows } = await pool.query<{ reloptions: string[] | null }>(
    'SELECT reloptions FROM pg_class WHERE oid = $1::regclass',
    [table],
  );
  return {
    shadow,
    deferred: {
      indexes: indexes.map(
        ({ name, shape }) => `CREATE INDEX ${quoteIdentifier(name)} ON ${quoteIdentifier(shadow)}${shape}`,
      ),
      reloptions: rows[0]?.reloptions ?? [],
    },
  };
};

/**
 * Outside the swap's lock (nobody else uses the shadow): the live table's storage parameters, then one rewrite into
 * the WAL (SET LOGGED, which also drops the replay's dead row versions and packs the pages), then the deferred
 * indexes, each built in one pass.
 */
export const makeDurable = async (pool: Pool, table: string, deferred: DeferredShadowWork): Promise<void> => {
  const shadow = quoteIdentifier(shadowName(table));
  await pool.query(`ALTER TABLE ${shadow} RESET (fillfactor)`);
  if (deferred.reloptions.length > 0) {
    // pg_class.reloptions holds validated name=value pairs of the live table, written by a migration.
    await pool.query(`ALTER TABLE ${shadow} SET (${deferred.reloptions.join(', ')})`);
  }
  await pool.query(`ALTER TABLE ${shadow} SET LOGGED`);
  for (const statement of deferred.indexes) await pool.query(statement);
};

export const dropTable = async (db: Pool | PoolClient, table: string): Promise<void> => {
  await db.query(`DROP TABLE IF EXISTS ${quoteIdentifier(table)}`);
};

interface IndexRow {
  name: string;
  shape: string;
}

/**
 * An index's definition without its own name and table name ("UNIQUE USING btree (…)", " USING btree (…)"), so the
 * live and shadow copies compare equal, and a copy is re-created as `CREATE INDEX <name> ON <table><shape>`.
 */
const indexesOf = async (db: Pool | PoolClient, table: string): Promise<IndexRow[]> =>
  (
    await db.query<IndexRow>(
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
