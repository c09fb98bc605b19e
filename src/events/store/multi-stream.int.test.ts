import type { Pool } from 'pg';
import { createTestDatabase } from '../../../test/support/database';
import { createPool } from '../../infra/postgres';
import { PostgresEventStore } from './postgres-event-store';
import { newEvent, newEvents } from './testing/new-events';
import { START_OF_ALL } from './types';

jest.setTimeout(60_000);

let drop: () => Promise<void>;
let pool: Pool;
let store: PostgresEventStore;
let streamCounter = 0;
const freshStream = () => `conversation-multi-${++streamCounter}`;

beforeAll(async () => {
  const database = await createTestDatabase('multi_stream');
  drop = database.drop;
  pool = createPool(database.url, { max: 8 });
  store = new PostgresEventStore(pool);
});

afterAll(async () => {
  await pool.end();
  await drop();
});

describe('readStreams', () => {
  it("answers each stream's events in stream order, and [] for a stream that does not exist", async () => {
    const [a, b, missing] = [freshStream(), freshStream(), freshStream()];
    await store.appendToStream(a, 0, newEvents(3));
    await store.appendToStream(b, 0, newEvents(2));
    await store.appendToStream(a, 3, newEvents(1));

    const streams = await store.readStreams([b, missing, a]);

    expect(streams.get(a)).toEqual(await store.readStream(a));
    expect(streams.get(a)!.map((event) => event.streamPosition)).toEqual([1, 2, 3, 4]);
    expect(streams.get(b)).toEqual(await store.readStream(b));
    expect(streams.get(missing)).toEqual([]);
  });
});

describe('appendToStreams', () => {
  it('appends to the streams still at their expected position and reports the others untouched', async () => {
    const [current, moved, fresh] = [freshStream(), freshStream(), freshStream()];
    await store.appendToStream(current, 0, newEvents(2));
    await store.appendToStream(moved, 0, newEvents(2));

    const outcomes = await store.appendToStreams([
      { streamId: current, expected: 2, events: newEvents(2), metadata: { causationId: 'c-1' } },
      { streamId: moved, expected: 1, events: newEvents(1) },
      { streamId: fresh, expected: 0, events: newEvents(1) },
    ]);

    expect(outcomes).toEqual([
      { streamId: current, appended: true, nextExpectedPosition: 4 },
      { streamId: moved, appended: false, actual: 2 },
      { streamId: fresh, appended: true, nextExpectedPosition: 1 },
    ]);
    expect((await store.readStream(current)).map((event) => event.metadata)).toEqual([
      {},
      {},
      { causationId: 'c-1' },
      { causationId: 'c-1' },
    ]);
    expect(await store.readStream(moved)).toHaveLength(2);
    expect(await store.readStream(fresh)).toHaveLength(1);
  });

  it('writes chained appends to one stream in order, each with its own metadata, in one transaction', async () => {
    const stream = freshStream();
    await store.appendToStream(stream, 0, newEvents(1));
    const [first, second] = [newEvent(), newEvent()];

    await store.appendToStreams([
      { streamId: stream, expected: 1, events: [first], metadata: { causationId: 'webhook-1' } },
      { streamId: stream, expected: 2, events: [second], metadata: { causationId: 'webhook-2' } },
    ]);

    const stored = await store.readStream(stream);
    expect(stored.map((event) => [event.eventId, event.causationId])).toEqual([
      [stored[0]!.eventId, null],
      [first.eventId, 'webhook-1'],
      [second.eventId, 'webhook-2'],
    ]);
    expect(stored[1]!.transactionId).toBe(stored[2]!.transactionId);
  });

  it('refuses appends to one stream that do not follow each other, writing nothing', async () => {
    const stream = freshStream();
    await expect(
      store.appendToStreams([
        { streamId: stream, expected: 0, events: newEvents(2) },
        { streamId: stream, expected: 1, events: newEvents(1) },
      ]),
    ).rejects.toThrow(RangeError);
    expect(await store.readStream(stream)).toEqual([]);
  });

  it('keeps every stream in commit order when batches and single appends race on the same streams', async () => {
    const streams = Array.from({ length: 6 }, freshStream);
    // Batches over overlapping streams in different orders, and single appends, until each stream has moved a lot.
    const appendUntilDone = async (ids: string[]) => {
      for (let round = 0; round < 15; round++) {
        const positions = await store.readStreams(ids);
        await store.appendToStreams(
          ids.map((streamId) => ({
            streamId,
            expected: positions.get(streamId)!.at(-1)?.streamPosition ?? 0,
            events: newEvents(1),
          })),
        );
      }
    };
    const single = async (streamId: string) => {
      for (let round = 0; round < 15; round++) await store.appendToStream(streamId, 'any', newEvents(1));
    };
    await Promise.all([
      appendUntilDone(streams.slice(0, 4)),
      appendUntilDone([...streams].reverse()),
      appendUntilDone(streams.slice(2)),
      single(streams[1]!),
      single(streams[4]!),
    ]);

    // $all order (transaction id, global position) must give each stream's positions in increasing order.
    const all = await store.readAll({ after: START_OF_ALL, limit: 100_000 });
    for (const streamId of streams) {
      const positions = all.filter((event) => event.streamId === streamId).map((e) => e.streamPosition);
      expect(positions).toEqual(positions.map((_, index) => index + 1));
    }
  });
});
