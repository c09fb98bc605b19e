import type { Command } from 'commander';
import { loadConfig } from '../infra/config';
import { migrate } from '../infra/migrations';
import { createPool, ensureDatabase, longRunningPoolOptions } from '../infra/postgres';

/**
 * Connecting is bounded; statements are not: a migration building an index CONCURRENTLY on a large table runs for
 * as long as it takes (and waits for the migration lock held by another starting process).
 */
export const runMigrations = async (databaseUrl: string, connectTimeoutMs = 10_000) => {
  await ensureDatabase(databaseUrl);
  const pool = createPool(databaseUrl, { ...longRunningPoolOptions({ connectTimeoutMs }), max: 1 });
  try {
    return await migrate(pool);
  } finally {
    await pool.end();
  }
};

export const registerMigrateCommand = (program: Command) =>
  program
    .command('migrate')
    .description('create the database if needed and apply pending migrations')
    .action(async () => {
      const config = loadConfig();
      const { applied, alreadyApplied } = await runMigrations(config.DATABASE_URL);
      process.stdout.write(
        applied.length
          ? `applied ${applied.length} migration(s): ${applied.join(', ')}\n`
          : `database is up to date (${alreadyApplied} migrations)\n`,
      );
    });
