import { ensureTopics } from '../../events/relay/ensure-topics';
import { toKafkaMessage } from '../../events/relay/kafka-messages';
import { OUTBOUND_MESSAGES_TOPIC } from '../../events/relay/topic-routing';
import { createKafkaTestEnv, type KafkaTestEnv } from '../../events/relay/testing/kafka-test-env';
import { newEvent } from '../../events/store/testing/new-events';
import type { StoredEvent } from '../../events/store/types';
import { KeyedConsumer } from './keyed-consumer';

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
});
