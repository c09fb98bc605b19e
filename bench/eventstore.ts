/**
 * Event store benchmark: append throughput and latency (1 and 8 writers, new and existing streams) beside a plain
 * INSERT baseline measured in the same run, $all read throughput, and relay throughput to Kafka. Everything runs in
 * a database created for the run and dropped after it.
 *
 *   npm run bench -- eventstore [--repeat 3] [--events 200000] [--relay-events 50000]
 */
import { PostgresEventStore } from '../src/events/store/postgres-event-store';
import { defineBench, type Metric } from './lib/bench';
import { appendScenarios } from './lib/eventstore/appends';
import { fillEvents } from './lib/eventstore/fill';
import { readAllThroughput } from './lib/eventstore/read-all';
import { relayThroughput } from './lib/eventstore/relay-throughput';
import { createFreshDatabase } from './lib/fresh-database';
import type { LoadResult } from './lib/latency';

const option = (args: string[], name: string, fallback: number): number => {
  const index = args.indexOf(`--${name}`);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
};

const progress = (message: string) => process.stderr.write(`  … ${message}\n`);

/** The run with the median throughput: one slow or lucky run (a busy neighbour, a checkpoint) does not decide. */
const median = (runs: LoadResult[]): LoadResult =>
  [...runs].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(runs.length / 2)]!;

const loadMetrics = (label: string, result: LoadResult, targets = false): Metric[] => [
  {
    name: `${label}: throughput`,
    value: result.perSecond,
    unit: 'events/s',
    ...(targets && { target: { kind: 'min' as const, value: 3000 } }),
  },
  { name: `${label}: p50 latency`, value: result.p50Ms, unit: 'ms' },
  {
    name: `${label}: p99 latency`,
    value: result.p99Ms,
    unit: 'ms',
    ...(targets && { target: { kind: 'max' as const, value: 10 } }),
  },
];

export default defineBench({
  description: 'appends vs plain INSERT, readAll, relay to Kafka (fresh database, dropped after)',
  run: async (args) => {
    const repeat = option(args, 'repeat', 3);
    const totalEvents = option(args, 'events', 200_000);
    const relayEvents = option(args, 'relay-events', 50_000);
    const db = await createFreshDatabase('eventstore', 12);
    const store = new PostgresEventStore(db.pool);
    const metrics: Metric[] = [];
    const notes: string[] = [];
    try {
      const scenarios = await appendScenarios(db.pool);
      await scenarios.newStreams(8, 500); // warm-up: connections, prepared statements, caches

      for (const workers of [1, 8]) {
        const operations = workers === 1 ? 2000 : 8000;
        const runs = {
          baseline: [] as LoadResult[],
          fresh: [] as LoadResult[],
          existing: [] as LoadResult[],
        };
        for (let round = 1; round <= repeat; round++) {
          progress(`${workers} writer(s), round ${round}/${repeat}`);
          // Interleaved, so that a noisy moment hits all three alike.
          runs.baseline.push(await scenarios.baselineInsert(workers, operations));
          runs.fresh.push(await scenarios.newStreams(workers, operations));
          runs.existing.push(await scenarios.existingStreams(workers, operations));
        }
        const writers = `${workers} writer${workers === 1 ? '' : 's'}`;
        const [baseline, fresh, existing] = [
          median(runs.baseline),
          median(runs.fresh),
          median(runs.existing),
        ];
        metrics.push(
          ...loadMetrics(`append, ${writers}, new streams`, fresh, workers === 8),
          ...loadMetrics(`append, ${writers}, existing streams`, existing, workers === 8),
          ...loadMetrics(`baseline INSERT, ${writers}`, baseline),
          {
            name: `append/baseline throughput, ${writers}, new streams`,
            value: fresh.perSecond / baseline.perSecond,
            unit: 'ratio',
          },
          {
            name: `append/baseline throughput, ${writers}, existing streams`,
            value: existing.perSecond / baseline.perSecond,
            unit: 'ratio',
          },
        );
      }
      notes.push(
        `appends: one event each (~600-byte payload), closed loop; median of ${repeat} interleaved rounds`,
        'baseline: single-row INSERT of the same row into a copy of events with the same indexes',
      );

      progress(`filling to ${totalEvents.toLocaleString('en-US')} events`);
      await fillEvents(db.pool, totalEvents);
      progress('reading $all');
      const read = await readAllThroughput(store, 5000);
      metrics.push({
        name: `readAll, ${read.events.toLocaleString('en-US')} events, pages of 5000`,
        value: read.perSecond,
        unit: 'events/s',
        target: { kind: 'min', value: 50_000 },
      });

      progress(`relaying ${relayEvents.toLocaleString('en-US')} events to Kafka`);
      const relay = await relayThroughput(db.pool, store, relayEvents);
      if (relay.ok) {
        metrics.push({
          name: `relay to Kafka, ${relay.events.toLocaleString('en-US')} events, acks=all`,
          value: relay.perSecond,
          unit: 'events/s',
          target: { kind: 'min', value: 5000 },
        });
      } else {
        notes.push(`relay not measured: ${relay.reason}`);
      }
      return { metrics, notes };
    } finally {
      await db.drop();
    }
  },
});
