import type { Pool } from 'pg';
import { createPool } from '../../src/infra/postgres';
import { createTestDatabase } from '../support/database';

describe('PostgreSQL over a real connection', () => {
  let pool: Pool;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await createTestDatabase('smoke-pg');
    drop = db.drop;
    pool = createPool(db.url);
  });
  afterAll(async () => {
    await pool.end();
    await drop();
  });

  it('answers a query in a database cloned from the migrated template', async () => {
    const { rows } = await pool.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
    expect(rows.map((row) => row.name)).toContain('001_reference_and_read_models.sql');
  });

  it('commits a transaction as a whole and rolls a failed one back entirely', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query("INSERT INTO tenants (tenant_id, genesys_integration_id) VALUES ('t-ok', 'i-ok')");
      await client.query('COMMIT');

      await client.query('BEGIN');
      await client.query(
        "INSERT INTO tenants (tenant_id, genesys_integration_id) VALUES ('t-rolled-back', 'i-2')",
      );
      await expect(
        client.query("INSERT INTO tenants (tenant_id, genesys_integration_id) VALUES ('t-dup', 'i-ok')"),
      ).rejects.toMatchObject({ code: '23505' });
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    const { rows } = await pool.query<{ tenant_id: string }>(
      'SELECT tenant_id FROM tenants ORDER BY tenant_id',
    );
    expect(rows.map((row) => row.tenant_id)).toEqual(['t-ok']);
  });
});
