import { randomUUID } from 'node:crypto';
import { fixtureBytes } from '../support/fixtures';
import { genesysTextWebhook, postGenesysWebhook } from '../support/genesys-webhooks';
import { startPipeline, type TestPipeline } from '../support/pipeline';
import { streamEvents, waitForSettled, withoutReceipts } from '../support/streams';
import { waitFor } from '../support/wait';
import { outboundStreamId } from '../../src/events/schemas/stream-ids';

const TENANT = 'acme';
const INTEGRATION = '73cb7fb7-c2db-4996-88f3-0a83a4fea1da';
const SECRET = 'faults-webhook-secret-0001';
const WA_ID = '447700900123';

/** A webhook built from the shared text fixture with its own message id and conversation, so tests are apart. */
const textWebhook = (text: string, conversationId: string, messageId?: string) =>
  genesysTextWebhook({ tenantId: TENANT, conversationId, text, ...(messageId ? { messageId } : {}) });

describe('outbound pipeline under faults (real services; Meta and Genesys simulated)', () => {
  let pipeline: TestPipeline;
  const post = (body: string) => postGenesysWebhook(pipeline.app, SECRET, body);

  const linked = async (conversationId: string) => {
    await pipeline.link(TENANT, conversationId, WA_ID);
    return conversationId;
  };

  const receiptFor = (messageId: string) =>
    waitFor(
      `a receipt for ${messageId}`,
      async () => pipeline.genesys.receipts.find((receipt) => receipt.body.id === messageId)?.body,
    );

  beforeAll(async () => {
    pipeline = await startPipeline('faults');
    await pipeline.addTenant({
      tenantId: TENANT,
      integrationId: INTEGRATION,
      region: 'usw2.pure.cloud',
      webhookSecret: SECRET,
    });
  });
  afterAll(() => pipeline.stop());
  beforeEach(() => pipeline.meta.clearFaults());

  it('sends a text exactly as Meta expects it, with the Genesys message id for reconciliation', async () => {
    const conversationId = await linked(randomUUID());
    const webhook = textWebhook('We can help you with that', conversationId);
    expect((await post(webhook.body)).statusCode).toBe(200);
    await waitForSettled(pipeline.connections.pool, webhook.streamId, ['MessageSent']);
    const sent = pipeline.meta.sentMessages.find(
      (message) => message.bizOpaqueCallbackData === webhook.messageId,
    );
    expect(sent?.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: `+${WA_ID}`,
      type: 'text',
      text: { preview_url: false, body: 'We can help you with that' },
      biz_opaque_callback_data: webhook.messageId,
    });
  });

  it('sends a retried (duplicate) webhook once', async () => {
    const conversationId = await linked(randomUUID());
    const webhook = textWebhook('only once', conversationId);
    const first = await post(webhook.body);
    const second = await post(webhook.body);
    expect(second.json()).toMatchObject({
      duplicate: true,
      eventId: (first.json() as { eventId: string }).eventId,
    });
    await waitForSettled(pipeline.connections.pool, webhook.streamId, ['MessageSent']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      pipeline.meta.sentMessages.filter((m) => m.bizOpaqueCallbackData === webhook.messageId),
    ).toHaveLength(1);
  });

  it('backs off on Meta 429 (130429) and sends the message once it is accepted', async () => {
    const conversationId = await linked(randomUUID());
    const webhook = textWebhook('after the rate limit', conversationId);
    pipeline.meta.failNext({ metaErrorCode: 130429, count: 2, phoneNumberId: '106540352242922' });
    await post(webhook.body);
    const events = await waitForSettled(pipeline.connections.pool, webhook.streamId, [
      'MessageSent',
      'MessageFailed',
    ]);
    expect(withoutReceipts(events)).toEqual([
      'WebhookReceived',
      'MappingResolved',
      'SendRequested',
      'SendRefused',
      'SendRequested',
      'SendRefused',
      'SendRequested',
      'MessageSent',
    ]);
    expect(
      events.filter((event) => event.type === 'SendRequested').map((event) => event.data.attempt),
    ).toEqual([1, 2, 3]);
    // Each refusal names Meta's code and settles its attempt: the next one follows after the backoff alone.
    expect(
      events
        .filter((event) => event.type === 'SendRefused')
        .map((event) => [event.data.attempt, event.data.metaErrorCode]),
    ).toEqual([
      [1, 130429],
      [2, 130429],
    ]);
    expect(
      pipeline.meta.sentMessages.filter((m) => m.bizOpaqueCallbackData === webhook.messageId),
    ).toHaveLength(1);
  });

  it('never fails a message for refusals that last longer than the attempts of one run (8)', async () => {
    const conversationId = await linked(randomUUID());
    const webhook = textWebhook('after a long rate limit', conversationId);
    pipeline.meta.failNext({ metaErrorCode: 130429, count: 12, phoneNumberId: '106540352242922' });
    await post(webhook.body);
    const events = await waitForSettled(
      pipeline.connections.pool,
      webhook.streamId,
      ['MessageSent', 'MessageFailed'],
      60_000,
    );
    expect(
      withoutReceipts(events).filter((type) => type !== 'SendRequested' && type !== 'SendRefused'),
    ).toEqual(['WebhookReceived', 'MappingResolved', 'MessageSent']);
    expect(events.filter((event) => event.type === 'SendRequested')).toHaveLength(13);
    expect(events.filter((event) => event.type === 'SendRefused')).toHaveLength(12);
    expect(
      pipeline.meta.sentMessages.filter((m) => m.bizOpaqueCallbackData === webhook.messageId),
    ).toHaveLength(1);
  });

  it('records a permanent Meta error (131026) as MessageFailed and does not retry', async () => {
    const conversationId = await linked(randomUUID());
    const webhook = textWebhook('to an invalid number', conversationId);
    pipeline.meta.failNext({ metaErrorCode: 131026 });
    await post(webhook.body);
    const events = await waitForSettled(pipeline.connections.pool, webhook.streamId, ['MessageFailed']);
    expect(
      events.find((event) => event.type === 'MessageFailed' || event.type === 'MappingMissing')!.data,
    ).toMatchObject({
      stage: 'send',
      reason: 'meta_131026',
      metaErrorCode: 131026,
    });
    expect(events.filter((event) => event.type === 'SendRequested')).toHaveLength(1);
    // Genesys is told: a Failed receipt with the reason mapped from Meta's code.
    const receipt = await receiptFor(webhook.messageId);
    expect(receipt).toMatchObject({
      id: webhook.messageId,
      type: 'Receipt',
      status: 'Failed',
      direction: 'Outbound',
    });
    expect((receipt.reasons as { code: string }[])[0]!.code).toBe('InvalidDestination');
  });

  it('records MappingMissing and sends nothing when the conversation has no WhatsApp mapping', async () => {
    const webhook = textWebhook('nobody to send to', randomUUID());
    const before = pipeline.meta.requests.length;
    await post(webhook.body);
    const events = await waitForSettled(pipeline.connections.pool, webhook.streamId, ['MappingMissing']);
    expect(
      events.find((event) => event.type === 'MessageFailed' || event.type === 'MappingMissing')!.data,
    ).toMatchObject({ reason: 'NoMappingFound' });
    expect(pipeline.meta.requests.length).toBe(before);
    expect(await receiptFor(webhook.messageId)).toMatchObject({ id: webhook.messageId, status: 'Failed' });
  });

  it('keeps one conversation in order while another conversation waits on Meta', async () => {
    const slow = await linked(randomUUID());
    const fast = await linked(randomUUID());
    const first = textWebhook('slow one', slow);
    const second = textWebhook('slow two', slow);
    pipeline.meta.failNext({ metaErrorCode: 131000, count: 3 });
    await post(first.body);
    await post(second.body);
    const other = textWebhook('not held up', fast);
    await post(other.body);
    await waitForSettled(pipeline.connections.pool, second.streamId, ['MessageSent']);
    const order = pipeline.meta.sentMessages.map((message) => message.bizOpaqueCallbackData);
    expect(order.indexOf(first.messageId)).toBeLessThan(order.indexOf(second.messageId));
    expect(order.indexOf(other.messageId)).toBeGreaterThanOrEqual(0);
  });

  it('refuses an attachment on a host that is not a Genesys download host, without fetching it', async () => {
    const conversationId = await linked(randomUUID());
    const messageId = randomUUID();
    const fixture = fixtureBytes('genesys/outbound-attachment-document.json')
      .toString()
      .replaceAll('c327c2078ca056db130c55ce648d9fa2', messageId)
      .replace('d06cb41e-f938-4dcf-b823-c8af1a39d7e5', conversationId)
      .replace('https://api-downloads.usw2.pure.cloud/', 'https://attacker.example/');
    // Downloads and token requests only: the Failed receipt this message earns is a Genesys request too.
    const fetches = () =>
      pipeline.genesys.requests.filter((request) => !request.path.endsWith('/inbound/open/receipt')).length;
    const downloadsBefore = fetches();
    await post(fixture);
    const events = await waitForSettled(pipeline.connections.pool, outboundStreamId(TENANT, messageId), [
      'MessageFailed',
    ]);
    expect(
      events.find((event) => event.type === 'MessageFailed' || event.type === 'MappingMissing')!.data,
    ).toMatchObject({ stage: 'media', reason: 'ForbiddenAttachmentHost' });
    expect(fetches()).toBe(downloadsBefore);
    expect(
      withoutReceipts(await streamEvents(pipeline.connections.pool, outboundStreamId(TENANT, messageId))),
    ).toHaveLength(3);
  });
});
