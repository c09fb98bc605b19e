import { createTestDatabase } from '../../test/support/database';
import { createPool } from './postgres';

describe('createPool', () => {
  it('survives a checked-out client losing its connection between two statements', async () => {
    const database = await createTestDatabase('pg-client-error');
    const pool = createPool(database.url, { max: 2 });
    const admin = createPool(database.url, { max: 1 });
    try {
      const client = await pool.connect();
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      // What a PostgreSQL restart or a reset connection does to a client its holder has not released yet: the
      // client emits 'error' while nobody is querying it (unhandled, that ends the process).
      const closed = new Promise((resolve) => client.connection.stream.once('close', resolve));
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      await closed;
      await expect(client.query('SELECT 1')).rejects.toThrow();
      client.release(true);
      // The process is still here, and the pool serves new clients.
      expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
      await admin.end();
      await database.drop();
    }
  });
});
