/**
 * Fault injection: open-loop signed Genesys webhooks for two tenants into a real bridge (child processes, own
 * database and namespace), Meta's status webhooks flowing back, then one fault per scenario; after each, once
 * everything has settled, what became of every acknowledged webhook: at Meta exactly once, never or more than
 * once, order per conversation, statuses and receipts, the legacy queue, and time to recover.
 *
 *   npm run bench -- faults [--only kill9,kafka,…] [--seconds 60] [--rate 10] [--conversations 10]
 *
 * --seconds scales every fault's nominal duration (60 = as specified: PostgreSQL 15 s, Redis 30 s, Meta 60 s…).
 * Private servers (Kafka broker, redis-server, TCP fault proxies) are started per scenario and removed after it:
 * the shared ones are never stopped. With --only, the other scenarios' results are carried over from the stored
 * bench/results/faults.json (each marked with the run it comes from), so that the file always shows every scenario.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { intOption, progress } from './lib/args';
import { defineBench, type Metric } from './lib/bench';
import { buildBridge } from './lib/bridge-build';
import { SCENARIOS } from './lib/faults/scenarios';
import { renderFaultTable } from './lib/faults/table';
import type { ScenarioResult } from './lib/faults/tally';

type StoredResult = (ScenarioResult | { error: string }) & { measuredAt?: string };

/** The scenarios of the stored run, each with the time of the run it was measured in. */
const storedResults = (): Record<string, StoredResult> => {
  const file = path.join(__dirname, 'results', 'faults.json');
  if (!existsSync(file)) return {};
  const stored = JSON.parse(readFileSync(file, 'utf8')) as {
    measuredAt: string;
    scenarios?: Record<string, StoredResult>;
  };
  return Object.fromEntries(
    Object.entries(stored.scenarios ?? {}).map(([name, result]) => [
      name,
      { ...result, measuredAt: result.measuredAt ?? stored.measuredAt },
    ]),
  );
};

const listOption = (args: string[], name: string): string[] | undefined => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? (args[index + 1] ?? '').split(',').filter(Boolean) : undefined;
};

export default defineBench({
  description:
    'fault injection under load: kill -9, relay failover, Kafka/PostgreSQL/Redis/RabbitMQ/S3/Meta/Genesys outages, poison input',
  run: async (args) => {
    const seconds = intOption(args, 'seconds', 60);
    const rate = intOption(args, 'rate', 10);
    const conversations = intOption(args, 'conversations', 10);
    const only = listOption(args, 'only') ?? Object.keys(SCENARIOS);
    const unknown = only.filter((name) => !(name in SCENARIOS));
    if (unknown.length)
      throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`);

    progress('compiling src/ for the child bridge');
    const build = await buildBridge();
    const results: Record<string, StoredResult> = {};
    const measuredAt = new Date().toISOString();
    try {
      for (const name of only) {
        progress(`scenario ${name}`);
        try {
          const loadBefore = os.loadavg()[0]!.toFixed(2);
          const result = await SCENARIOS[name]!({
            mainJs: build.mainJs,
            rate,
            conversations,
            scaled: (nominal) => Math.max(2, Math.round((nominal * seconds) / 60)),
            progress: (message) => progress(`${name}: ${message}`),
          });
          result.notes.push(
            `machine load average (1 min) ${loadBefore} before, ${os.loadavg()[0]!.toFixed(2)} after`,
          );
          results[name] = { ...result, measuredAt };
        } catch (error) {
          results[name] = { error: (error as Error).stack ?? String(error), measuredAt };
        }
      }
    } finally {
      await build.remove();
    }
    process.stderr.write(`${renderFaultTable(results)}\n`);
    const carried = Object.entries(storedResults()).filter(([name]) => !(name in results));
    for (const [name, result] of carried) results[name] = result;
    const metrics: Metric[] = [];
    for (const [name, result] of Object.entries(results)) {
      if ('error' in result) continue;
      metrics.push(
        { name: `${name}: acknowledged`, value: result.acknowledged, unit: 'messages' },
        {
          name: `${name}: never at Meta`,
          value: result.never,
          unit: 'messages',
          target: { kind: 'max', value: 0 },
        },
        {
          name: `${name}: at Meta more than once`,
          value: result.duplicates,
          unit: 'messages',
          target: { kind: 'max', value: 0 },
        },
      );
    }
    return {
      metrics,
      notes: [
        `machine: ${os.cpus().length} cores, load average ${os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')} at the end`,
        `load: ${rate} webhooks/s over 2 tenants × ${conversations} conversations; fault durations scaled by ${seconds}/60`,
        ...(carried.length
          ? [
              `carried over from earlier runs (see each scenario's measuredAt): ${carried.map(([name]) => name).join(', ')}`,
            ]
          : []),
      ],
      extra: { scenarios: results },
    };
  },
});
