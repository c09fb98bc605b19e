import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { migrate } from '../../src/infra/migrations';
import { createPool, quoteIdentifier } from '../../src/infra/postgres';

/** The PostgreSQL server benches use: BENCH_DATABASE_SERVER_URL, else the local default. */
const serverUrl = (): URL =>
  new URL(process.env.BENCH_DATABASE_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');

export interface FreshDatabase {
  url: string;
  pool: Pool;
  drop: () => Promise<void>;
}

/**
 * A new, migrated database of its own, so a bench never measures (or damages) anyone else's data. `migrationsDir`
 * is the bridge's own (a baseline build's may differ from this checkout's).
 */
export const createFreshDatabase = async (
  label: string,
  poolSize: number,
  migrationsDir?: string,
): Promise<FreshDatabase> => {
  const name = `bench_${label}_${randomBytes(4).toString('hex')}`;
  const admin = createPool(serverUrl().toString(), { max: 1 });
  try {
    await admin.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const url = serverUrl();
  url.pathname = `/${name}`;
  const pool = createPool(url.toString(), { max: poolSize });
  await migrate(pool, migrationsDir);
  return {
    url: url.toString(),
    pool,
    drop: async () => {
      await pool.end();
      const dropper = createPool(serverUrl().toString(), { max: 1 });
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
};
