import fc from 'fast-check';
import type { Pool } from 'pg';
import { createTestDatabase } from '../../../test/support/database';
import { createPool } from '../../infra/postgres';
import { GroupCommitEventStore } from './group-commit';
import { PostgresEventStore } from './postgres-event-store';
import { newEvent, newEvents } from './testing/new-events';
import { EventIdConflict, ExpectedVersionConflict, type AppendResult } from './types';

let drop: () => Promise<void>;
let databaseUrl: string;
let pool: Pool;
/** Reads through connections of their own: what another process would see. */
let reader: PostgresEventStore;
let readerPool: Pool;
let streamCounter = 0;
const freshStream = () => `group-commit-${++streamCounter}`;

/** One batch at a time: the first append of a burst goes alone, all the others of the burst wait and go together. */
const oneAtATime = () => new GroupCommitEventStore(pool, { maxInFlight: 1, maxBatch: 32 });

const transactionOf = async (streamId: string): Promise<string[]> =>
  (
    await pool.query<{ id: string }>(
      'SELECT DISTINCT transaction_id::text AS id FROM events WHERE stream_id = $1',
      [streamId],
    )
  ).rows.map((row) => row.id);

beforeAll(async () => {
  const database = await createTestDatabase('group_commit');
  drop = database.drop;
  databaseUrl = database.url;
  pool = createPool(databaseUrl, { max: 6 });
  readerPool = createPool(databaseUrl, { max: 2 });
  reader = new PostgresEventStore(readerPool);
});

afterAll(async () => {
  await Promise.all([pool.end(), readerPool.end()]);
  await drop();
});

