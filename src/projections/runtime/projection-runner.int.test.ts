import type { ChildProcess } from 'node:child_process';
import { Relay } from '../../events/relay/relay';
import { createKafkaTestEnv, type KafkaTestEnv } from '../../events/relay/testing/kafka-test-env';
import { readTopics } from '../../events/relay/testing/read-topics';
import { crash, spawnRelay } from '../../events/relay/testing/spawn-relay';
import { readAllPages } from '../../events/store/read-all-pages';
import { newEvents } from '../../events/store/testing/new-events';
import type { StoredEvent } from '../../events/store/types';
import { ProjectionRunner } from './projection-runner';
import {
  countingProjection,
  createCountingTables,
  expectedCountingModel,
  readCountingModel,
  truncateCountingTables,
} from './testing/counting-projection';

// jest.config.js sets testTimeout inside the integration project, where Jest ignores it.
jest.setTimeout(180_000);

let env: KafkaTestEnv;
const stoppers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  env = await createKafkaTestEnv('projection');
  await createCountingTables(env.pool);
});

afterEach(async () => {
  for (const stop of stoppers.splice(0).reverse()) await stop();
});

afterAll(async () => {
  await env.cleanup();
});

const startRelay = async (): Promise<Relay> => {
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
  });
  await relay.start();
  stoppers.push(() => relay.stop());
  return relay;
};

const startRunner = async (name: string, groupId?: string): Promise<ProjectionRunner<StoredEvent>> => {
  const runner = new ProjectionRunner({
    pool: env.pool,
    kafka: env.kafka,
    logger: env.logger,
    projection: countingProjection(name),
    topicPrefix: env.topicPrefix,
    groupId,
  });
  await runner.start();
  stoppers.push(() => runner.stop());
  return runner;
};

const allEvents = async (): Promise<StoredEvent[]> => {
  const events: StoredEvent[] = [];
  for await (const page of readAllPages(env.store)) events.push(...page);
  return events;
};

/** `count` events spread over `conversations` conversations, each with a link stream and two message streams. */
const appendSpread = async (count: number, conversations: number, label: string): Promise<void> => {
  const jobs = Array.from({ length: count / 5 }, (_, i) => i);
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = jobs.shift(); i !== undefined; i = jobs.shift()) {
        const c = i % conversations;
        const family = ['conversation', 'outbound', 'outbound'][i % 3]!;
        const stream = `${family}-tenant-p-${label}-${c}${family === 'outbound' ? `-m${i % 2}` : ''}`;
        const base = { tenantId: 'tenant-p', conversationId: `${label}-conv-${c}` };
        await env.store.appendToStream(stream, 'any', newEvents(5, base));
      }
    }),
  );
};

const waitFor = async (condition: () => Promise<boolean>, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('ProjectionRunner', () => {
  it('builds an exact read model although a relay crash and a rewind put duplicates on the topics', async () => {
    // A relay in its own process, killed mid-stream; its batch in flight may be published twice.
    const child: ChildProcess = await spawnRelay({
      databaseUrl: env.databaseUrl,
      brokers: env.brokers,
      topicPrefix: env.topicPrefix,
      batchSize: 50,
      maxSendBytes: 1,
    });
    stoppers.push(() => crash(child));
    await appendSpread(3000, 100, 'crash');
    await waitFor(
      async () =>
        (
          await env.pool.query(
            "SELECT 1 FROM relay_checkpoints WHERE name = 'kafka' AND global_position > 300",
          )
        ).rowCount === 1,
      30_000,
    );
    await crash(child);

    const relay = await startRelay();
    await relay.whenCaughtUp(60_000);
    // Certain duplicates: rewind the checkpoint to the middle, as a crash just before a checkpoint write would.
    await relay.stop();
    await env.pool.query(
      `UPDATE relay_checkpoints SET (transaction_id, global_position) = (
         SELECT transaction_id, global_position FROM events ORDER BY transaction_id, global_position OFFSET 1500 LIMIT 1)
       WHERE name = 'kafka'`,
    );
    await (await startRelay()).whenCaughtUp(60_000);

    const events = await allEvents();
    const records = await readTopics(
      env.kafka,
      env.topics.map((topic) => topic.name),
    );
    expect(events).toHaveLength(3000);
    expect(records.length).toBeGreaterThanOrEqual(3000 + 1499);

    const runner = await startRunner('counts');
    // Stopped and restarted part-way: the next consumer resumes from the committed offsets.
    await waitFor(async () => runner.stats.applied > 500, 30_000);
    await runner.stop();
    const resumed = await startRunner('counts');
    await resumed.whenCaughtUp(60_000);

    const expected = expectedCountingModel(events);
    expect(Object.keys(expected.conversations)).toHaveLength(100);
    expect(await readCountingModel(env.pool)).toEqual(expected);
    expect(runner.stats.skipped + resumed.stats.skipped).toBeGreaterThanOrEqual(records.length - 3000);

    await resumed.stop();
    // Everything redelivered (a new consumer group, as after losing the group's offsets): nothing applies twice.
    const again = await startRunner('counts', `${env.topicPrefix}projection.counts.again`);
    await again.whenCaughtUp(60_000);
    expect(again.stats.applied).toBe(0);
    expect(again.stats.skipped).toBe(records.length);
    expect(await readCountingModel(env.pool)).toEqual(expected);
  });

  it('gives an identical read model when replayed twice from the start into truncated tables', async () => {
    await appendSpread(1000, 40, 'replay');
    await (await startRelay()).whenCaughtUp(60_000);
    const expected = expectedCountingModel(await allEvents());

    const replay = async (group: string) => {
      await truncateCountingTables(env.pool, 'replayed');
      const runner = await startRunner('replayed', `${env.topicPrefix}${group}`);
      await runner.whenCaughtUp(60_000);
      await runner.stop();
      return readCountingModel(env.pool);
    };
    const first = await replay('replay-1');
    const second = await replay('replay-2');
    expect(first).toEqual(expected);
    expect(second).toEqual(first);
  });
});
