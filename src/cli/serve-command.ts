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
import { withDeadline } from '../runtime/deadline';
import { runMigrations } from './migrate-command';

/** SIGTERM to exit, whatever is down (orchestrators kill after 30 s; the issue asks for 10). */
const STOP_DEADLINE_MS = 9_500;
const LISTENERS_CLOSE_MS = 2_000;
const WORKER_STOP_MS = 5_000;
const CONNECTIONS_CLOSE_MS = 1_500;

/** Sleeps `ms`, waking early (checked every 100 ms) once `until` holds. */
const sleepUnless = async (ms: number, until: () => boolean): Promise<void> => {
  const end = Date.now() + ms;
  while (!until() && Date.now() < end)
    await new Promise((resolve) => setTimeout(resolve, Math.min(100, end - Date.now())));
};

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
      const services = buildServices(config, connections, logger, createMetrics());
      const workers: Worker[] = buildWorkers(roles, config, connections, services, logger);

      // The listeners open first: accepting a webhook needs only PostgreSQL, while starting the workers waits for
      // Kafka (consumer groups join, which waits out a crashed member's session). Genesys and Meta get answers
      // within a second or two of the start, whatever the workers are doing.
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
        logger.info({ port: config.PORT, internalPort: config.INTERNAL_PORT }, 'listening');
      }
      await sandbox?.seed(services, `http://${config.HOST}:${config.PORT}`);

      let stopping = false;
      const started: Worker[] = [];
      let starting: Worker | undefined;
      void (async () => {
        for (const bucket of [
          config.S3_MEDIA_BUCKET,
          config.S3_ARCHIVE_BUCKET,
          config.S3_INBOUND_MEDIA_BUCKET,
        ]) {
          const ensured = await withDeadline(ensureBucket(connections.s3, bucket, config.S3_REGION), 5_000);
          if (ensured.outcome === 'timeout' || ensured.error)
            logger.warn(
              { bucket, err: ensured.outcome === 'timeout' ? 'timeout' : ensured.error?.message },
              'bucket not ready yet',
            );
        }
        // In order (consumers must not subscribe before the topics exist); a worker that cannot start yet (Kafka
        // down) is retried with a growing delay rather than taking the API down with it.
        for (const worker of workers) {
          starting = worker;
          for (let failures = 0; !stopping; failures++) {
            try {
              await worker.start();
              break;
            } catch (error) {
              const delayMs = Math.min(1000 * 2 ** Math.min(failures, 5), 30_000);
              logger.error(
                { worker: worker.name, err: (error as Error).message, retryInMs: delayMs },
                'worker could not start; retrying',
              );
              await sleepUnless(delayMs, () => stopping);
            }
          }
          starting = undefined;
          if (stopping) return;
          started.push(worker);
          logger.info({ worker: worker.name }, 'worker started');
        }
        logger.info({ workers: started.length }, 'all workers started');
      })().catch((error: Error) => logger.error({ err: error.message }, 'starting the workers failed'));

      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        // Whatever is down, the process is gone within STOP_DEADLINE_MS: work not finished by then was not
        // committed (offsets and checkpoints move only for finished work) and is picked up after the restart.
        setTimeout(() => {
          logger.error(
            { deadlineMs: STOP_DEADLINE_MS },
            'stop deadline passed; exiting with work left to redo',
          );
          process.exit(1);
        }, STOP_DEADLINE_MS).unref();
        logger.info({ signal }, 'stopping: no new requests, finishing in-flight work, committing offsets');
        await withDeadline(Promise.all([apps?.public.close(), apps?.internal.close()]), LISTENERS_CLOSE_MS);
        // Independent consumers: each finishes its in-flight work and commits its offsets, side by side, for as
        // long as the deadline allows; a worker still starting is stopped too (its start may never return).
        const toStop = starting ? [...started, starting] : started;
        await Promise.all(
          toStop.map(async (worker) => {
            const result = await withDeadline(worker.stop(), WORKER_STOP_MS);
            if (result.outcome === 'timeout')
              logger.error(
                { worker: worker.name, deadlineMs: WORKER_STOP_MS },
                'worker did not stop in time; leaving it',
              );
            else if (result.error)
              logger.error({ worker: worker.name, err: result.error.message }, 'stop failed');
          }),
        );
        await withDeadline(connections.close(), CONNECTIONS_CLOSE_MS);
        await withDeadline(sandbox?.stop() ?? Promise.resolve(), 500);
        logger.info('stopped');
        process.exit(0);
      };
      process.once('SIGTERM', () => void stop('SIGTERM'));
      process.once('SIGINT', () => void stop('SIGINT'));
    });
