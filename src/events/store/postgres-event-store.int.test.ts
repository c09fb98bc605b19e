import { Client, type Pool } from 'pg';
import { createPool } from '../../infra/postgres';
import { createTestDatabase } from '../../../test/support/database';
import { PostgresEventStore } from './postgres-event-store';
import { newEvent, newEvents } from './testing/new-events';
import { EventIdConflict, ExpectedVersionConflict } from './types';

let drop: () => Promise<void>;
let databaseUrl: string;
let pool: Pool;
let store: PostgresEventStore;
let streamCounter = 0;
const freshStream = () => `conversation-t-${++streamCounter}`;

const countEvents = async (): Promise<number> =>
  (await pool.query<{ n: number }>('SELECT count(*)::integer AS n FROM events')).rows[0]!.n;

beforeAll(async () => {
  const database = await createTestDatabase('event_store');
  drop = database.drop;
  databaseUrl = database.url;
  pool = createPool(database.url, { max: 12 });
  store = new PostgresEventStore(pool);
});

afterAll(async () => {
  await pool.end();
  await drop();
});

describe('appendToStream', () => {
  it('answers with the events exactly as reading them back gives them', async () => {
    const stream = freshStream();
    await store.appendToStream(stream, 0, [newEvent({ conversationId: 'c-9' })]);
    const events = [
      newEvent({
        type: 'Timed',
        conversationId: 'c-9',
        occurredAt: '2024-05-01T12:00:00+02:00',
        data: { z: 1, a: [1, { b: null }] },
      }),
      newEvent({ type: 'Untimed', conversationId: null, data: {} }),
    ];
    const result = await store.appendToStream(stream, 1, events, {
      correlationId: 'corr-9',
      causationId: 'c',
    });

    expect(result.stored).toEqual((await store.readStream(stream)).slice(1));
    // Inside a caller's transaction too (the id and the time are that transaction's).
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const inTx = await new PostgresEventStore(client).appendToStream(stream, 3, [
        newEvent({ conversationId: 'c-9' }),
      ]);
      await client.query('COMMIT');
      expect(inTx.stored).toEqual((await store.readStream(stream)).slice(3));
    } finally {
      client.release();
    }
    // A duplicate wrote nothing, so it has nothing to show.
    expect((await store.appendToStream(stream, 0, events)).stored).toBeUndefined();
  });

  it('stores events with consecutive stream positions and the full envelope', async () => {
    const stream = freshStream();
    const events = [
      newEvent({
        type: 'First',
        conversationId: 'c-1',
        occurredAt: '2024-05-01T10:00:00.123Z',
        data: { a: 1 },
      }),
      newEvent({ type: 'Second', version: 2, conversationId: 'c-1', data: { b: [1, 2] } }),
    ];
    const result = await store.appendToStream(stream, 0, events, {
      correlationId: 'corr-1',
      causationId: 'cause-1',
    });

    expect(result.nextExpectedPosition).toBe(2);
    expect(result.duplicate).toBe(false);
    expect(result.globalPositions).toHaveLength(2);
    expect(BigInt(result.globalPositions[1]!)).toBeGreaterThan(BigInt(result.globalPositions[0]!));

    const stored = await store.readStream(stream);
    expect(stored.map((event) => [event.eventId, event.streamPosition, event.globalPosition])).toEqual([
      [events[0]!.eventId, 1, result.globalPositions[0]],
      [events[1]!.eventId, 2, result.globalPositions[1]],
    ]);
    expect(stored[0]).toMatchObject({
      type: 'First',
      version: 1,
      streamId: stream,
      tenantId: 'tenant-a',
      conversationId: 'c-1',
      occurredAt: '2024-05-01T10:00:00.123Z',
      correlationId: 'corr-1',
      causationId: 'cause-1',
      metadata: { correlationId: 'corr-1', causationId: 'cause-1' },
      data: { a: 1 },
    });
    expect(stored[1]!.version).toBe(2);
    // occurredAt defaults to the recording time; both are ISO-8601 UTC strings.
    expect(stored[1]!.occurredAt).toBe(stored[1]!.recordedAt);
    expect(stored[1]!.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(stored[0]!.transactionId).toBe(stored[1]!.transactionId);
  });

  it('appends when the expected position matches and rejects a stale one with the actual position', async () => {
    const stream = freshStream();
    await store.appendToStream(stream, 0, newEvents(2));
    const next = await store.appendToStream(stream, 2, newEvents(1));
    expect(next.nextExpectedPosition).toBe(3);

    const error = await store.appendToStream(stream, 2, newEvents(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExpectedVersionConflict);
    expect(error).toMatchObject({ streamId: stream, expected: 2, actual: 3 });
    expect((await store.readStream(stream)).length).toBe(3);
  });

  it('rejects expected 0 on an existing stream', async () => {
    const stream = freshStream();
    await store.appendToStream(stream, 0, newEvents(1));
    const before = await countEvents();

    const error = await store.appendToStream(stream, 0, newEvents(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExpectedVersionConflict);
    expect(error).toMatchObject({ expected: 0, actual: 1 });
    expect(await countEvents()).toBe(before);
  });

  it('rejects a positive expected position on a stream that does not exist', async () => {
    const error = await store.appendToStream(freshStream(), 3, newEvents(1)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ExpectedVersionConflict', actual: 0 });
  });

  it("appends with 'any' whether or not the stream exists", async () => {
    const stream = freshStream();
    expect((await store.appendToStream(stream, 'any', newEvents(2))).nextExpectedPosition).toBe(2);
    expect((await store.appendToStream(stream, 'any', newEvents(1))).nextExpectedPosition).toBe(3);
  });

  it('lets exactly one of many concurrent writers with the same expected position win', async () => {
    const stream = freshStream();
    await store.appendToStream(stream, 0, newEvents(1));

    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () => store.appendToStream(stream, 1, newEvents(2))),
    );

    const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const losers = outcomes.flatMap((outcome) =>
      outcome.status === 'rejected' ? [outcome.reason as unknown] : [],
    );
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(9);
    for (const loser of losers) {
      expect(loser).toBeInstanceOf(ExpectedVersionConflict);
      expect(loser).toMatchObject({ expected: 1, actual: 3 });
    }
    expect((await store.readStream(stream)).map((event) => event.streamPosition)).toEqual([1, 2, 3]);
  });

  it('lets exactly one of many concurrent creators of a new stream win', async () => {
    const stream = freshStream();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () => store.appendToStream(stream, 0, newEvents(1))),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(ExpectedVersionConflict);
    }
    expect(await store.readStream(stream)).toHaveLength(1);
  });

  it('answers a re-append of stored event ids with the original positions and writes nothing', async () => {
    const stream = freshStream();
    const events = newEvents(2);
    const first = await store.appendToStream(stream, 0, events);
    await store.appendToStream(stream, 2, newEvents(1));
    const before = await countEvents();

    // Still expecting 0, as a retried webhook would: the retry is recognised before the position check.
    const again = await store.appendToStream(stream, 0, events);

    expect(again).toEqual({
      nextExpectedPosition: 2,
      globalPositions: first.globalPositions,
      duplicate: true,
    });
    expect(await countEvents()).toBe(before);
    expect((await store.readStream(stream)).length).toBe(3);
  });

  it('answers a retry that races the original append as a duplicate, not as a conflict', async () => {
    const stream = freshStream();
    const events = newEvents(3);
    // The original append is still uncommitted when its retry arrives (a webhook retried while we were slow).
    const original = await pool.connect();
    try {
      await original.query('BEGIN');
      const first = await new PostgresEventStore(original).appendToStream(stream, 0, events);
      const retry = store.appendToStream(stream, 0, events);
      await new Promise((resolve) => setTimeout(resolve, 100)); // let the retry reach the server and wait there
      await original.query('COMMIT');

      expect(await retry).toEqual({
        nextExpectedPosition: 3,
        globalPositions: first.globalPositions,
        duplicate: true,
      });
      expect(await store.readStream(stream)).toHaveLength(3);
    } finally {
      original.release();
    }
  });

  it('rejects a batch in which only some event ids are stored, and writes none of it', async () => {
    const stream = freshStream();
    const [stored] = newEvents(1);
    await store.appendToStream(stream, 0, [stored!]);
    const before = await countEvents();

    const error = await store.appendToStream(stream, 'any', [stored!, newEvent()]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventIdConflict);
    expect(await countEvents()).toBe(before);
  });

  it('rejects an event id that is already stored in another stream', async () => {
    const event = newEvent();
    await store.appendToStream(freshStream(), 0, [event]);
    const error = await store.appendToStream(freshStream(), 0, [event]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventIdConflict);
  });

  it('checks the expectation of an empty append without writing', async () => {
    const stream = freshStream();
    await store.appendToStream(stream, 0, newEvents(2));
    expect(await store.appendToStream(stream, 2, [])).toEqual({
      nextExpectedPosition: 2,
      globalPositions: [],
      duplicate: false,
    });
    await expect(store.appendToStream(stream, 1, [])).rejects.toBeInstanceOf(ExpectedVersionConflict);
  });

  it('finds stored event ids through the index, never by scanning the events table', async () => {
    // 002's lookup joined the event list to events; the planner takes the list for 100 rows, so on a table of a few
    // thousand events it scanned all of them on every append. pg_stat_xact_* counts this transaction's scans.
    // A session of its own: plpgsql caches plans per session, and one made while the table was tiny may scan.
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO events (stream_id, stream_position, event_id, type, version, tenant_id, occurred_at, data)
         SELECT 'conversation-filler-' || g, 1, gen_random_uuid(), 'Filler', 1, 'tenant-f', now(), '{}'
         FROM generate_series(1, 5000) AS g`,
      );
      const inTransaction = new PostgresEventStore(client);
      for (let i = 0; i < 10; i++) await inTransaction.appendToStream(freshStream(), 0, newEvents(2));
      const { rows } = await client.query<{ seq_scan: string; idx_scan: string }>(
        "SELECT seq_scan, idx_scan FROM pg_stat_xact_user_tables WHERE relname = 'events'",
      );
      expect(rows[0]!.seq_scan).toBe('0');
      expect(Number(rows[0]!.idx_scan)).toBeGreaterThanOrEqual(10);
    } finally {
      await client.query('ROLLBACK');
      await client.end();
    }
  });

  it('refuses the same event id twice in one batch and negative expectations', async () => {
    const event = newEvent();
    await expect(store.appendToStream(freshStream(), 0, [event, event])).rejects.toThrow(RangeError);
    await expect(store.appendToStream(freshStream(), -1, newEvents(1))).rejects.toThrow(RangeError);
  });
});

describe('readStream', () => {
  it('reads a stream whole or by an inclusive position range', async () => {
    const stream = freshStream();
    await store.appendToStream(stream, 0, newEvents(5));
    await store.appendToStream(freshStream(), 0, newEvents(2)); // another stream is never mixed in

    const positions = async (range?: { from?: number; to?: number }) =>
      (await store.readStream(stream, range)).map((event) => event.streamPosition);
    expect(await positions()).toEqual([1, 2, 3, 4, 5]);
    expect(await positions({ from: 2, to: 4 })).toEqual([2, 3, 4]);
    expect(await positions({ from: 4 })).toEqual([4, 5]);
    expect(await positions({ to: 2 })).toEqual([1, 2]);
    expect(await positions({ from: 6 })).toEqual([]);
    expect(await store.readStream('conversation-never-written')).toEqual([]);
  });
});

describe('readConversation', () => {
  it("returns one tenant's conversation across streams in commit order", async () => {
    const conversation = { tenantId: 'tenant-r', conversationId: 'conv-r' };
    const link = freshStream();
    const message = `outbound-tenant-r-${++streamCounter}`;
    const linked = newEvent({ ...conversation, type: 'ConversationLinked' });
    const received = newEvent({ ...conversation, type: 'WebhookReceived' });
    const sent = newEvent({ ...conversation, type: 'MessageSent' });
    await store.appendToStream(link, 0, [linked]);
    await store.appendToStream(message, 0, [received]);
    await store.appendToStream(link, 1, [newEvent({ tenantId: 'tenant-r', conversationId: 'other-conv' })]);
    await store.appendToStream(message, 1, [sent]);
    // The same conversation id under another tenant is another conversation.
    await store.appendToStream(freshStream(), 0, [
      newEvent({ tenantId: 'tenant-s', conversationId: 'conv-r' }),
    ]);

    const events = await store.readConversation('tenant-r', 'conv-r');
    expect(events.map((event) => event.eventId)).toEqual([linked.eventId, received.eventId, sent.eventId]);
  });
});
