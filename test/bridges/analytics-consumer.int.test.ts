/**
 * The example analytics consumer: its funnel counting on its own, then the whole consumer against real Kafka fed
 * by a running relay.
 */
import { DeliveryFunnel, type FunnelEvent } from '../../examples/analytics/delivery-funnel';
import { startFunnelConsumer, type FunnelConsumer } from '../../examples/analytics/funnel-consumer';
import { renderFunnel } from '../../examples/analytics/render-funnel';
import { Relay } from '../../src/events/relay/relay';
import { createKafkaTestEnv, type KafkaTestEnv } from '../../src/events/relay/testing/kafka-test-env';
import { eventExamples } from '../../src/events/schemas/examples';
import { outboundStreamId } from '../../src/events/schemas/stream-ids';
import { newEvent } from '../../src/events/store/testing/new-events';

jest.setTimeout(120_000);

const event = (tenantId: string, message: string, type: string): FunnelEvent => ({
  type,
  tenantId,
  streamId: outboundStreamId(tenantId, message),
});

describe('delivery funnel counting', () => {
  it('counts each message once per stage, whatever repeats and parts say', () => {
    const funnel = new DeliveryFunnel();
    const sequence = [
      event('tenant-a', 'm1', 'WebhookReceived'),
      event('tenant-a', 'm1', 'MessageSent'), // part 1
      event('tenant-a', 'm1', 'MessageSent'), // part 2 of the same message
      event('tenant-a', 'm1', 'StatusSent'),
      event('tenant-a', 'm1', 'Delivered'),
      event('tenant-a', 'm1', 'Delivered'), // Kafka redelivery
      event('tenant-a', 'm1', 'Read'),
      event('tenant-a', 'm1', 'Read'),
      event('tenant-a', 'm2', 'MessageSent'),
      event('tenant-a', 'm2', 'MessageFailed'), // failed after Meta accepted it
      event('tenant-a', 'm3', 'MappingMissing'),
      event('tenant-a', 'm3', 'MessageFailed'),
      event('tenant-a', 'm3', 'MessageFailed'),
      event('tenant-b', 'm1', 'Read'), // same Genesys id, other tenant; its earlier statuses were lost
      event('tenant-b', 'm4', 'MessageSent'),
      event('tenant-b', 'm4', 'MessageSent'),
    ];
    for (const item of sequence) funnel.record(item);

    expect(funnel.rows()).toEqual([
      { tenantId: 'tenant-a', sent: 2, delivered: 1, read: 1, failed: 2 },
      { tenantId: 'tenant-b', sent: 2, delivered: 1, read: 1, failed: 0 },
    ]);
  });

  it('says whether an event changed a count', () => {
    const funnel = new DeliveryFunnel();
    expect(funnel.record(event('tenant-a', 'm1', 'Delivered'))).toBe(true);
    expect(funnel.record(event('tenant-a', 'm1', 'Delivered'))).toBe(false);
    expect(funnel.record(event('tenant-a', 'm1', 'MessageSent'))).toBe(false); // implied by Delivered
    expect(funnel.record(event('tenant-a', 'm1', 'ReceiptPosted'))).toBe(false);
    expect(funnel.rows()).toEqual([{ tenantId: 'tenant-a', sent: 1, delivered: 1, read: 0, failed: 0 }]);
  });

  it('renders a table with rates of what was sent', () => {
    const text = renderFunnel(
      [
        { tenantId: 'tenant-a', sent: 4, delivered: 3, read: 1, failed: 1 },
        { tenantId: 'b', sent: 0, delivered: 0, read: 0, failed: 2 },
      ],
      new Date('2024-05-01T10:00:00Z'),
    );
    expect(text.split('\n')).toEqual([
      'Delivery funnel at 2024-05-01T10:00:00.000Z',
      'tenant    sent  delivered  read  failed  delivered%  read%',
      'tenant-a     4          3     1       1         75%    25%',
      'b            0          0     0       2           -      -',
    ]);
  });
});

describe('the analytics consumer on real Kafka', () => {
  let env: KafkaTestEnv;
  let relay: Relay;
  let consumer: FunnelConsumer | undefined;

  beforeAll(async () => {
    env = await createKafkaTestEnv('analytics');
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

  afterAll(async () => {
    await consumer?.stop();
    await relay.stop();
    await env.cleanup();
  });

  const append = (
    tenantId: string,
    message: string,
    events: { type: string; version?: number; data: Record<string, unknown> }[],
  ) =>
    env.store.appendToStream(
      outboundStreamId(tenantId, message),
      'any',
      events.map((item) => newEvent({ ...item, tenantId, conversationId: `conv-${message}` })),
    );

  it('validates every event and prints the funnel of what the relay published', async () => {
    const webhook = { type: 'WebhookReceived', data: eventExamples.WebhookReceived };
    const sent = { type: 'MessageSent', data: eventExamples.MessageSent };
    const delivered = { type: 'Delivered', version: 2, data: eventExamples.Delivered };
    // Delivered v1, as early releases stored it: read through its upcaster.
    const deliveredV1 = {
      type: 'Delivered',
      version: 1,
      data: { wamid: 'wamid.x', timestamp: '1714557602' },
    };
    const read = { type: 'Read', data: eventExamples.Read };
    const failed = { type: 'MessageFailed', data: eventExamples.MessageFailed };
    await append('tenant-a', 'm1', [webhook, sent, sent, delivered, read]);
    await append('tenant-a', 'm2', [webhook, failed]);
    await append('tenant-b', 'm3', [webhook, sent, deliveredV1]);
    // Breaks its schema: reported, not counted.
    await append('tenant-b', 'm4', [{ type: 'Read', data: { wamid: 'wamid.y', readAt: 'yesterday' } }]);
    // A type newer than this build: skipped.
    await append('tenant-b', 'm5', [{ type: 'DeliveredToWatch', data: {} }]);
    await relay.whenCaughtUp();

    const warnings: string[] = [];
    const funnel = new DeliveryFunnel();
    consumer = await startFunnelConsumer({
      kafka: env.kafka,
      topicPrefix: env.topicPrefix,
      groupId: `${env.topicPrefix}analytics.delivery-funnel`,
      funnel,
      warn: (message) => warnings.push(message),
    });
    const total = 12;
    const deadline = Date.now() + 30_000;
    while (consumer.stats.read < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

    expect(consumer.stats).toEqual({ read: total, unknownTypes: 1, invalid: 1 });
    expect(warnings).toEqual([expect.stringMatching(/not a valid event: .*Read v1/)]);
    expect(funnel.rows()).toEqual([
      { tenantId: 'tenant-a', sent: 1, delivered: 1, read: 1, failed: 1 },
      { tenantId: 'tenant-b', sent: 1, delivered: 1, read: 0, failed: 0 },
    ]);
  });
});
