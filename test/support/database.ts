import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createPool, quoteIdentifier } from '../../src/infra/postgres';

/**
 * The migrated database every test file clones, one per checkout and set of migrations: two checkouts tested at
 * once on one server (a working tree and a fresh clone, say) must neither drop each other's template mid-run nor
 * clone one migrated by other files.
 */
export const TEMPLATE_DATABASE = (() => {
  const root = path.resolve(__dirname, '../..');
  const migrations = path.join(root, 'migrations');
  const hash = createHash('sha256').update(root);
  for (const name of readdirSync(migrations).sort()) {
    hash.update(name).update(readFileSync(path.join(migrations, name)));
  }
  return `bridge_test_template_${hash.digest('hex').slice(0, 12)}`;
})();

const serverUrl = (): URL =>
  new URL(process.env.TEST_DATABASE_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');

export const adminDatabaseUrl = (): string => serverUrl().toString();

export const databaseUrlFor = (name: string): string => {
  const url = serverUrl();
  url.pathname = `/${name}`;
  return url.toString();
};

/** A fresh, migrated database of its own for one test file, cloned from the template made by the global set-up. */
export const createTestDatabase = async (
  label: string,
): Promise<{ url: string; drop: () => Promise<void> }> => {
  const name = `bridge_t_${label
    .replace(/[^a-z0-9]/gi, '_')
    .toLowerCase()
    .slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  const admin = createPool(adminDatabaseUrl(), { max: 1 });
  try {
    await admin.query(
      `CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE ${quoteIdentifier(TEMPLATE_DATABASE)}`,
    );
  } finally {
    await admin.end();
  }
  return {
    url: databaseUrlFor(name),
    drop: async () => {
      const pool = createPool(adminDatabaseUrl(), { max: 1 });
      try {
        await pool.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
      } finally {
        await pool.end();
      }
    },
  };
};
