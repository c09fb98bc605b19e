/**
 * The driver over WebhookReceived events stored as v2 (before the edge translated the message): it sends what the
 * upcaster derived from the stored raw body, and a raw body that no longer translates ends the message as failed
 * (UnsupportedContent, which Genesys hears as a receipt) instead of being sent or retried forever.
 */
import { randomUUID } from 'node:crypto';
import { genesysWebhookSchema } from '../../contracts/genesys/outbound-webhook';
import { webhookReceivedV2For } from '../../events/schemas/testing/webhook-received-v2-writer';
import { genesysSignature } from '../../http/signatures';
import { genesysTextWebhook } from '../../../test/support/genesys-webhooks';
import { startPipeline, type TestPipeline } from '../../../test/support/pipeline';
import type { MediaMover } from './media-mover';
import { OutboundDriver } from './outbound-driver';

const TENANT = 'acme-v2';
const SECRET = 'driver-v2-webhook-secret-0001';
const WA_ID = '447700900124';

describe('outbound driver: WebhookReceived stored as v2 (real PostgreSQL, simulated Meta)', () => {
  let pipeline: TestPipeline;

  beforeAll(async () => {
    pipeline = await startPipeline('driver-v2', { roles: ['api', 'relay', 'projector'] });
    await pipeline.addTenant({
      tenantId: TENANT,
      integrationId: '73cb7fb7-c2db-4996-88f3-0a83a4fea1da',
      region: 'usw2.pure.cloud',
      webhookSecret: SECRET,
    });
  });
  afterAll(() => pipeline.stop());

  const driver = () =>
    new OutboundDriver(
      pipeline.services.store,
      pipeline.services.directory,
      pipeline.services.mappings,
      { move: () => Promise.reject(new Error('a text message moves no media')) } as unknown as MediaMover,
      {
        graphUrl: pipeline.meta.url,
        graphVersion: pipeline.config.META_GRAPH_VERSION,
        metaTimeoutMs: 2000,
        maxSendAttempts: 3,
        maxMediaAttempts: 1,
        reconcileWindowMs: 600_000,
      },
      pipeline.app.log as never,
    );

  /** A v2 WebhookReceived as the route wrote it before v3, for a linked conversation; `rawBody` may replace the body. */
  const storedAsV2 = async (text: string, rawBody?: string) => {
    const conversationId = randomUUID();
    await pipeline.link(TENANT, conversationId, WA_ID);
    const { body, messageId, streamId } = genesysTextWebhook({ tenantId: TENANT, conversationId, text });
    const data = webhookReceivedV2For(genesysWebhookSchema.parse(JSON.parse(body)), {
      body,
      signature: genesysSignature(SECRET, body),
      receivedAt: new Date().toISOString(),
    });
    await pipeline.services.store.appendToStream(streamId, 0, [
      {
        eventId: randomUUID(),
        type: 'WebhookReceived',
        version: 2,
        tenantId: TENANT,
        conversationId,
        data: { ...data, ...(rawBody === undefined ? {} : { rawBody }) },
      },
    ]);
    const [trigger] = await pipeline.services.store.readStream(streamId);
    return { trigger: trigger!, streamId, messageId };
  };

  it('sends the whole text of a v2 event, which kept only a preview of it', async () => {
    const text = `${'long text '.repeat(40)}end`;
    const { trigger, messageId } = await storedAsV2(text);
    await driver().drive(trigger);
    const sent = pipeline.meta.sentMessages.filter((message) => message.bizOpaqueCallbackData === messageId);
    expect(sent.map((message) => (message.body as { text?: { body?: string } }).text?.body)).toEqual([text]);
  });

  it('ends a v2 event whose raw body no longer translates as failed, sending nothing', async () => {
    const { trigger, streamId, messageId } = await storedAsV2('hello', JSON.stringify({ text: 'hello' }));
    await driver().drive(trigger);
    const events = await pipeline.services.store.readStream(streamId);
    expect(events.at(-1)).toMatchObject({
      type: 'MessageFailed',
      data: { stage: 'transform', reason: 'UnsupportedContent' },
    });
    expect(
      pipeline.meta.sentMessages.filter((message) => message.bizOpaqueCallbackData === messageId),
    ).toEqual([]);
  });
});
