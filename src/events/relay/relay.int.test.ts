import type { ChildProcess } from 'node:child_process';
import { Client } from 'pg';
import { readAllPages } from '../store/read-all-pages';
import { newEvent, newEvents } from '../store/testing/new-events';
import { START_OF_ALL, type StoredEvent } from '../store/types';
import { findLeaderBackend } from './leader-lock';
import { Relay, type RelayDeps } from './relay';
import { createKafkaTestEnv, type KafkaTestEnv } from './testing/kafka-test-env';
import { readTopics, type TopicRecord } from './testing/read-topics';
import { crash, spawnRelay } from './testing/spawn-relay';

// jest.config.js sets testTimeout inside the integration project, where Jest ignores it.
jest.setTimeout(120_000);

let env: KafkaTestEnv;
const relays: Relay[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  env = await createKafkaTestEnv('relay');
});

afterEach(async () => {
  await Promise.all(children.splice(0).map(crash));
  await Promise.all(relays.splice(0).map((relay) => relay.stop()));
});

afterAll(async () => {
  await env.cleanup();
});

const newRelay = (overrides: Partial<RelayDeps> = {}): Relay => {
  const relay = new Relay({
    pool: env.pool,
    store: env.store,
    kafka: env.kafka,
    logger: env.logger,
    topicFor: env.topicFor,
    topics: env.topics,
    batchSize: 1000,
    pollIntervalMs: 100,
    acquireIntervalMs: 200,
    ...overrides,
  });
  relays.push(relay);
  return relay;
};

const topicNames = () => env.topics.map((topic) => topic.name);

const allEvents = async (): Promise<StoredEvent[]> => {
  const events: StoredEvent[] = [];
  for await (const page of readAllPages(env.store)) events.push(...page);
  return events;
};

/** 20 events per conversation, in rounds: its conversation stream and two outbound message streams interleave. */
const appendConversations = async (conversations: number, writers: number, label: string): Promise<void> => {
  const work = Array.from({ length: conversations }, (_, c) => c);
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (let c = work.shift(); c !== undefined; c = work.shift()) {
        const base = { tenantId: 'tenant-r', conversationId: `${label}-conv-${c}` };
        const conversation = `conversation-tenant-r-${label}-${c}`;
        await env.store.appendToStream(conversation, 0, newEvents(5, base));
        await env.store.appendToStream(`outbound-tenant-r-${label}-${c}-a`, 0, newEvents(5, base));
        await env.store.appendToStream(conversation, 5, newEvents(5, base));
        await env.store.appendToStream(`outbound-tenant-r-${label}-${c}-b`, 0, newEvents(5, base));
      }
    }),
  );
};

const groupBy = <T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return groups;
};

/** What a consumer that skips "stream position at or below the last applied" ends up applying, per stream. */
const appliedByPositionSkipping = (records: TopicRecord[]): Map<string, number[]> => {
  const applied = new Map<string, number[]>();
  for (const { event } of records) {
    const positions = applied.get(event.streamId) ?? [];
    if (event.streamPosition > (positions[positions.length - 1] ?? 0)) positions.push(event.streamPosition);
    applied.set(event.streamId, positions);
  }
  return applied;
};

const expectEveryStreamComplete = (records: TopicRecord[], events: StoredEvent[]) => {
  const lastPositions = new Map<string, number>();
  for (const event of events) lastPositions.set(event.streamId, event.streamPosition);
  const applied = appliedByPositionSkipping(records);
  expect(applied.size).toBe(lastPositions.size);
  for (const [stream, last] of lastPositions) {
    expect(applied.get(stream)).toEqual(Array.from({ length: last }, (_, i) => i + 1));
  }
};

