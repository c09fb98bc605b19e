import { ensureTopics } from '../../events/relay/ensure-topics';
import { toKafkaMessage } from '../../events/relay/kafka-messages';
import { OUTBOUND_MESSAGES_TOPIC } from '../../events/relay/topic-routing';
import { createKafkaTestEnv, type KafkaTestEnv } from '../../events/relay/testing/kafka-test-env';
import { newEvent } from '../../events/store/testing/new-events';
import type { StoredEvent } from '../../events/store/types';
import { TransientError } from '../../projections/runtime/transient-errors';
import { Writable } from 'node:stream';
import { createLogger } from '../../infra/logger';
import { KeyedConsumer, type KeyedConsumerOptions } from './keyed-consumer';

jest.setTimeout(120_000);

let env: KafkaTestEnv;

beforeAll(async () => {
  env = await createKafkaTestEnv('keyedconsumer', 1);
  await ensureTopics(env.kafka, env.topics);
});

afterAll(() => env.cleanup());

const stored = (type: string, conversationId: string): StoredEvent => {
  const event = newEvent({ type, conversationId });
  return {
    ...event,
    streamId: `outbound-t-${event.eventId}`,
    streamPosition: 1,
    globalPosition: '1',
    transactionId: '1',
    tenantId: 't',
    conversationId,
    occurredAt: new Date().toISOString(),
    recordedAt: new Date().toISOString(),
    causationId: null,
    correlationId: null,
    metadata: {},
    data: event.data,
  } as StoredEvent;
};

