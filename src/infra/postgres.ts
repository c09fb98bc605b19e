import { Pool, type PoolConfig } from 'pg';

export type Db = Pool;

export const createPool = (databaseUrl: string, options: Partial<PoolConfig> = {}): Pool => {
  const pool = new Pool({ connectionString: databaseUrl, max: 20, ...options });
  // An idle client losing its connection (a PostgreSQL restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  return pool;
};

/** Creates the database named in the URL when it does not exist yet (CONTRACT: DATABASE_URL may name a new one). */
export const ensureDatabase = async (databaseUrl: string): Promise<void> => {
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database');
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const pool = createPool(admin.toString(), { max: 1 });
  try {
    const { rowCount } = await pool.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      await pool.query(`CREATE DATABASE ${quoteIdentifier(name)}`).catch((error: { code?: string }) => {
        // Two processes starting at once: the other one created it first.
        if (error.code !== '42P04' && error.code !== '23505') throw error;
      });
    }
  } finally {
    await pool.end();
  }
};

export const quoteIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;
