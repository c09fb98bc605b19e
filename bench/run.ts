/**
 * `npm run bench -- <name> [args…]` runs bench/<name>.ts, prints its table and writes bench/results/<name>.json.
 * A new benchmark is a new file default-exporting `defineBench(…)` (bench/lib/bench.ts); nothing to register here.
 */
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Bench } from './lib/bench';
import { renderTable, writeReport } from './lib/report';

const benchDir = __dirname;
const resultsDir = path.join(benchDir, 'results');

const available = (): string[] =>
  readdirSync(benchDir)
    .filter((file) => file.endsWith('.ts') && file !== 'run.ts')
    .map((file) => file.slice(0, -'.ts'.length))
    .sort();

const fmt = (load: number[]) => load.map((value) => value.toFixed(2)).join(' ');

const isBench = (value: unknown): value is Bench =>
  typeof value === 'object' && value !== null && typeof (value as Bench).run === 'function';

const main = async (): Promise<number> => {
  const [name, ...args] = process.argv.slice(2);
  // Only plain names: the argument picks a file in this folder, never a path elsewhere.
  if (!name || !/^[a-z0-9][a-z0-9-]*$/.test(name) || !existsSync(path.join(benchDir, `${name}.ts`))) {
    const list = available()
      .map((bench) => `  ${bench}`)
      .join('\n');
    process.stderr.write(`usage: npm run bench -- <name> [args…]\nbenchmarks:\n${list}\n`);
    return 2;
  }
  const loaded: unknown = (await import(path.join(benchDir, `${name}.ts`))).default;
  if (!isBench(loaded)) {
    process.stderr.write(`bench/${name}.ts does not default-export defineBench(…)\n`);
    return 2;
  }
  process.stdout.write(`${name}: ${loaded.description}\n`);
  const loadBefore = os.loadavg();
  const report = await loaded.run(args);
  process.stdout.write(`${renderTable(name, report)}\n`);
  const file = await writeReport(resultsDir, name, report, loadBefore);
  process.stdout.write(`load average before ${fmt(loadBefore)}, after ${fmt(os.loadavg())}\n`);
  process.stdout.write(`written to ${path.relative(process.cwd(), file)}\n`);
  return 0;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