describe('KeyedConsumer', () => {
  it('hands over only its event types, skips the others by header unparsed, and dead-letters what it cannot read', async () => {
    const topic = `${env.topicPrefix}${OUTBOUND_MESSAGES_TOPIC}`;
    const wanted = stored('WebhookReceived', 'conv-1');
    const producer = env.kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        toKafkaMessage(wanted),
        // Another processor's type: its header says so, and its value is never looked at.
        {
          key: 'conv-1',
          value: 'not JSON, and nobody here reads it',
          headers: { 'event-type': 'Delivered' },
        },
        toKafkaMessage(stored('MessageSent', 'conv-1')),
        // No header: parsed to learn its type, and unreadable.
        { key: 'conv-2', value: 'not JSON at all' },
      ],
    });
    await producer.disconnect();

    const handled: string[] = [];
    const consumer = new KeyedConsumer({
      name: 'keyed-test',
      kafka: env.kafka,
      groupId: `${env.topicPrefix}keyed-test`,
      topics: [topic],
      pool: env.pool,
      logger: env.logger,
      eventTypes: new Set(['WebhookReceived']),
      handle: async (event) => void handled.push(event.eventId),
      commitIntervalMs: 20,
    });
    await consumer.start();
    try {
      const admin = env.kafka.admin();
      await admin.connect();
      try {
        // Every message acknowledged: the group's committed offset reaches the end of the partition.
        for (const deadline = Date.now() + 60_000; ;) {
          const [offsets] = await admin.fetchOffsets({
            groupId: `${env.topicPrefix}keyed-test`,
            topics: [topic],
          });
          if (offsets?.partitions[0]?.offset === '4') break;
          if (Date.now() > deadline) throw new Error(`committed ${JSON.stringify(offsets)}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      } finally {
        await admin.disconnect();
      }
    } finally {
      await consumer.stop();
    }

    expect(handled).toEqual([wanted.eventId]);
    const { rows } = await env.pool.query<{ error: string; payload: unknown }>(
      `SELECT error, payload FROM dead_letters WHERE source = 'keyed-test'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.error).toContain('undecodable message');
  });

  /** A topic of its own (one partition, removed with the prefix) with these events on it, in order. */
  const topicWith = async (name: string, events: StoredEvent[]) => {
    const topic = `${env.topicPrefix}${name}`;
    const admin = env.kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
    const producer = env.kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: events.map(toKafkaMessage) });
    await producer.disconnect();
    return topic;
  };

  const committedOffset = async (groupId: string, topic: string) => {
    const admin = env.kafka.admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return offsets?.partitions[0]?.offset;
    } finally {
      await admin.disconnect();
    }
  };

  const until = async <T>(what: string, probe: () => Promise<T | undefined> | T | undefined) => {
    for (const deadline = Date.now() + 60_000; ;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  const consumerFor = (name: string, topic: string, options: Partial<KeyedConsumerOptions>) =>
    new KeyedConsumer({
      name,
      kafka: env.kafka,
      groupId: `${env.topicPrefix}${name}`,
      topics: [topic],
      pool: env.pool,
      logger: env.logger,
      handle: async () => undefined,
      commitIntervalMs: 20,
      retryDelayMs: () => 20,
      ...options,
    });

  it('retries a transient failure for as long as it lasts, in its lane only, never committing past it', async () => {
    const stuck = stored('WebhookReceived', 'conv-down');
    const others = [stored('WebhookReceived', 'conv-a'), stored('WebhookReceived', 'conv-b')];
    const topic = await topicWith('keyed-transient', [stuck, ...others]);
    const handled: string[] = [];
    let failures = 0;
    let isDown = true;
    const logged: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          logged.push((JSON.parse(chunk.toString('utf8')) as { msg: string }).msg);
          done();
        },
      }),
    );
    const consumer = consumerFor('keyed-transient', topic, {
      logger,
      maxAttempts: 2,
      handle: async (event) => {
        if (event.eventId === stuck.eventId && isDown) {
          failures++;
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
        }
        handled.push(event.eventId);
      },
    });
    await consumer.start();
    try {
      // Other conversations flow while one waits on its dependency, far beyond the attempts a permanent error gets.
      await until('the other conversations and many retries', () =>
        handled.length === 2 && failures >= 10 ? true : undefined,
      );
      expect(handled).toEqual(others.map((event) => event.eventId));
      // Ten failures and more, one line: the outage started (the next comes after 30 s, or when it is over).
      expect(logged.filter((msg) => msg.startsWith('keyed-transient'))).toEqual([
        'keyed-transient failing transiently, retrying: outage started',
      ]);
      // The committed offset stays at the unfinished message: a restart now would redeliver it.
      expect(await committedOffset(`${env.topicPrefix}keyed-transient`, topic)).not.toBe('3');
      isDown = false;
      await until('the message to go through after recovery', () =>
        handled.includes(stuck.eventId) ? true : undefined,
      );
      await until('the offset to be committed', async () =>
        (await committedOffset(`${env.topicPrefix}keyed-transient`, topic)) === '3' ? true : undefined,
      );
    } finally {
      await consumer.stop();
    }
    const { rows } = await env.pool.query(`SELECT 1 FROM dead_letters WHERE source = 'keyed-transient'`);
    expect(rows).toHaveLength(0);
  });

  it('ends a permanently failing message through onPermanentFailure, not in dead_letters', async () => {
    const broken = stored('WebhookReceived', 'conv-broken');
    const topic = await topicWith('keyed-permanent', [broken]);
    const ended: { eventId: string; error: string }[] = [];
    let tries = 0;
    const consumer = consumerFor('keyed-permanent', topic, {
      maxAttempts: 3,
      handle: async () => {
        tries++;
        throw new Error('Unsupported state or unable to authenticate data');
      },
      onPermanentFailure: async (event, error) =>
        void ended.push({ eventId: event.eventId, error: (error as Error).message }),
    });
    await consumer.start();
    try {
      await until('the message to be ended', () => (ended.length > 0 ? true : undefined));
    } finally {
      await consumer.stop();
    }
    expect(tries).toBe(3);
    expect(ended).toEqual([
      { eventId: broken.eventId, error: 'Unsupported state or unable to authenticate data' },
    ]);
    const { rows } = await env.pool.query(`SELECT 1 FROM dead_letters WHERE source = 'keyed-permanent'`);
    expect(rows).toHaveLength(0);
  });

  it('frees the processing slot of a handler that waits, so other keys run meanwhile', async () => {
    const waiting = [stored('WebhookReceived', 'conv-w1'), stored('WebhookReceived', 'conv-w2')];
    const quick = stored('WebhookReceived', 'conv-quick');
    const topic = await topicWith('keyed-slots', [...waiting, quick]);
    let isReleased = false;
    const handled: string[] = [];
    const consumer = consumerFor('keyed-slots', topic, {
      maxInFlight: 1,
      handle: async (event, runtime) => {
        if (event.eventId !== quick.eventId) {
          // Waits like a backoff would, until the test lets it go; one slot only, held by nobody meanwhile.
          while (!isReleased) await runtime.wait(20);
        }
        handled.push(event.eventId);
      },
    });
    await consumer.start();
    try {
      await until('the quick message to be handled while two others wait', () =>
        handled.includes(quick.eventId) ? true : undefined,
      );
      expect(handled).toEqual([quick.eventId]);
      isReleased = true;
      await until('the waiting ones to finish', () => (handled.length === 3 ? true : undefined));
    } finally {
      isReleased = true;
      await consumer.stop();
    }
  });

  it('leaves work waiting on a transient failure uncommitted when it stops, and stops promptly', async () => {
    const stuck = stored('WebhookReceived', 'conv-stop');
    const topic = await topicWith('keyed-stop', [stuck]);
    let failures = 0;
    const consumer = consumerFor('keyed-stop', topic, {
      retryDelayMs: () => 60_000,
      handle: async () => {
        failures++;
        throw new TransientError('Genesys answered 503');
      },
    });
    await consumer.start();
    await until('a first failure', () => (failures > 0 ? true : undefined));
    const started = Date.now();
    await consumer.stop();
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await committedOffset(`${env.topicPrefix}keyed-stop`, topic)).not.toBe('1');
  });
});
