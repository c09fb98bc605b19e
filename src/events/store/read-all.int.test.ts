import type { Pool, PoolClient } from 'pg';
import { createPool } from '../../infra/postgres';
import { adminDatabaseUrl, createTestDatabase } from '../../../test/support/database';
import { PostgresEventStore } from './postgres-event-store';
import { readAllPages } from './read-all-pages';
import { cursorOf } from './stored-event';
import { newEvent, newEvents } from './testing/new-events';
import { START_OF_ALL, type AllCursor, type StoredEvent } from './types';

let drop: () => Promise<void>;
let pool: Pool;
let store: PostgresEventStore;

beforeAll(async () => {
  const database = await createTestDatabase('read_all');
  drop = database.drop;
  pool = createPool(database.url, { max: 12 });
  store = new PostgresEventStore(pool);
});

afterAll(async () => {
  await pool.end();
  await drop();
});

/** Everything readAll returns after a cursor, paging through. */
const readAllAfter = async (after: AllCursor): Promise<StoredEvent[]> => {
  const events: StoredEvent[] = [];
  for await (const page of readAllPages(store, { after, pageSize: 7 })) events.push(...page);
  return events;
};

/**
 * readAll hides transactions newer than the oldest running one of this database (and one that ended in another
 * database too late to be told apart), so work beside a test can delay (never reorder) what it returns; wait until
 * the expected number is visible.
 */
