/**
 * The AMQP bridge end to end over the real services: webhooks appended by the outbound command handler, published
 * to Kafka by a running relay, forwarded by the bridge to a RabbitMQ queue of this file's own, read back the way a
 * legacy consumer reads it.
 */
import { createAmqpBridge, type AmqpBridge } from '../../src/bridges/amqp';
import { expectedLegacyBody, outboundFixtureWebhooks, receiveWebhookFor } from './support/fixture-webhooks';
import { groupStanding, isCommittedToEnd, type PartitionStanding } from './support/group-offsets';
import { readQueue, type QueueReader } from './support/queue-reader';
import { cutConnections, rejectPublishesTo } from './support/rabbitmqctl';
import { handleOutboundMessageCommand } from '../../src/commands/outbound-message/handler';
import type { ReceiveWebhook } from '../../src/commands/outbound-message/commands';
import { Relay } from '../../src/events/relay/relay';
import { createKafkaTestEnv, type KafkaTestEnv } from '../../src/events/relay/testing/kafka-test-env';
import { OUTBOUND_MESSAGES_TOPIC } from '../../src/events/relay/topic-routing';
import { outboundStreamId } from '../../src/events/schemas/stream-ids';
import { newEvent } from '../../src/events/store/testing/new-events';
import { fixtureJson } from '../support/fixtures';
import { createNamespace } from '../support/namespace';

jest.setTimeout(180_000);

const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

let env: KafkaTestEnv;
let relay: Relay;
let outboundTopic: string;
let groupId: string;
const bridges: AmqpBridge[] = [];
const readers: QueueReader[] = [];
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  env = await createKafkaTestEnv('amqpbridge');
  outboundTopic = `${env.topicPrefix}${OUTBOUND_MESSAGES_TOPIC}`;
  relay = new Relay({
    pool: env.pool,
    store: env.store,
    kafka: env.kafka,
    logger: env.logger,
    topicFor: env.topicFor,
    topics: env.topics,
    batchSize: 200,
    pollIntervalMs: 50,
    acquireIntervalMs: 200,
  });
  await relay.start();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  // Every test leaves the group committed to the end, so the next test's bridge starts on its own messages.
  await waitFor(() => isCommittedToEnd(env.kafka, groupId, outboundTopic), 30_000).catch(() => undefined);
  await Promise.all(bridges.splice(0).map((bridge) => bridge.stop()));
  await Promise.all(readers.splice(0).map((reader) => reader.close()));
});

afterAll(async () => {
  await relay.stop();
  await env.cleanup();
});

