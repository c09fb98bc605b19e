import { Pool, type PoolConfig } from 'pg';

export type Db = Pool;

/** How long PostgreSQL calls may take (config.ts PG_* settings). */
export interface PostgresLimits {
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
}

export const postgresLimitsOf = (config: {
  PG_CONNECT_TIMEOUT_MS: number;
  PG_STATEMENT_TIMEOUT_MS: number;
  PG_IDLE_IN_TRANSACTION_TIMEOUT_MS: number;
}): PostgresLimits => ({
  connectTimeoutMs: config.PG_CONNECT_TIMEOUT_MS,
  statementTimeoutMs: config.PG_STATEMENT_TIMEOUT_MS,
  idleInTransactionTimeoutMs: config.PG_IDLE_IN_TRANSACTION_TIMEOUT_MS,
});

/**
 * How much later than the server's statement_timeout the client gives up by itself: statement_timeout cannot fire
 * when the server or the network is stalled (nothing answers at all). The pool then drops that connection.
 */
const CLIENT_GRACE_MS = 1000;

/** TCP keepalive finds a connection whose peer vanished (no FIN) while it is idle in the pool. */
const keepAlive = { keepAlive: true, keepAliveInitialDelayMillis: 10_000 } as const;

/**
 * Pool options for the service: every connection attempt, wait for a connection and statement is bounded.
 * `max` is the pool's size (PG_POOL_MAX or PG_WEBHOOK_POOL_MAX); createPool's default otherwise.
 */
export const servicePoolOptions = (limits: PostgresLimits, max?: number): Partial<PoolConfig> => ({
  ...(max === undefined ? {} : { max }),
  connectionTimeoutMillis: limits.connectTimeoutMs,
  statement_timeout: limits.statementTimeoutMs,
  query_timeout: limits.statementTimeoutMs + CLIENT_GRACE_MS,
  idle_in_transaction_session_timeout: limits.idleInTransactionTimeoutMs,
  ...keepAlive,
});

/**
 * Pool options for work whose statements legitimately run for minutes (migrations building indexes CONCURRENTLY,
 * projection rebuilds): connecting is bounded, statements are not (an operator runs them and sees their progress).
 */
export const longRunningPoolOptions = (
  limits: Pick<PostgresLimits, 'connectTimeoutMs'>,
): Partial<PoolConfig> => ({
  connectionTimeoutMillis: limits.connectTimeoutMs,
  statement_timeout: 0,
  ...keepAlive,
});

export const createPool = (databaseUrl: string, options: Partial<PoolConfig> = {}): Pool => {
  const pool = new Pool({ connectionString: databaseUrl, max: 20, ...options });
  // An idle client losing its connection (a PostgreSQL restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  // Nor a checked-out one between two statements (a transaction's client, a lock holder): without a listener the
  // Client's 'error' event is unhandled and ends the process. Its holder learns of it from its next query.
  pool.on('connect', (client) => client.on('error', () => undefined));
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
