import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { PostgresEventStore } from '../../../src/events/store/postgres-event-store';
import { runLoad, type LoadResult } from '../latency';
import { benchData, benchEvent } from './payload';

/**
 * The append scenarios, each against the same events table: single-event appends to new streams (expected 0, the
 * webhook case) and to existing streams (expected = the stream's position, the follow-up events), and the baseline:
 * a plain single-row INSERT of the same row into a copy of the table with the same indexes and constraints.
 */
export interface AppendScenarios {
  newStreams(workers: number, operations: number): Promise<LoadResult>;
  existingStreams(workers: number, operations: number): Promise<LoadResult>;
  baselineInsert(workers: number, operations: number): Promise<LoadResult>;
}

const STREAMS_PER_WORKER = 250;

export const appendScenarios = async (pool: Pool): Promise<AppendScenarios> => {
  const store = new PostgresEventStore(pool);
  await pool.query('CREATE TABLE baseline_events (LIKE events INCLUDING ALL)');
  let run = 0;

  return {
    newStreams: (workers, operations) => {
      const tag = ++run;
      return runLoad(operations, workers, (index) =>
        store.appendToStream(`outbound-bench-${tag}-${index}`, 0, [benchEvent(index)]),
      );
    },

    existingStreams: async (workers, operations) => {
      const tag = ++run;
      // Each worker owns its streams, so expected positions are exact and no append conflicts.
      const positions = Array.from({ length: workers }, () => new Array<number>(STREAMS_PER_WORKER).fill(0));
      const streamOf = (worker: number, slot: number) => `conversation-bench-${tag}-${worker}-${slot}`;
      await runLoad(workers * STREAMS_PER_WORKER, workers, async (index) => {
        const worker = index % workers;
        const slot = Math.floor(index / workers);
        const created = await store.appendToStream(streamOf(worker, slot), 0, [benchEvent(index)]);
        positions[worker]![slot] = created.nextExpectedPosition;
      });
      const counters = new Array<number>(workers).fill(0);
      return runLoad(operations, workers, async (index, worker) => {
        const slot = counters[worker]!++ % STREAMS_PER_WORKER;
        const expected = positions[worker]![slot]!;
        const result = await store.appendToStream(streamOf(worker, slot), expected, [benchEvent(index)]);
        positions[worker]![slot] = result.nextExpectedPosition;
      });
    },

    baselineInsert: (workers, operations) => {
      const tag = ++run;
      return runLoad(operations, workers, (index) =>
        pool.query({
          name: 'bench_baseline_insert',
          text: `INSERT INTO baseline_events (stream_id, stream_position, event_id, type, version, tenant_id,
              conversation_id, occurred_at, data, metadata)
            VALUES ($1, 1, $2, 'WebhookReceived', 1, 'bench-tenant', $3, now(), $4, '{}')`,
          values: [
            `outbound-bench-${tag}-${index}`,
            randomUUID(),
            `bench-conv-${index % 1000}`,
            JSON.stringify(benchData(index)),
          ],
        }),
      );
    },
  };
};