const waitFor = async (condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

/** A bridge and a legacy reader on a queue of the test's own. */
const startBridge = async (label: string, queue = createNamespace(label).queue) => {
  const connectionName = `test-bridge ${queue}`;
  const bridge = createAmqpBridge({
    kafka: env.kafka,
    pool: env.pool,
    logger: env.logger,
    config: { AMQP_URL: amqpUrl, AMQP_OUTBOUND_QUEUE: queue, KAFKA_TOPIC_PREFIX: env.topicPrefix },
    connectionName,
    backoff: { initialMs: 50, maxMs: 500 },
    shutdownGraceMs: 500,
  });
  bridges.push(bridge);
  groupId = bridge.groupId;
  await bridge.start();
  return { bridge, queue, connectionName };
};

const openReader = async (queue: string): Promise<QueueReader> => {
  const reader = await readQueue(amqpUrl, queue);
  readers.push(reader);
  return reader;
};

const receiveWebhook = (tenantId: string, command: ReceiveWebhook) =>
  handleOutboundMessageCommand(env.store, { tenantId, genesysMessageId: command.genesysMessageId }, command);

/** A text webhook shaped like the shared fixture, with its own message id, conversation and text. */
const textWebhook = (messageId: string, conversationId: string, text: string): ReceiveWebhook => {
  const fixture = fixtureJson<{ channel: Record<string, unknown> }>('genesys/outbound-text.json');
  return receiveWebhookFor(
    JSON.stringify({
      ...fixture,
      id: messageId,
      channel: { ...fixture.channel, messageId },
      conversationId,
      text,
    }),
  );
};

const total = (standing: PartitionStanding[], field: 'end' | 'committed'): bigint =>
  standing.reduce((sum, partition) => sum + partition[field], 0n);

const messageIdsOf = (reader: QueueReader): Set<unknown> => new Set(reader.received.map((m) => m.messageId));

describe('AMQP bridge', () => {
  it('publishes every Genesys fixture as the exact legacy body, persistent, with its message id', async () => {
    const { queue } = await startBridge('fixtures');
    const reader = await openReader(queue);
    // Several fixtures share a Genesys message id: each goes to a tenant of its own, as real traffic would.
    const fixtures = outboundFixtureWebhooks().map((fixture, i) => ({
      ...fixture,
      tenantId: `tenant-fx-${i}`,
    }));
    for (const fixture of fixtures) await receiveWebhook(fixture.tenantId, fixture.command);
    // Not a WebhookReceived: on the same topic, never on the queue.
    const first = fixtures[0]!;
    await handleOutboundMessageCommand(
      env.store,
      { tenantId: first.tenantId, genesysMessageId: first.command.genesysMessageId },
      { type: 'RecordMappingMissing', reason: 'NoMappingFound' },
    );

    await reader.waitUntil((received) => received.length >= fixtures.length);
    await waitFor(() => isCommittedToEnd(env.kafka, groupId, outboundTopic));
    expect(reader.received).toHaveLength(fixtures.length);

    const byTenant = new Map(reader.received.map((message) => [JSON.parse(message.body).tenantId, message]));
    for (const fixture of fixtures) {
      const expected = expectedLegacyBody(fixture.json, fixture.tenantId);
      const message = byTenant.get(fixture.tenantId);
      expect(message && JSON.parse(message.body)).toStrictEqual(expected);
      expect(message).toEqual({
        body: JSON.stringify(expected), // the legacy key order too
        messageId: expected.messageId,
        contentType: 'application/json',
        deliveryMode: 2,
      });
    }
  });

  it('delivers every one of 300 messages while its RabbitMQ connection is cut twice mid-stream', async () => {
    const { bridge, queue, connectionName } = await startBridge('cut');
    const reader = await openReader(queue);
    const total = 300;
    const sent = Array.from({ length: total }, (_, i) => `cut-msg-${i}`);
    let next = 0;
    const appendSome = async (count: number) => {
      const ids = sent.slice(next, next + count);
      next += ids.length;
      await Promise.all(
        ids.map((id) =>
          receiveWebhook('tenant-cut', textWebhook(id, `cut-conv-${sent.indexOf(id) % 30}`, id)),
        ),
      );
    };
    // Webhooks keep arriving for as long as a cut takes (rabbitmqctl needs a second or more), so the broker
    // closes the bridge's connection while it is forwarding; some are always left for after the cuts.
    const appendDuring = async (cut: Promise<number>) => {
      let isCut = false;
      void cut.finally(() => (isCut = true));
      while (!isCut && next < total - 50) {
        await appendSome(5);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await cut).toBe(1);
    };

    await appendSome(50);
    await reader.waitUntil((received) => received.length >= 20);
    await appendDuring(cutConnections(connectionName));
    await appendDuring(cutConnections(connectionName));
    await appendSome(total - next);

    await reader.waitUntil(() => messageIdsOf(reader).size === total, 60_000);
    expect(messageIdsOf(reader)).toEqual(new Set(sent));
    await waitFor(() => isCommittedToEnd(env.kafka, groupId, outboundTopic));
    expect(bridge.stats.connections).toBe(3);
    // At least once: a message the broker took but could not confirm before the cut may come twice, never zero.
    expect(reader.received.length).toBeGreaterThanOrEqual(total);
  });

  it('commits no offset past a message RabbitMQ has not confirmed, and publishes it after a restart', async () => {
    const { queue } = await startBridge('unconfirmed');
    await waitFor(() => isCommittedToEnd(env.kafka, groupId, outboundTopic));
    const before = await groupStanding(env.kafka, groupId, outboundTopic);
    const allow = await rejectPublishesTo(queue);
    cleanups.push(allow);

    const ids = ['held-1', 'held-2', 'held-3'];
    for (const id of ids) await receiveWebhook('tenant-held', textWebhook(id, `held-conv-${id}`, id));
    await waitFor(() => bridges[0]!.stats.retriedPublishes >= ids.length);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // time enough for a wrong commit to show
    const held = await groupStanding(env.kafka, groupId, outboundTopic);
    expect(total(held, 'end')).toBe(total(before, 'end') + BigInt(ids.length));
    expect(held.map((p) => p.committed)).toEqual(before.map((p) => p.committed));

    // Stopped while the broker still refuses: nothing was confirmed, so nothing is committed.
    await bridges.splice(0)[0]!.stop();
    expect((await groupStanding(env.kafka, groupId, outboundTopic)).map((p) => p.committed)).toEqual(
      before.map((p) => p.committed),
    );

    await allow();
    cleanups.splice(0);
    await startBridge('unconfirmed', queue);
    const reader = await openReader(queue);
    await reader.waitUntil(() => ids.every((id) => messageIdsOf(reader).has(id)));
    await waitFor(() => isCommittedToEnd(env.kafka, groupId, outboundTopic));
  });

  it('parks an event it cannot turn into a legacy body as a dead letter and goes on', async () => {
    const { bridge, queue } = await startBridge('dead-letter');
    const reader = await openReader(queue);
    const broken = newEvent({
      type: 'WebhookReceived',
      tenantId: 'tenant-dl',
      conversationId: 'dl-conv',
      data: { genesysMessageId: 'only-this' },
    });
    await env.store.appendToStream(outboundStreamId('tenant-dl', 'broken'), 0, [broken]);
    await receiveWebhook('tenant-dl', textWebhook('after-broken', 'dl-conv', 'still delivered'));

    await reader.waitUntil((received) => received.length >= 1);
    expect(reader.received.map((m) => m.messageId)).toEqual(['after-broken']);
    const { rows } = await env.pool.query<{ source: string; event_type: string; error: string }>(
      'SELECT source, event_type, error FROM dead_letters WHERE event_id = $1',
      [broken.eventId],
    );
    expect(rows).toEqual([
      {
        source: 'bridge.amqp',
        event_type: 'WebhookReceived',
        error: expect.stringMatching(/^no legacy body/),
      },
    ]);
    expect(bridge.stats.deadLettered).toBe(1);
  });
});
