import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` on one connection between BEGIN and COMMIT; ROLLBACK when it throws. A connection whose ROLLBACK
 * failed (timed out, broken) is destroyed rather than handed to the next caller.
 */
export const inTransaction = async <T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> => {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.release(broken);
  }
};
