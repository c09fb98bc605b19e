import { Relay } from '../../events/relay/relay';
import { CONVERSATIONS_TOPIC } from '../../events/relay/topic-routing';
import { createKafkaTestEnv, type KafkaTestEnv } from '../../events/relay/testing/kafka-test-env';
import { newEvent, newEvents } from '../../events/store/testing/new-events';
import type { StoredEvent } from '../../events/store/types';
import { defineProjection, type Projection } from './define-projection';
import { ProjectionRunner } from './projection-runner';
import { countingHandler, createCountingTables, readCountingModel } from './testing/counting-projection';

// jest.config.js sets testTimeout inside the integration project, where Jest ignores it.
jest.setTimeout(120_000);

let env: KafkaTestEnv;
let relay: Relay;
const runners: Array<ProjectionRunner<StoredEvent>> = [];

beforeAll(async () => {
  env = await createKafkaTestEnv('deadletters', 2);
  await createCountingTables(env.pool);
  relay = new Relay({
    pool: env.pool,
    store: env.store,
    kafka: env.kafka,
    logger: env.logger,
    topicFor: env.topicFor,
    topics: env.topics,
    batchSize: 1000,
    pollIntervalMs: 100,
  });
  await relay.start();
});

afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.stop()));
});

afterAll(async () => {
  await relay.stop();
  await env.cleanup();
});

let flakyFailuresLeft = 0;
let flakyCalls = 0;

/** Counts TestHappened; `Poison` always throws; `Flaky` fails with a serialization failure while told to. */
const projectionNamed = (name: string): Projection<StoredEvent> =>
  defineProjection({
    name,
    topics: [CONVERSATIONS_TOPIC],
    decode: (event: StoredEvent) => {
      if (event.data.undecodable === true) throw new Error('data does not match the TestHappened schema');
      return event;
    },
    handlers: {
      TestHappened: countingHandler,
      Poison: async () => {
        throw new Error('poisoned on purpose');
      },
      Flaky: async (event, tx) => {
        flakyCalls++;
        if (flakyFailuresLeft-- > 0) {
          throw Object.assign(new Error('could not serialize access'), { code: '40001' });
        }
        await countingHandler(event, tx);
      },
    },
  });

const runToEnd = async (name: string, group = name): Promise<ProjectionRunner<StoredEvent>> => {
  await relay.whenCaughtUp();
  const runner = new ProjectionRunner({
    pool: env.pool,
    kafka: env.kafka,
    logger: env.logger,
    projection: projectionNamed(name),
    topicPrefix: env.topicPrefix,
    groupId: `${env.topicPrefix}${group}`,
    retryDelayMs: { initial: 20, max: 100 },
  });
  runners.push(runner);
  await runner.start();
  await runner.whenCaughtUp();
  return runner;
};

interface DeadLetterRow {
  event_id: string | null;
  stream_id: string | null;
  stream_position: string | null;
  event_type: string | null;
  error: string;
  payload: unknown;
}

const deadLetters = async (source: string): Promise<DeadLetterRow[]> =>
  (
    await env.pool.query<DeadLetterRow>(
      `SELECT event_id, stream_id, stream_position, event_type, error, payload FROM dead_letters
       WHERE source = $1 ORDER BY id`,
      [source],
    )
  ).rows;

const storedPosition = async (projection: string, stream: string): Promise<number | null> => {
  const { rows } = await env.pool.query<{ position: string }>(
    'SELECT position FROM projection_positions WHERE projection = $1 AND stream_id = $2',
    [projection, stream],
  );
  return rows[0] ? Number(rows[0].position) : null;
};

describe('dead letters', () => {
  it('records a poison event once and still applies the events after it in its stream', async () => {
    const stream = 'conversation-tenant-d-poisoned';
    const poison = newEvent({ type: 'Poison', conversationId: 'poisoned' });
    await env.store.appendToStream(stream, 0, newEvents(2, { conversationId: 'poisoned' }));
    await env.store.appendToStream(stream, 2, [poison]);
    await env.store.appendToStream(stream, 3, newEvents(2, { conversationId: 'poisoned' }));

    const runner = await runToEnd('poison');

    expect(runner.stats).toMatchObject({ applied: 4, deadLettered: 1 });
    const [letter, ...others] = await deadLetters('poison');
    expect(others).toEqual([]);
    expect(letter).toMatchObject({
      event_id: poison.eventId,
      stream_id: stream,
      stream_position: '3',
      event_type: 'Poison',
      payload: expect.objectContaining({ eventId: poison.eventId, type: 'Poison' }),
    });
    expect(letter!.error).toContain('poisoned on purpose');
    expect((await readCountingModel(env.pool)).streams[stream]).toEqual({ applied: 4, lastPosition: 5 });
    expect(await storedPosition('poison', stream)).toBe(5);

    // Delivered again from the start: the poison event is neither retried nor recorded twice.
    const again = await runToEnd('poison', 'poison-again');
    expect(again.stats).toMatchObject({ applied: 0, deadLettered: 0 });
    expect(await deadLetters('poison')).toHaveLength(1);
  });

  it('dead-letters an event its decode hook rejects and a message that is not an event at all', async () => {
    const stream = 'conversation-tenant-d-undecodable';
    const bad = newEvent({ conversationId: 'undecodable', data: { undecodable: true } });
    await env.store.appendToStream(stream, 0, [bad, ...newEvents(2, { conversationId: 'undecodable' })]);
    const producer = env.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: `${env.topicPrefix}${CONVERSATIONS_TOPIC}`,
      messages: [
        { key: 'undecodable', value: 'this is not JSON' },
        // A type the projection has no handler for, named in the relay's header: skipped without being parsed.
        { key: 'undecodable', value: 'not JSON either', headers: { 'event-type': 'SomebodyElsesEvent' } },
      ],
    });
    await producer.disconnect();
    await env.store.appendToStream(stream, 3, newEvents(1, { conversationId: 'undecodable' }));

    await runToEnd('decode');

    const letters = await deadLetters('decode');
    expect(letters.map((letter) => letter.event_type)).toEqual(
      expect.arrayContaining(['TestHappened', null]),
    );
    const decodeFailure = letters.find((letter) => letter.event_id === bad.eventId)!;
    expect(decodeFailure.error).toContain('does not match the TestHappened schema');
    const unreadable = letters.find((letter) => letter.event_id === null)!;
    expect(unreadable).toMatchObject({ payload: 'this is not JSON', stream_id: null });
    expect(unreadable.error).toContain('not JSON');
    expect(letters.filter((letter) => letter.payload === 'not JSON either')).toEqual([]);
    expect((await readCountingModel(env.pool)).streams[stream]).toEqual({ applied: 3, lastPosition: 4 });
  });

  it('retries a transient failure in place instead of dead-lettering the event', async () => {
    const stream = 'conversation-tenant-d-flaky';
    flakyFailuresLeft = 2;
    flakyCalls = 0;
    await env.store.appendToStream(stream, 0, [
      newEvent({ type: 'Flaky', conversationId: 'flaky' }),
      ...newEvents(1, { conversationId: 'flaky' }),
    ]);

    await runToEnd('flaky');

    expect(flakyCalls).toBe(3);
    // (The poison and undecodable events of the tests above are on the topic too, and dead-lettered again.)
    expect((await deadLetters('flaky')).filter((letter) => letter.stream_id === stream)).toEqual([]);
    expect((await readCountingModel(env.pool)).streams[stream]).toEqual({ applied: 2, lastPosition: 2 });
  });
});
