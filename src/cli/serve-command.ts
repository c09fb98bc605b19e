import { Option, type Command } from 'commander';
import { ConfigError, describeConfig, loadConfig } from '../infra/config';
import { openConnections } from '../infra/connections';
import { createLogger } from '../infra/logger';
import { ensureBucket } from '../infra/s3';
import { buildApps } from '../http/app';
import { startSandbox, type Sandbox } from '../runtime/sandbox';
import { sandboxModeFrom } from '../runtime/sandbox-mode';
import { createMetrics } from '../infra/metrics';
import { metricsRefresher } from '../runtime/metrics-refresh';
import { buildServices } from '../runtime/services';
import { buildWorkers, ROLES, type Role, type Worker } from '../runtime/workers';
import { runMigrations } from './migrate-command';

const rolesFrom = (role: string): Set<Role> => new Set(role === 'all' ? ROLES : [role as Role]);

export const registerServeCommand = (program: Command) =>
  program
    .command('serve')
    .description('run the bridge: the HTTP API and/or its workers')
    .addOption(
      new Option('--role <role>', 'what this process runs; roles scale out as separate processes')
        .choices([...ROLES, 'all'])
        .default('all'),
    )
    .option('--no-migrate', 'do not apply pending migrations at start')
    .option('--sandbox', 'simulate Meta and Genesys on loopback with a demo tenant (or BRIDGE_SANDBOX=1)')
    .action(async (options: { role: string; migrate: boolean; sandbox?: boolean }) => {
      let config = loadConfig();
      const mode = sandboxModeFrom(config, options.sandbox);
      if ('error' in mode) throw new ConfigError('META_GRAPH_URL', mode.error);
      const logger = createLogger(config.LOG_LEVEL);
      const roles = rolesFrom(options.role);
      let sandbox: Sandbox | undefined;
      if (mode.sandbox) {
        sandbox = await startSandbox(config, logger);
        config = sandbox.config;
        logger.warn('SANDBOX MODE (asked for): Meta and Genesys are simulated on loopback');
      }
      logger.info({ roles: [...roles], config: describeConfig(config) }, 'starting');
      if (options.migrate) await runMigrations(config.DATABASE_URL);

      const connections = await openConnections(config, logger);
      for (const bucket of [config.S3_MEDIA_BUCKET, config.S3_ARCHIVE_BUCKET]) {
        await ensureBucket(connections.s3, bucket, config.S3_REGION).catch((error: Error) =>
          logger.warn({ bucket, err: error.message }, 'bucket not ready yet'),
        );
      }
      const services = buildServices(config, connections, logger, createMetrics());
      const workers: Worker[] = buildWorkers(roles, config, connections, services, logger);
      for (const worker of workers) {
        await worker.start();
        logger.info({ worker: worker.name }, 'worker started');
      }
      const apps = roles.has('api')
        ? await buildApps({
            logger,
            checks: connections.checks,
            ...services,
            adminToken: config.ADMIN_TOKEN,
            metricsToken: config.METRICS_TOKEN,
            metaAppSecret: config.META_APP_SECRET,
            metaVerifyToken: config.META_VERIFY_TOKEN,
            refreshMetrics: metricsRefresher(config, connections, services, logger),
          })
        : undefined;
      if (apps) {
        await apps.public.listen({ port: config.PORT, host: config.HOST });
        await apps.internal.listen({ port: config.INTERNAL_PORT, host: config.INTERNAL_HOST });
      }
      await sandbox?.seed(services, `http://${config.HOST}:${config.PORT}`);

      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'stopping: no new requests, finishing in-flight work, committing offsets');
        await Promise.all([apps?.public.close(), apps?.internal.close()]);
        // Independent consumers: each finishes its in-flight work and commits its offsets, side by side.
        await Promise.all(
          workers.map((worker) =>
            worker
              .stop()
              .catch((error: Error) =>
                logger.error({ worker: worker.name, err: error.message }, 'stop failed'),
              ),
          ),
        );
        await connections.close();
        await sandbox?.stop();
        logger.info('stopped');
        process.exit(0);
      };
      process.once('SIGTERM', () => void stop('SIGTERM'));
      process.once('SIGINT', () => void stop('SIGINT'));
    });
