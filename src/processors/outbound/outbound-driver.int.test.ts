/**
 * The executor over real PostgreSQL and the Meta simulator, driven directly (no consumer): a restart is a new
 * OutboundDriver over the same stream, a crash is a `wait` that throws, a concurrent writer appends between the
 * driver's own appends.
 */
import { randomUUID } from 'node:crypto';
import { handleOutboundMessageCommand } from '../../commands/outbound-message/handler';
import { outboundStreamId } from '../../events/schemas/stream-ids';
import type { EventStore, StoredEvent } from '../../events/store/types';
import { genesysTextWebhook, postGenesysWebhook } from '../../../test/support/genesys-webhooks';
import { startPipeline, type TestPipeline } from '../../../test/support/pipeline';
import type { MediaMover } from './media-mover';
import { OutboundDriver, type OutboundDriverSettings } from './outbound-driver';

const TENANT = 'acme';
const SECRET = 'driver-webhook-secret-0001';
const WA_ID = '447700900123';

class Crash extends Error {}

describe('outbound driver: restarts and concurrent writers (real PostgreSQL, simulated Meta)', () => {
  let pipeline: TestPipeline;
  let settings: OutboundDriverSettings;

  beforeAll(async () => {
    // No processor role: the tests run the drivers themselves. The projector provides the mapping.
    pipeline = await startPipeline('driver', { roles: ['api', 'relay', 'projector'] });
    await pipeline.addTenant({
      tenantId: TENANT,
      integrationId: '73cb7fb7-c2db-4996-88f3-0a83a4fea1da',
      region: 'usw2.pure.cloud',
      webhookSecret: SECRET,
    });
    settings = {
      graphUrl: pipeline.meta.url,
      graphVersion: pipeline.config.META_GRAPH_VERSION,
      metaTimeoutMs: 300,
      maxSendAttempts: 8,
      maxMediaAttempts: 2,
      reconcileWindowMs: 600_000,
      backoffPolicy: {
        retryableBaseMs: 20,
        retryableCapMs: 100,
        rateLimitedBaseMs: 400,
        rateLimitedCapMs: 800,
        pairRateLimitFloorMs: 0,
        maxRetryAfterMs: 1000,
      },
    };
  });
  afterAll(() => pipeline.stop());
  beforeEach(() => pipeline.meta.clearFaults());

  /** The only collaborator a text message never uses. */
  const noMedia = {
    move: () => Promise.reject(new Error('a text message moves no media')),
  } as unknown as MediaMover;

  const driver = (
    overrides: Partial<OutboundDriverSettings> = {},
    store: EventStore = pipeline.services.store,
  ) =>
    new OutboundDriver(
      store,
      pipeline.services.directory,
      pipeline.services.mappings,
      noMedia,
      { ...settings, ...overrides },
      pipeline.app.log as never,
    );

  const received = async (text: string) => {
    const conversationId = randomUUID();
    await pipeline.link(TENANT, conversationId, WA_ID);
    const webhook = genesysTextWebhook({ tenantId: TENANT, conversationId, text });
    expect((await postGenesysWebhook(pipeline.app, SECRET, webhook.body)).statusCode).toBe(200);
    const streamId = outboundStreamId(TENANT, webhook.messageId);
    const [trigger] = await pipeline.services.store.readStream(streamId);
    return { trigger: trigger!, streamId, messageId: webhook.messageId };
  };

  const types = async (streamId: string) =>
    (await pipeline.services.store.readStream(streamId)).map((event) => event.type);
  const sentTo = (messageId: string) =>
    pipeline.meta.sentMessages.filter((message) => message.bizOpaqueCallbackData === messageId);

  /** A wait that records what it was asked for and waits it. */
  const recordingWait = () => {
    const waits: number[] = [];
    const wait = async (ms: number) => {
      waits.push(ms);
      await new Promise((resolve) => setTimeout(resolve, ms));
    };
    return { waits, wait };
  };
  const crashOnWait = () => Promise.reject(new Crash('the process stopped during a wait'));

  it('records the recipient and the send request in one append: one transaction, not two', async () => {
    const { trigger, streamId, messageId } = await received('one transaction');
    await driver().drive(trigger);

    const stream = await pipeline.services.store.readStream(streamId);
    expect(stream.map((event) => event.type)).toEqual([
      'WebhookReceived',
      'MappingResolved',
      'SendRequested',
      'MessageSent',
    ]);
    const [, mapped, requested] = stream;
    expect(requested!.transactionId).toBe(mapped!.transactionId);
    expect(sentTo(messageId)).toHaveLength(1);
  });

  it('after a restart during a backoff, waits out the backoff only, not the reconciliation window', async () => {
    const { trigger, streamId, messageId } = await received('refused once, then taken');
    pipeline.meta.failNext({ metaErrorCode: 130429, count: 1, phoneNumberId: '106540352242922' });
    const crashed = await driver()
      .drive(trigger, crashOnWait)
      .then(
        () => 'finished without waiting',
        (error: unknown) => error,
      );
    // The stream first: should the run not have crashed, it shows what the run did instead.
    expect(await types(streamId)).toEqual([
      'WebhookReceived',
      'MappingResolved',
      'SendRequested',
      'SendRefused',
    ]);
    expect(crashed).toBeInstanceOf(Crash);

    const restarted = recordingWait();
    await driver().drive(trigger, restarted.wait);
    expect(await types(streamId)).toEqual([
      'WebhookReceived',
      'MappingResolved',
      'SendRequested',
      'SendRefused',
      'SendRequested',
      'MessageSent',
    ]);
    // At most the backoff's cap: a reconciliation wait would be 10 minutes (and the test would time out).
    expect(restarted.waits.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(800);
    expect(sentTo(messageId)).toHaveLength(1);
  });

  it('after a restart with a send whose answer was lost, waits out the reconciliation window first', async () => {
    const { trigger, streamId } = await received('answer lost');
    pipeline.meta.timeoutNext(1, { phoneNumberId: '106540352242922' });
    const windowMs = 1_500;
    await expect(driver({ reconcileWindowMs: windowMs }).drive(trigger, crashOnWait)).rejects.toBeInstanceOf(
      Crash,
    );

    const restarted = recordingWait();
    await driver({ reconcileWindowMs: windowMs }).drive(trigger, restarted.wait);
    const requested = (await pipeline.services.store.readStream(streamId)).filter(
      (event) => event.type === 'SendRequested',
    );
    expect(requested.map((event) => event.data.attempt)).toEqual([1, 2]);
    expect(restarted.waits.length).toBeGreaterThan(0);
    expect(
      Date.parse(requested[1]!.recordedAt) - Date.parse(requested[0]!.recordedAt),
    ).toBeGreaterThanOrEqual(windowMs);
  });

  it('keeps sending its attempt when another writer appends to the stream between its parts', async () => {
    // Three parts (Meta takes 4096 characters a message); a status is recorded right after the first is.
    const { trigger, streamId, messageId } = await received('x'.repeat(4096 * 2 + 10));
    const store = pipeline.services.store;
    let raced = false;
    const racing: EventStore = {
      ...store,
      readStream: (...args) => store.readStream(...args),
      readConversation: (...args) => store.readConversation(...args),
      readAll: (...args) => store.readAll(...args),
      appendToStream: async (id, expected, events, metadata) => {
        const result = await store.appendToStream(id, expected, events, metadata);
        const sent = events.find((event) => event.type === 'MessageSent');
        if (sent && !raced) {
          raced = true;
          await handleOutboundMessageCommand(
            store,
            { tenantId: TENANT, genesysMessageId: messageId },
            {
              type: 'RecordMetaStatus',
              status: 'sent',
              wamid: String(sent.data.wamid),
              timestamp: '1714557600',
            },
          );
        }
        return result;
      },
    };
    const run = recordingWait();
    await driver({}, racing).drive(trigger, run.wait);

    const stream: StoredEvent[] = await store.readStream(streamId);
    expect(raced).toBe(true);
    expect(stream.filter((event) => event.type === 'SendRequested')).toHaveLength(1);
    expect(
      stream.filter((event) => event.type === 'MessageSent').map((event) => event.data.partIndex),
    ).toEqual([0, 1, 2]);
    expect(stream.map((event) => event.type)).toContain('StatusSent');
    expect(run.waits).toEqual([]);
    expect(sentTo(messageId)).toHaveLength(3);
  });
});
