import type { Command } from 'commander';
import { loadConfig } from '../infra/config';
import { migrate } from '../infra/migrations';
import { createPool, ensureDatabase } from '../infra/postgres';

export const runMigrations = async (databaseUrl: string) => {
  await ensureDatabase(databaseUrl);
  const pool = createPool(databaseUrl, { max: 1 });
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
