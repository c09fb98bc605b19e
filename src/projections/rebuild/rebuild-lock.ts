import type { Pool, PoolClient } from 'pg';

// 0x52424c44 = 'RBLD': the key space of rebuild locks, apart from the stream ('EVST') and wamid ('META') locks.
const REBUILD_LOCK_SPACE = 1380076612;

/**
 * One rebuild per projection at a time: two would drop each other's shadow. A session advisory lock on a
 * connection held for the rebuild's whole run; it goes away with the connection if the process dies.
 */
export const holdRebuildLock = async (pool: Pool, projection: string): Promise<() => Promise<void>> => {
  const client: PoolClient = await pool.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked',
      [REBUILD_LOCK_SPACE, projection],
    );
    if (!rows[0]?.locked) throw new Error(`a rebuild of ${projection} is already running`);
  } catch (error) {
    client.release();
    throw error;
  }
  return async () => {
    await client
      .query('SELECT pg_advisory_unlock($1, hashtext($2))', [REBUILD_LOCK_SPACE, projection])
      .finally(() => client.release());
  };
};