describe('Relay', () => {
  it("publishes 10,000 events of 500 conversations with each conversation's order intact", async () => {
    const relay = newRelay();
    await relay.start();
    await appendConversations(500, 8, 'bulk');
    await relay.whenCaughtUp(60_000);

    const events = await allEvents();
    const records = await readTopics(env.kafka, topicNames());
    expect(events).toHaveLength(10_000);
    expect(records).toHaveLength(10_000);
    expect(new Set(records.map((record) => record.event.eventId))).toEqual(
      new Set(events.map((e) => e.eventId)),
    );
    expect(await relay.lag()).toBe(0);

    for (const record of records) {
      expect(record.key).toBe(record.event.conversationId);
      expect(record.eventType).toBe(record.event.type);
      expect(record.topic).toBe(env.topicFor(record.event));
    }
    // One key, one partition; and per topic and key, exactly the order of $all.
    const byTopicAndKey = groupBy(records, (record) => `${record.topic} ${record.key}`);
    const expected = groupBy(events, (event) => `${env.topicFor(event)} ${event.conversationId}`);
    expect(byTopicAndKey.size).toBe(1000);
    for (const [topicAndKey, onTopic] of byTopicAndKey) {
      expect(new Set(onTopic.map((record) => record.partition)).size).toBe(1);
      expect(onTopic.map((record) => record.event.eventId)).toEqual(
        expected.get(topicAndKey)!.map((e) => e.eventId),
      );
    }
    expectEveryStreamComplete(records, events);
  });

  it('is woken by NOTIFY on append instead of waiting for the next poll', async () => {
    const waits: string[] = [];
    const relay = newRelay({
      pollIntervalMs: 60_000,
      onWait: (reason, ended) => waits.push(`${reason}/${ended}`),
    });
    await relay.start();
    await relay.whenCaughtUp(); // now asleep for up to a minute
    await new Promise((resolve) => setTimeout(resolve, 200));

    const started = Date.now();
    await env.store.appendToStream('conversation-tenant-r-notified', 0, [
      newEvent({ conversationId: 'n-1' }),
    ]);
    await relay.whenCaughtUp(30_000);
    // Far below the minute of the poll. (Not milliseconds: a transaction that ended elsewhere on this PostgreSQL
    // server just as the relay looked may hold the event back for a while, see readAllQuery.)
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(waits).toContain('idle/notified');
  });

  it('looks again soon when a NOTIFY woke it for an event an older open transaction still hides', async () => {
    const waits: string[] = [];
    const relay = newRelay({
      pollIntervalMs: 60_000,
      onWait: (reason, ended) => waits.push(`${reason}/${ended}`),
    });
    await relay.start();
    await relay.whenCaughtUp();
    const older = await env.pool.connect();
    try {
      await older.query('BEGIN');
      await older.query('SELECT pg_current_xact_id()'); // holds back readAll's horizon, and will never NOTIFY
      await env.store.appendToStream('conversation-tenant-r-hidden', 0, [
        newEvent({ conversationId: 'h-1' }),
      ]);
      await new Promise((resolve) => setTimeout(resolve, 500)); // the NOTIFY has come and found nothing visible
      expect(await relay.lag()).toBe(1);
      await older.query('COMMIT');
    } finally {
      older.release();
    }
    const released = Date.now();
    await relay.whenCaughtUp(30_000);
    expect(Date.now() - released).toBeLessThan(15_000);
    // Counted as such (bridge_relay_waits_total): the older transaction never notifies, the short timer ends it.
    expect(waits).toContain('hidden/timer');
  });

  it('sends a chunk only once the checkpoint of the chunk before is stored', async () => {
    // One event per send: a page of two events goes out in two sends, each followed by its checkpoint.
    const relay = newRelay({ pollIntervalMs: 100, maxSendBytes: 1 });
    await relay.start();
    await relay.whenCaughtUp();
    const published = relay.published;
    const blocker = await env.pool.connect();
    try {
      // Holds back the relay's checkpoint UPDATE without an xid of its own, so readAll still sees new events.
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE relay_checkpoints IN SHARE MODE');
      await env.store.appendToStream(
        'conversation-tenant-r-fenced',
        0,
        newEvents(2, { conversationId: 'f-1' }),
      );
      await waitFor(async () => relay.published === published + 1, 30_000); // sent; its checkpoint now waits
      // The second send must wait for the checkpoint write in flight: a deposed leader, whose connection fails
      // that write, must not go on sending. A negative, so a bounded look rather than a condition: without the
      // wait the second send takes milliseconds.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(relay.published).toBe(published + 1);
      await blocker.query('COMMIT');
    } finally {
      blocker.release();
    }
    await relay.whenCaughtUp(30_000);
    expect(relay.published).toBe(published + 2);
    expect(await relay.lag()).toBe(0);
  });

  it('writes the checkpoint at most every CHECKPOINT_EVERY_MS while busy, and up to the last event before sleeping', async () => {
    const relay = newRelay({ maxSendBytes: 1 }); // one event per send
    await relay.start();
    await relay.whenCaughtUp();
    const published = relay.published;
    const query = jest.spyOn(Client.prototype, 'query');
    try {
      await env.store.appendToStream(
        'conversation-tenant-r-throttled',
        0,
        newEvents(60, { conversationId: 't-1' }),
      );
      await relay.whenCaughtUp(30_000);
      const sends = relay.published - published;
      const writes = query.mock.calls.filter(
        ([config]) => (config as { name?: string } | undefined)?.name === 'relay_advance_checkpoint',
      ).length;
      expect(sends).toBe(60);
      // One per 100 ms of sending, plus the one before sleeping: far fewer than one per send.
      expect(writes).toBeGreaterThanOrEqual(1);
      expect(writes).toBeLessThan(sends / 2);
      expect(await relay.lag()).toBe(0);
    } finally {
      query.mockRestore();
    }
  });

  it('publishes events it was never notified about, by polling', async () => {
    const relay = newRelay({ pollIntervalMs: 200 });
    await relay.start();
    await relay.whenCaughtUp();
    // Written behind append_to_stream's back: no NOTIFY is sent.
    await env.pool.query(
      `INSERT INTO events (stream_id, stream_position, event_id, type, version, tenant_id, occurred_at, data)
       VALUES ('conversation-tenant-r-silent', 1, gen_random_uuid(), 'Silent', 1, 'tenant-r', now(), '{}')`,
    );
    await relay.whenCaughtUp(30_000);
    const records = await readTopics(env.kafka, topicNames());
    expect(records.filter((record) => record.eventType === 'Silent')).toHaveLength(1);
  });

  it('stops gracefully: lock released, checkpoint at the last published event, lag counts what came later', async () => {
    const relay = newRelay();
    await relay.start();
    await relay.whenCaughtUp();
    await relay.stop();
    relays.splice(relays.indexOf(relay), 1);

    expect(await findLeaderBackend(env.pool, relay.name)).toBeNull();
    expect(await relay.lag()).toBe(0);
    await env.store.appendToStream('conversation-tenant-r-after-stop', 0, newEvents(3));
    expect(await relay.lag()).toBe(3);
  });

  it('lets a second relay wait while the first leads, and take over within seconds when the first crashes', async () => {
    const total = 4000;
    const stream = (i: number) => `outbound-tenant-r-takeover-${i % 200}`;
    const before = await env.store.countAfter(START_OF_ALL); // readAll may still hide some behind a transaction
    // One event per send makes the first relay slow enough to be killed mid-stream.
    children.push(
      await spawnRelay({
        databaseUrl: env.databaseUrl,
        brokers: env.brokers,
        topicPrefix: env.topicPrefix,
        batchSize: 50,
        maxSendBytes: 1,
      }),
    );
    await waitFor(async () => (await findLeaderBackend(env.pool, 'kafka')) !== null, 10_000);

    const second = newRelay({ acquireIntervalMs: 1000 });
    await second.start();
    await new Promise((resolve) => setTimeout(resolve, 2500)); // at least two acquisition attempts
    expect(second.isLeader).toBe(false);

    for (let i = 0; i < total; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, j) =>
          env.store.appendToStream(stream(i + j), 'any', [
            newEvent({ conversationId: `takeover-${(i + j) % 200}` }),
          ]),
        ),
      );
    }
    // Kill the leader while it is part-way through.
    await waitFor(async () => {
      const lag = await second.lag();
      return lag < total - 200 && lag > 200;
    }, 30_000);
    const killedAt = Date.now();
    await crash(children[0]!);

    await waitFor(async () => second.isLeader, 10_000);
    expect(Date.now() - killedAt).toBeLessThan(5000);
    await second.whenCaughtUp(60_000);

    const events = await allEvents();
    expect(events).toHaveLength(before + total);
    const records = await readTopics(env.kafka, topicNames());
    // At least once: every event is there; a batch the crash left unacknowledged may be there twice.
    expect(new Set(records.map((record) => record.event.eventId))).toEqual(
      new Set(events.map((e) => e.eventId)),
    );
    expectEveryStreamComplete(records, events);
  });
});

const waitFor = async (condition: () => Promise<boolean>, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
