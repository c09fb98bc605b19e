import type { Command } from 'commander';
import { loadConfig } from '../infra/config';
import { createKafka, kafkaClientOptions } from '../infra/kafka';
import { createLogger } from '../infra/logger';
import { createPool, longRunningPoolOptions, postgresLimitsOf, servicePoolOptions } from '../infra/postgres';
import { createRedis, redisLimitsOf } from '../infra/redis';
import { createS3 } from '../infra/s3';
import { progressBar, silentProgress } from '../projections/rebuild/progress';
import { projectionStatus, type StatusEntry } from '../runtime/projection-status';
import {
  isRebuildable,
  REBUILDABLE,
  rebuildAll,
  rebuildProjection,
  type RebuildResult,
} from '../projections/rebuild/rebuild-projection';

export const registerProjectionsCommand = (program: Command) => {
  const projections = program.command('projections').description('read models: rebuild and status');

  projections
    .command('rebuild <name>')
    .description(
      `replay the event store into a projection while the service runs (${REBUILDABLE.join(', ')}, all)`,
    )
    .option('--json', 'machine-readable summary on stdout')
    .option('--no-progress', 'no progress bar on stderr')
    .action(async (name: string, options: { json?: boolean; progress: boolean }) => {
      if (name !== 'all' && !isRebuildable(name)) {
        throw new Error(`unknown projection ${name}; one of ${REBUILDABLE.join(', ')}, all`);
      }
      const config = loadConfig();
      // The rebuild lock, the read-ahead and the swap need a connection each (the replay opens its own, with the
      // same options). A replay page, SET LOGGED or ANALYZE of a large table may run for minutes: no statement limit.
      const pool = createPool(config.DATABASE_URL, {
        ...longRunningPoolOptions(postgresLimitsOf(config)),
        max: 4,
      });
      const redis = createRedis(config.REDIS_URL, config.REDIS_KEY_PREFIX, redisLimitsOf(config));
      const s3 = createS3(config.S3_ENDPOINT, config.S3_ACCESS_KEY, config.S3_SECRET_KEY, config.S3_REGION, {
        requestTimeoutMs: config.S3_REQUEST_TIMEOUT_MS,
      });
      try {
        const deps = {
          pool,
          redis,
          s3,
          archiveBucket: config.S3_ARCHIVE_BUCKET,
          progress: options.progress ? progressBar() : silentProgress,
        };
        const results = name === 'all' ? await rebuildAll(deps) : [await rebuildProjection(name, deps)];
        process.stdout.write(
          options.json ? `${JSON.stringify(results, null, 2)}\n` : results.map(describeResult).join(''),
        );
      } finally {
        redis.disconnect();
        await pool.end();
      }
    });

  projections
    .command('status')
    .description('position and lag of the relay and of every consumer group')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const config = loadConfig();
      const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, process.stderr);
      const pool = createPool(config.DATABASE_URL, {
        ...servicePoolOptions(postgresLimitsOf(config)),
        max: 2,
      });
      const admin = createKafka(
        config.KAFKA_BROKERS,
        config.KAFKA_CLIENT_ID,
        logger,
        kafkaClientOptions(config),
      ).admin();
      try {
        await admin.connect();
        const status = await projectionStatus({ pool, admin, topicPrefix: config.KAFKA_TOPIC_PREFIX });
        process.stdout.write(options.json ? `${JSON.stringify(status, null, 2)}\n` : statusTable(status));
      } finally {
        await admin.disconnect().catch(() => undefined);
        await pool.end();
      }
    });
};

const describeResult = (result: RebuildResult): string => {
  const seconds = (result.durationMs / 1000).toFixed(1);
  if ('objects' in result) {
    return `${result.projection}: ${result.objects} objects written from ${result.events} events in ${seconds} s\n`;
  }
  const cache = 'cacheKeysWritten' in result ? `, ${result.cacheKeysWritten} cache keys re-warmed` : '';
  return (
    `${result.projection}: ${result.events} events read (${result.handled} for this projection) in ${seconds} s, ` +
    `${result.eventsPerSecond} events/s; the swap held its locks ${result.swapMs} ms${cache}\n`
  );
};

const statusTable = (entries: StatusEntry[]): string => {
  const rows = entries.map((entry) => [
    entry.name,
    entry.kind === 'relay' ? entry.position : committedSummary(entry),
    String(entry.lagEvents),
    entry.lagSeconds.toFixed(1),
  ]);
  const header = ['NAME', 'POSITION', 'LAG (events)', 'LAG (s)'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column >= 2 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return `${[header, ...rows].map(line).join('\n')}\n`;
};

/** Committed offsets summed over partitions, against the summed ends: "at 120 of 125". */
const committedSummary = (entry: StatusEntry): string => {
  const partitions = entry.partitions ?? [];
  const committed = partitions.reduce((sum, p) => sum + BigInt(p.committed ?? '0'), 0n);
  const end = partitions.reduce((sum, p) => sum + BigInt(p.end), 0n);
  return `at ${committed} of ${end}`;
};