const readAllEventually = async (after: AllCursor, count: number): Promise<StoredEvent[]> => {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const events = await readAllAfter(after);
    if (events.length >= count || Date.now() > deadline) return events;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

const lastCursor = async (): Promise<AllCursor> => {
  const all = await readAllAfter(START_OF_ALL);
  return all.length ? cursorOf(all[all.length - 1]!) : START_OF_ALL;
};

const inTransaction = async <T>(
  work: (client: PoolClient) => Promise<T>,
): Promise<{ client: PoolClient; value: T }> => {
  const client = await pool.connect();
  await client.query('BEGIN');
  return { client, value: await work(client) };
};

describe('readAll', () => {
  it('returns every event once, in commit order, page after page', async () => {
    const start = await lastCursor();
    const appended: string[] = [];
    for (let i = 0; i < 10; i++) {
      const events = newEvents(1 + (i % 3));
      await store.appendToStream(`conversation-page-${i}`, 0, events);
      appended.push(...events.map((event) => event.eventId));
    }
    const read = await readAllEventually(start, appended.length);
    expect(read.map((event) => event.eventId)).toEqual(appended);
    expect(await store.readAll({ after: cursorOf(read[read.length - 1]!), limit: 100 })).toEqual([]);
  });

  it('never returns an event committed after a later-numbered one before it, and skips nothing', async () => {
    const start = await lastCursor();
    const naiveStart = start.globalPosition;

    // A draws the lower global position and stays open; B draws the higher one and commits first.
    const { client: clientA, value: appendA } = await inTransaction((client) =>
      new PostgresEventStore(client).appendToStream('conversation-gap-a', 0, [newEvent({ type: 'A' })]),
    );
    try {
      const appendB = await store.appendToStream('conversation-gap-b', 0, [newEvent({ type: 'B' })]);
      expect(BigInt(appendB.globalPositions[0]!)).toBeGreaterThan(BigInt(appendA.globalPositions[0]!));

      // The naive reader (cursor on global_position alone) sees B now and moves its cursor past A.
      const naiveFirst = await naiveReadAfter(naiveStart);
      expect(naiveFirst.map((row) => row.type)).toEqual(['B']);

      // The store's reader holds B back while A may still commit below it; the counters see B waiting.
      expect(await store.readAll({ after: start, limit: 100 })).toEqual([]);
      expect(await store.countAfter(start)).toBe(1);
      expect(await store.hasEventsAfter(start)).toBe(true);

      await clientA.query('COMMIT');

      const read = await readAllEventually(start, 2);
      expect(read.map((event) => event.type)).toEqual(['A', 'B']);
      expect(await store.hasEventsAfter(cursorOf(read[1]!))).toBe(false);
      // The naive reader continues after B and never sees A: the bug this store exists to avoid.
      expect(await naiveReadAfter(naiveFirst[naiveFirst.length - 1]!.global_position)).toEqual([]);
    } finally {
      await clientA.query('ROLLBACK').catch(() => undefined); // no-op after COMMIT; ends A if an assertion failed
      clientA.release();
    }
  });

  it('is not held back by a transaction open in another database of the server', async () => {
    const start = await lastCursor();
    const elsewhere = createPool(adminDatabaseUrl(), { max: 1 });
    const other = await elsewhere.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_current_xact_id()'); // older than the append below, and never ends during it
      const appended = newEvents(1);
      await store.appendToStream('conversation-other-database', 0, appended);
      // At once, not eventually: that transaction cannot write here, so nothing can appear below this event.
      const read = await store.readAll({ after: start, limit: 100 });
      expect(read.map((event) => event.eventId)).toEqual([appended[0]!.eventId]);
    } finally {
      await other.query('ROLLBACK').catch(() => undefined);
      other.release();
      await elsewhere.end();
    }
  });

  it('hides nothing after a rolled-back transaction', async () => {
    const start = await lastCursor();
    const { client } = await inTransaction((tx) =>
      new PostgresEventStore(tx).appendToStream('conversation-rolled-back', 0, newEvents(1)),
    );
    const kept = newEvents(1);
    await store.appendToStream('conversation-kept', 0, kept);
    await client.query('ROLLBACK');
    client.release();
    expect((await readAllEventually(start, 1)).map((event) => event.eventId)).toEqual([kept[0]!.eventId]);
  });

  it('orders a stream by position even when its writers draw transaction ids in a race', async () => {
    // The stream lock is taken before the transaction has an id: a writer waiting for a stream holds no xid yet, so
    // it cannot end up with a smaller xid (earlier in $all) than the position it writes after.
    const stream = 'conversation-contended';
    const { client: holder } = await inTransaction((tx) =>
      new PostgresEventStore(tx).appendToStream(stream, 'any', newEvents(1)),
    );
    const waiter = await pool.connect();
    try {
      const { rows } = await waiter.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const waiting = new PostgresEventStore(waiter).appendToStream(stream, 'any', newEvents(1));
      const state = await waitUntilBlocked(rows[0]!.pid);
      expect(state).toEqual({ wait_event: 'advisory', backend_xid: null });
      await holder.query('COMMIT');
      await waiting;
    } finally {
      holder.release();
      waiter.release();
    }

    // Many racing writers: positions in $all order are exactly 1..n.
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = 0; i < 10; i++) await store.appendToStream(stream, 'any', newEvents(1));
      }),
    );
    const inOrder = (await readAllEventually(START_OF_ALL, await store.countAfter(START_OF_ALL))).filter(
      (event) => event.streamId === stream,
    );
    expect(inOrder.map((event) => event.streamPosition)).toEqual(Array.from({ length: 82 }, (_, i) => i + 1));
  });
});

interface NaiveRow {
  global_position: string;
  type: string;
}

/** The reader the store must not be: "everything above the highest global position I have seen". */
const naiveReadAfter = async (globalPosition: string): Promise<NaiveRow[]> =>
  (
    await pool.query<NaiveRow>(
      'SELECT global_position, type FROM events WHERE global_position > $1 ORDER BY global_position',
      [globalPosition],
    )
  ).rows;

const waitUntilBlocked = async (pid: number): Promise<{ wait_event: string; backend_xid: string | null }> => {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { rows } = await pool.query<{
      wait_event: string;
      backend_xid: string | null;
      wait_event_type: string;
    }>('SELECT wait_event_type, wait_event, backend_xid::text FROM pg_stat_activity WHERE pid = $1', [pid]);
    const row = rows[0];
    if (row?.wait_event_type === 'Lock') return { wait_event: row.wait_event, backend_xid: row.backend_xid };
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`backend ${pid} never blocked`);
};
