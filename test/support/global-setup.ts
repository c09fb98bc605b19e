import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { createPool, ensureDatabase, quoteIdentifier } from '../../src/infra/postgres';
import { migrate } from '../../src/infra/migrations';
import { TEMPLATE_DATABASE, adminDatabaseUrl, databaseUrlFor } from './database';

/**
 * Makes sure the real infrastructure is up (through the same script `start.sh` uses), then migrates one template
 * database that every integration test file clones, so files get isolated state without paying for migrations.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.BRIDGE_TEST_SKIP_INFRA !== '1') {
    execFileSync('bash', [path.resolve(__dirname, '../../scripts/infra/up.sh')], { stdio: 'inherit' });
  }
  const templateUrl = databaseUrlFor(TEMPLATE_DATABASE);
  const admin = createPool(adminDatabaseUrl(), { max: 1 });
  try {
    // Rebuilt every run: a migration edited during development must not meet a stale template.
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(TEMPLATE_DATABASE)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  await ensureDatabase(templateUrl);
  const pool = createPool(templateUrl, { max: 1 });
  try {
    await migrate(pool);
  } finally {
    await pool.end();
  }
}
