import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Pool, PoolClient } from 'pg';

export const defaultMigrationsDir = path.resolve(__dirname, '../../migrations');

// Any constant works; it only has to be the same for every process that migrates this database.
const MIGRATION_LOCK_KEY = 0x6277_6d69; // "bwmi"

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

/**
 * A file starting with this line runs outside a transaction, for the one statement PostgreSQL refuses inside one:
 * CREATE INDEX CONCURRENTLY, which builds an index on a busy table without blocking its writers (a plain CREATE
 * INDEX on `events` would hold every append for the whole build). Such a file holds that one statement and must be
 * safe to run again (IF NOT EXISTS): it is recorded after it ran, not atomically with it.
 */
const NO_TRANSACTION = /^--\s*migrate:\s*no-transaction\b/;

const record = (client: PoolClient, name: string, checksum: string) =>
  client.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [name, checksum]);

const applyInTransaction = async (client: PoolClient, name: string, sql: string, checksum: string) => {
  await client.query('BEGIN');
  try {
    await client.query(sql);
    await record(client, name, checksum);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw new Error(`Migration ${name} failed: ${(error as Error).message}`);
  }
};

const applyOutsideTransaction = async (client: PoolClient, name: string, sql: string, checksum: string) => {
  try {
    await client.query(sql);
  } catch (error) {
    throw new Error(
      `Migration ${name} failed (outside a transaction: a concurrent index build that fails leaves an INVALID ` +
        `index, to be dropped before the next run): ${(error as Error).message}`,
    );
  }
  await record(client, name, checksum);
};

/**
 * Applies the plain SQL files of `migrations/` in name order, each in its own transaction (but see NO_TRANSACTION). A session advisory lock
 * makes processes that start at once take turns instead of racing; a changed file that was already applied is an
 * error, because its change would silently never run.
 */
export const migrate = async (pool: Pool, dir = defaultMigrationsDir): Promise<MigrationResult> => {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort();
  const client = await pool.connect();
  try {
    // Waiting for another process's migrations and building an index CONCURRENTLY take as long as they take,
    // whatever statement limit the pool gives its sessions.
    await client.query('SET statement_timeout = 0');
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ name: string; checksum: string }>(
      'SELECT name, checksum FROM schema_migrations',
    );
    const done = new Map(rows.map((row) => [row.name, row.checksum]));
    const applied: string[] = [];
    for (const name of files) {
      const sql = await readFile(path.join(dir, name), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      const previous = done.get(name);
      if (previous !== undefined) {
        if (previous !== checksum) throw new Error(`Migration ${name} was changed after it was applied`);
        continue;
      }
      if (NO_TRANSACTION.test(sql)) await applyOutsideTransaction(client, name, sql, checksum);
      else await applyInTransaction(client, name, sql, checksum);
      applied.push(name);
    }
    return { applied, alreadyApplied: done.size };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.query('RESET statement_timeout').catch(() => undefined);
    client.release();
  }
};