describe('GroupCommitEventStore', () => {
  it('commits a burst of appends to different streams in one transaction, each answered once it is readable', async () => {
    const store = oneAtATime();
    const streams = Array.from({ length: 12 }, freshStream);
    const seenAtAnswer = await Promise.all(
      streams.map(async (stream, index) => {
        const result = await store.appendToStream(stream, 0, newEvents(1 + (index % 3)), {
          correlationId: `c-${index}`,
        });
        // Durable before the answer: another connection reads it the moment the caller is told.
        return { result, read: await reader.readStream(stream) };
      }),
    );
    for (const { result, read } of seenAtAnswer) {
      expect(result.duplicate).toBe(false);
      expect(result.stored).toEqual(read);
      expect(result.nextExpectedPosition).toBe(read.length);
      expect(result.globalPositions).toEqual(read.map((event) => event.globalPosition));
    }
    const transactions = new Set((await Promise.all(streams.map(transactionOf))).flat());
    // The first went alone; the eleven that arrived while it was in flight shared one transaction.
    expect(transactions.size).toBe(2);
  });

  it('fails an append whose expected version does not hold, and only that one', async () => {
    const store = oneAtATime();
    const [occupied, ...others] = Array.from({ length: 6 }, freshStream);
    await store.appendToStream(occupied!, 0, newEvents(2));
    const outcomes = await Promise.allSettled([
      store.appendToStream(others[0]!, 0, newEvents(1)), // goes alone
      store.appendToStream(others[1]!, 0, newEvents(1)),
      store.appendToStream(occupied!, 1, newEvents(1)), // actual 2
      store.appendToStream(others[2]!, 0, newEvents(2)),
      store.appendToStream(others[3]!, 7, newEvents(1)), // the stream does not exist
      store.appendToStream(others[4]!, 'any', newEvents(1)),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    const conflict = (outcomes[2] as PromiseRejectedResult).reason as ExpectedVersionConflict;
    expect(conflict).toBeInstanceOf(ExpectedVersionConflict);
    expect([conflict.streamId, conflict.expected, conflict.actual]).toEqual([occupied, 1, 2]);
    expect((outcomes[4] as PromiseRejectedResult).reason).toMatchObject({
      code: 'ExpectedVersionConflict',
      actual: 0,
    });
    expect(await reader.readStream(occupied!)).toHaveLength(2);
    expect(await reader.readStream(others[3]!)).toEqual([]);
    // The conflicts rolled back alone: the batch around them committed, in one transaction.
    const batched = [others[1]!, others[2]!, others[4]!];
    expect(new Set((await Promise.all(batched.map(transactionOf))).flat()).size).toBe(1);
  });

  it('keeps every other error to its own append, typed as a single append would be', async () => {
    const store = oneAtATime();
    const [first, good, reused, broken] = Array.from({ length: 4 }, freshStream);
    const stored = newEvent();
    await store.appendToStream(first!, 0, [stored]);
    const outcomes = await Promise.allSettled([
      store.appendToStream(freshStream(), 0, newEvents(1)), // goes alone
      store.appendToStream(good!, 0, newEvents(1)),
      store.appendToStream(reused!, 0, [stored, newEvent()]), // an event id stored in another stream
      store.appendToStream(broken!, 0, [newEvent({ eventId: 'not-a-uuid' })]),
    ]);
    expect(outcomes[1]!.status).toBe('fulfilled');
    expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(EventIdConflict);
    expect((outcomes[3] as PromiseRejectedResult).reason).toMatchObject({ code: '22P02' });
    expect(await reader.readStream(good!)).toHaveLength(1);
    expect(await reader.readStream(reused!)).toEqual([]);
  });

  it('answers a retried append with the original positions, as a duplicate', async () => {
    const store = oneAtATime();
    const stream = freshStream();
    const events = newEvents(2);
    const [, first] = await Promise.all([
      store.appendToStream(freshStream(), 0, newEvents(1)),
      store.appendToStream(stream, 0, events),
    ]);
    const [, again] = await Promise.all([
      store.appendToStream(freshStream(), 0, newEvents(1)),
      store.appendToStream(stream, 0, events),
    ]);
    expect(again).toEqual({
      nextExpectedPosition: 2,
      globalPositions: first!.globalPositions,
      duplicate: true,
    });
  });

  it('puts a second append to a stream of the batch into the next one, in the order asked', async () => {
    const store = oneAtATime();
    const stream = freshStream();
    const results = await Promise.all([
      store.appendToStream(freshStream(), 0, newEvents(1)), // goes alone
      store.appendToStream(stream, 0, newEvents(1)),
      store.appendToStream(stream, 1, newEvents(2)),
      store.appendToStream(stream, 3, newEvents(1)),
    ]);
    expect(results.slice(1).map((result: AppendResult) => result.nextExpectedPosition)).toEqual([1, 3, 4]);
    expect(await transactionOf(stream)).toHaveLength(3);
  });

  it('when the batch as a whole fails, answers each append with its own outcome', async () => {
    // A stream lock held elsewhere makes the batch wait at its start until the statement timeout ends it.
    const impatient = createPool(databaseUrl, { max: 3, statement_timeout: 500 });
    const store = new GroupCommitEventStore(impatient, { maxInFlight: 1, maxBatch: 32 });
    const holder = await pool.connect();
    const [blocked, free1, free2] = Array.from({ length: 3 }, freshStream);
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(1163285332, hashtext($1))', [blocked]);
      const outcomes = await Promise.allSettled([
        store.appendToStream(free1!, 0, newEvents(1)), // goes alone
        store.appendToStream(blocked!, 0, newEvents(1)),
        store.appendToStream(free2!, 0, newEvents(1)),
      ]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: '57014' });
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
      await impatient.end();
    }
    expect(await reader.readStream(free2!)).toHaveLength(1);
    expect(await reader.readStream(blocked!)).toEqual([]);
  });

  it('keeps each stream in $all order: positions grow with (transaction id, global position)', async () => {
    // Batched and single appends, from two stores and several connections, racing on a few shared streams.
    const batching = new GroupCommitEventStore(pool, { maxInFlight: 2, maxBatch: 8 });
    const single = new PostgresEventStore(pool);
    const streams = Array.from({ length: 4 }, freshStream);
    await Promise.all(
      Array.from({ length: 120 }, (_, index) =>
        (index % 3 === 0 ? single : batching).appendToStream(
          streams[index % streams.length]!,
          'any',
          newEvents(1 + (index % 2)),
        ),
      ),
    );
    const { rows } = await pool.query<{ stream_id: string; stream_position: string }>(
      `SELECT stream_id, stream_position FROM events WHERE stream_id = ANY ($1)
        ORDER BY transaction_id, global_position`,
      [streams],
    );
    for (const stream of streams) {
      const positions = rows
        .filter((row) => row.stream_id === stream)
        .map((row) => Number(row.stream_position));
      expect(positions).toEqual(positions.map((_, index) => index + 1));
    }
  });

  it('gives each append of a burst the outcome it would have alone (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            before: fc.integer({ min: 0, max: 2 }),
            // 'right' asks for the stream's position, 'any' for no check, a number for a wrong one.
            ask: fc.oneof(
              fc.constant<'right'>('right'),
              fc.constant<'any'>('any'),
              fc.integer({ min: 3, max: 5 }),
            ),
            count: fc.integer({ min: 1, max: 3 }),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        async (plans) => {
          const store = new GroupCommitEventStore(pool, { maxInFlight: 1, maxBatch: 6 });
          const streams = plans.map(freshStream);
          await Promise.all(
            plans.map((plan, index) =>
              plan.before ? store.appendToStream(streams[index]!, 0, newEvents(plan.before)) : undefined,
            ),
          );
          const outcomes = await Promise.allSettled(
            plans.map((plan, index) =>
              store.appendToStream(
                streams[index]!,
                plan.ask === 'right' ? plan.before : plan.ask,
                newEvents(plan.count),
              ),
            ),
          );
          for (const [index, plan] of plans.entries()) {
            const read = await reader.readStream(streams[index]!);
            const outcome = outcomes[index]!;
            if (typeof plan.ask === 'number') {
              expect(outcome.status).toBe('rejected');
              expect((outcome as PromiseRejectedResult).reason).toMatchObject({
                code: 'ExpectedVersionConflict',
                actual: plan.before,
              });
              expect(read).toHaveLength(plan.before);
            } else {
              expect(outcome.status).toBe('fulfilled');
              expect((outcome as PromiseFulfilledResult<AppendResult>).value.stored).toEqual(
                read.slice(plan.before),
              );
            }
          }
        },
      ),
      { numRuns: 15 },
    );
  });
});
