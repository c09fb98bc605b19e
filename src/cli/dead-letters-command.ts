import type { Command } from 'commander';
import { openConnections } from '../infra/connections';
import { loadConfig } from '../infra/config';
import { createLogger } from '../infra/logger';
import { createPool } from '../infra/postgres';
import {
  listDeadLetters,
  retryDeadLetters,
  type DeadLetterRow,
  type Redeliver,
  type RetryResult,
} from '../processors/runtime/dead-letter-retry';
import { buildServices } from '../runtime/services';
import { buildWorkers } from '../runtime/workers';

const table = (header: string[], rows: string[][]): string => {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  return [header, ...rows]
    .map((row) => `${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}\n`)
    .join('');
};

/** One line per error: an error text may span lines (stack-like messages). */
const oneLine = (text: string, max = 100) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

const printList = (list: DeadLetterRow[]) => {
  if (list.length === 0) return void process.stdout.write('no dead letters\n');
  process.stdout.write(
    table(
      ['ID', 'SOURCE', 'EVENT', 'STREAM', 'CREATED', 'RETRIES', 'ERROR'],
      list.map((row) => [
        row.id,
        row.source,
        row.eventType ?? '-',
        row.streamId ?? '-',
        row.createdAt,
        row.retriedAt ? `${row.retryAttempts} (done)` : String(row.retryAttempts),
        oneLine(row.lastRetryError ?? row.error),
      ]),
    ),
  );
};

export const registerDeadLettersCommand = (program: Command) => {
  const deadLetters = program
    .command('dead-letters')
    .description('events a consumer could not handle: list them, hand them to their consumer again');

  deadLetters
    .command('list')
    .description('list open dead letters (not yet retried successfully)')
    .option('--json', 'machine-readable output')
    .option('--all', 'include dead letters already retried')
    .action(async (options: { json?: boolean; all?: boolean }) => {
      const config = loadConfig();
      const pool = createPool(config.DATABASE_URL, { max: 1 });
      try {
        const list = await listDeadLetters(pool, { includeRetried: options.all === true });
        if (options.json) return void process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        printList(list);
      } finally {
        await pool.end();
      }
    });

  deadLetters
    .command('retry [id]')
    .description('hand a dead letter (or every open one, --all) to the consumer that parked it, then mark it')
    .option('--all', 'every open dead letter')
    .option('--json', 'machine-readable output')
    .action(async (id: string | undefined, options: { all?: boolean; json?: boolean }) => {
      if ((id === undefined) === (options.all !== true))
        throw new Error('give either a dead letter id or --all');
      if (id !== undefined && !/^[1-9][0-9]{0,18}$/.test(id))
        throw new Error(`${id} is not a dead letter id`);
      const config = loadConfig();
      const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, process.stderr);
      const connections = await openConnections(config, logger);
      let results: RetryResult[];
      try {
        const services = buildServices(config, connections, logger);
        // The consumers are built, not started: their handlers run here, outside Kafka.
        const workers = buildWorkers(
          new Set(['processor', 'projector']),
          config,
          connections,
          services,
          logger,
        );
        const redeliverers = new Map<string, Redeliver>(
          workers.flatMap((worker) =>
            worker.deadLetters ? [[worker.deadLetters.source, worker.deadLetters.redeliver] as const] : [],
          ),
        );
        results = await retryDeadLetters(
          connections.pool,
          options.all ? 'all' : { ids: [id!] },
          redeliverers,
        );
      } finally {
        await connections.close();
      }
      if (id !== undefined && results.length === 0) throw new Error(`no open dead letter ${id}`);
      if (options.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      else {
        for (const result of results) {
          const detail = 'error' in result ? `: ${oneLine(result.error)}` : '';
          process.stdout.write(`${result.id} ${result.source} ${result.outcome}${detail}\n`);
        }
        if (results.length === 0) process.stdout.write('no open dead letters\n');
      }
      if (results.some((result) => result.outcome === 'failed' || result.outcome === 'not-retryable'))
        process.exitCode = 1;
    });
};
