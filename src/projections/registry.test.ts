import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../infra/config';
import type { Connections } from '../infra/connections';
import { createLogger } from '../infra/logger';
import type { Services } from '../runtime/services';
import { buildWorkers, CONSUMERS } from '../runtime/workers';
import { REBUILDABLE } from './rebuild/rebuild-projection';
import { consumerNameOf, PROJECTIONS } from './registry';

const srcDir = path.resolve(__dirname, '..');

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [file] : [];
  });

describe('the projection registry is the one list of projections', () => {
  it('has projections, each named once', () => {
    const names = PROJECTIONS.map((projection) => projection.name);
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names).size).toBe(names.length);
  });

  it('every registered projection is run live by the projector role, with its dead letters retryable', () => {
    const config = loadConfig({});
    // Built, not started: nothing here opens a connection, so none is given.
    const workers = buildWorkers(
      new Set(['projector']),
      config,
      {} as Connections,
      {} as Services,
      createLogger('silent'),
    );
    const projectionWorkers = workers.filter((worker) => worker.name.startsWith('projection.'));
    expect(projectionWorkers.map((worker) => worker.name)).toEqual(PROJECTIONS.map(consumerNameOf));
    expect(projectionWorkers.map((worker) => worker.deadLetters?.source)).toEqual(
      PROJECTIONS.map((projection) => projection.name),
    );
  });

  it('every registered projection is rebuildable', () => {
    expect([...REBUILDABLE]).toEqual(PROJECTIONS.map((projection) => projection.name));
  });

  it('every registered projection is metered (consumer lag, `bridge projections status`) with its topics', () => {
    const metered = CONSUMERS.filter((consumer) => consumer.name.startsWith('projection.'));
    expect(metered).toEqual(
      PROJECTIONS.map((projection) => ({ name: consumerNameOf(projection), topics: projection.topics })),
    );
  });

  it('no other source file names a projection: its name is written in its definition file only', () => {
    const files = sourceFiles(srcDir);
    for (const projection of PROJECTIONS) {
      const quoted = new RegExp(`['"\`](projection\\.)?${projection.name.replace(/[.-]/g, '\\$&')}['"\`]`);
      const naming = files.filter((file) => quoted.test(readFileSync(file, 'utf8')));
      expect(naming.map((file) => path.relative(srcDir, file))).toHaveLength(1);
    }
  });
});
