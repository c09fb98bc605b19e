import type { Command } from 'commander';
import { describeConfig, loadConfig } from '../infra/config';
import { openConnections } from '../infra/connections';
import { createLogger } from '../infra/logger';
import { ensureBucket } from '../infra/s3';
import { buildApp } from '../http/app';
import { buildServices } from '../runtime/services';
import { runMigrations } from './migrate-command';

export const registerServeCommand = (program: Command) =>
  program
    .command('serve')
    .description('run the bridge (HTTP API and workers)')
    .option('--no-migrate', 'do not apply pending migrations at start')
    .action(async (options: { migrate: boolean }) => {
      const config = loadConfig();
      const logger = createLogger(config.LOG_LEVEL);
      logger.info({ config: describeConfig(config) }, 'starting');
      if (options.migrate) await runMigrations(config.DATABASE_URL);
      const connections = await openConnections(config, logger);
      for (const bucket of [config.S3_MEDIA_BUCKET, config.S3_ARCHIVE_BUCKET]) {
        await ensureBucket(connections.s3, bucket, config.S3_REGION).catch((error: Error) =>
          logger.warn({ bucket, err: error.message }, 'bucket not ready yet'),
        );
      }
      const services = buildServices(config, connections, logger);
      const app = await buildApp({
        logger,
        checks: connections.checks,
        ...services,
        adminToken: config.ADMIN_TOKEN,
      });
      await app.listen({ port: config.PORT, host: config.HOST });

      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'stopping: no new requests, finishing in-flight work');
        await app.close();
        await connections.close();
        logger.info('stopped');
        process.exit(0);
      };
      process.once('SIGTERM', () => void stop('SIGTERM'));
      process.once('SIGINT', () => void stop('SIGINT'));
    });
