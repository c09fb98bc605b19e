import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import { createTestDatabase } from '../../test/support/database';
import { migrate } from './migrations';
import { createPool } from './postgres';

describe('migrate (plain SQL files, real PostgreSQL)', () => {
  let pool: Pool;
  let drop: () => Promise<void>;
  let dir: string;

  beforeAll(async () => {
    const database = await createTestDatabase('migrations');
    drop = database.drop;
    pool = createPool(database.url, { max: 2 });
    dir = await mkdtemp(path.join(os.tmpdir(), 'bridge-migrations-'));
  });
  afterAll(async () => {
    await pool.end();
    await drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies files in order, a marked one outside a transaction, each once', async () => {
    await writeFile(path.join(dir, '901_table.sql'), 'CREATE TABLE m_things (id int, kind text);');
    await writeFile(
      path.join(dir, '902_index.sql'),
      '-- migrate: no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS m_things_kind ON m_things (kind);\n',
    );
    expect((await migrate(pool, dir)).applied).toEqual(['901_table.sql', '902_index.sql']);
    const { rows } = await pool.query<{ indisvalid: boolean }>(
      `SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'm_things_kind'`,
    );
    expect(rows).toEqual([{ indisvalid: true }]);
    expect((await migrate(pool, dir)).applied).toEqual([]);
  });

  it('refuses a file changed after it was applied, and records nothing of a failed one', async () => {
    await writeFile(path.join(dir, '901_table.sql'), 'CREATE TABLE m_things (id int, kind text, more text);');
    await expect(migrate(pool, dir)).rejects.toThrow('901_table.sql was changed after it was applied');
    await writeFile(path.join(dir, '901_table.sql'), 'CREATE TABLE m_things (id int, kind text);');

    await writeFile(
      path.join(dir, '903_broken.sql'),
      '-- migrate: no-transaction\nCREATE INDEX CONCURRENTLY x ON nowhere (a);',
    );
    await expect(migrate(pool, dir)).rejects.toThrow(/903_broken.sql failed \(outside a transaction/);
    const { rows } = await pool.query(`SELECT 1 FROM schema_migrations WHERE name = '903_broken.sql'`);
    expect(rows).toEqual([]);
  });
});
