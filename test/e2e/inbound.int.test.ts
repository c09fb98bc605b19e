import { createHash } from 'node:crypto';
import { customerStreamId } from '../../src/events/schemas/stream-ids';
import { buildInboundWebhook } from '../../src/simulators/meta';
import { fixtureJson } from '../support/fixtures';
import { genesysTextWebhook, postGenesysWebhook } from '../support/genesys-webhooks';
import { startCustomerPipeline, PHONE_NUMBER_ID, type TestPipeline } from '../support/pipeline';
import { streamEvents } from '../support/streams';
import { waitFor } from '../support/wait';

// Consumers joining their groups take a few seconds on a fresh namespace.
jest.setTimeout(120_000);

const TENANT = 'tenant-inbound-e2e';
/** The integration of genesys/outbound-text.json, so that an agent reply built from it finds this tenant. */
const INTEGRATION_ID = '73cb7fb7-c2db-4996-88f3-0a83a4fea1da';
const SECRET = 'inbound-e2e-webhook-secret';

describe('inbound end to end: WhatsApp customer → Genesys → agent reply → WhatsApp', () => {
  let pipeline: TestPipeline;
  let target: string;

  const bodiesFor = (waId: string) =>
    pipeline.genesys.inboundMessages.filter(
      (message) => (message.body.channel as { from: { id: string } }).from.id === waId,
    );

  beforeAll(async () => {
    ({ pipeline, metaWebhookUrl: target } = await startCustomerPipeline(
      'inbound-e2e',
      { tenantId: TENANT, integrationId: INTEGRATION_ID, webhookSecret: SECRET },
      {
        workers: { inboundPoster: { maxRetryAfterMs: 200 }, inboundConsumer: { retryDelayMs: () => 20 } },
      },
    ));
  });
  afterAll(() => pipeline.stop());

  it("posts a customer's text to Genesys, links the conversation, and the agent's reply reaches the customer", async () => {
    const waId = '447700900001';
    // A minute ago: the agent's reply below must fall inside the customer's 24-hour window.
    const timestamp = String(Math.floor(Date.now() / 1000) - 60);
    const sentAt = new Date(Number(timestamp) * 1000).toISOString();
    const delivery = await pipeline.meta.sendInboundWebhook(target, pipeline.config.META_APP_SECRET!, {
      customer: { waId, name: 'Asha', userId: 'US.7700900001', username: '@asha' },
      messages: [
        {
          type: 'text',
          id: 'wamid.e2e-hello',
          timestamp,
          text: { body: 'Hello, I need help' },
        },
      ],
    });
    expect(delivery.status).toBe(200);

    const [posted] = await pipeline.genesys.waitForInboundMessages(1, 60_000);
    expect(posted!.integrationId).toBe(INTEGRATION_ID);
    expect(posted!.body).toMatchObject({
      channel: {
        messageId: 'wamid.e2e-hello',
        platform: 'Open',
        type: 'Private',
        from: { id: waId, idType: 'Phone', nickname: 'Asha' },
        to: { id: INTEGRATION_ID },
      },
      direction: 'Inbound',
      type: 'Text',
      text: 'Hello, I need help',
    });

    const conversationId = posted!.conversationId;
    await waitFor('the conversation mapping', async () => {
      const { rows } = await pipeline.connections.pool.query(
        `SELECT wa_id, contact_name, phone_number_id FROM conversation_mappings
          WHERE tenant_id = $1 AND conversation_id = $2 AND display_phone_number IS NOT NULL`,
        [TENANT, conversationId],
      );
      return rows[0];
    }).then((row) =>
      expect(row).toEqual({ wa_id: waId, contact_name: 'Asha', phone_number_id: PHONE_NUMBER_ID }),
    );
    const stream = await streamEvents(
      pipeline.connections.pool,
      customerStreamId(TENANT, PHONE_NUMBER_ID, `wa.${waId}`),
    );
    // Its read mark at Meta (inbound-read.int.test.ts) may follow.
    expect(stream.map((event) => event.type).slice(0, 2)).toEqual([
      'InboundMessageReceived',
      'InboundPostedToGenesys',
    ]);
    expect(stream[1]!.data).toEqual({
      wamid: 'wamid.e2e-hello',
      genesysMessageId: posted!.id,
      conversationId,
      phoneNumberId: PHONE_NUMBER_ID,
      sentAt,
      customer: { waId, name: 'Asha', userId: 'US.7700900001', username: '@asha' },
    });

    const state = await waitFor('the customer state with its last inbound time', async () => {
      const response = await pipeline.internal.inject({
        method: 'GET',
        url: `/state/customer/${waId}`,
        headers: await pipeline.apiKeyHeaders(TENANT, ['state:read']),
      });
      return response.statusCode === 200 && response.json<{ lastInboundAt: unknown }>().lastInboundAt
        ? response.json<Record<string, unknown>>()
        : undefined;
    });
    expect(state).toMatchObject({
      waId,
      tenantId: TENANT,
      conversationId,
      contactName: 'Asha',
      phoneNumberId: PHONE_NUMBER_ID,
      lastInboundAt: sentAt,
      customerUserId: 'US.7700900001',
      customerUsername: '@asha',
    });
    const unknown = await pipeline.internal.inject({
      method: 'GET',
      url: '/state/customer/447700999999',
      headers: await pipeline.apiKeyHeaders(TENANT, ['state:read']),
    });
    expect(unknown.statusCode).toBe(404);

    const reply = genesysTextWebhook({ tenantId: TENANT, conversationId, text: 'Happy to help, Asha' });
    expect((await postGenesysWebhook(pipeline.app, SECRET, reply.body)).statusCode).toBe(200);
    const sent = await waitFor('the reply at Meta', async () =>
      pipeline.meta.sentMessages.find(
        (message) => message.body.text && JSON.stringify(message.body).includes('Happy to help'),
      ),
    );
    expect(sent.waId.replace(/^\+/, '')).toBe(waId);
  });

  it('answers a customer known only by a business-scoped user id: linked, replied to by `recipient`, delivered', async () => {
    // Meta (2026) withholds the number of a customer with a username: no `from`, no `wa_id`, only `user_id`.
    const bsuid = 'US.13491208655302741918';
    const webhook = fixtureJson<{
      entry: { changes: { value: { messages: { timestamp: string }[] } }[] }[];
    }>('meta/inbound-business-scoped-user-no-phone.json');
    // A minute ago, so that the agent's reply falls inside the customer's 24-hour window.
    webhook.entry[0]!.changes[0]!.value.messages[0]!.timestamp = String(Math.floor(Date.now() / 1000) - 60);
    const delivery = await pipeline.meta.sendInboundWebhook(
      target,
      pipeline.config.META_APP_SECRET!,
      Buffer.from(JSON.stringify(webhook)),
    );
    expect(delivery.status).toBe(200);

    const posted = await waitFor('the message at Genesys', async () => bodiesFor(bsuid)[0], 60_000);
    expect(posted.body).toMatchObject({
      channel: { from: { id: bsuid, idType: 'Opaque', nickname: 'Sheena Nelson' } },
      text: 'Hi, I would like to know my order status',
    });
    const conversationId = posted.conversationId;
    const row = await waitFor('the conversation linked to the user id', async () => {
      const { rows } = await pipeline.connections.pool.query(
        `SELECT wa_id, customer_user_id, customer_username, contact_name, last_inbound_at FROM conversation_mappings
          WHERE tenant_id = $1 AND conversation_id = $2 AND display_phone_number IS NOT NULL`,
        [TENANT, conversationId],
      );
      return rows[0] as Record<string, unknown> | undefined;
    });
    expect(row).toMatchObject({
      wa_id: null,
      customer_user_id: bsuid,
      customer_username: '@sheena.nelson',
      contact_name: 'Sheena Nelson',
    });

    const headers = await pipeline.apiKeyHeaders(TENANT, ['state:read']);
    const customer = await waitFor('the customer state by user id', async () => {
      const response = await pipeline.internal.inject({
        method: 'GET',
        url: `/state/customer/${bsuid}`,
        headers,
      });
      const body = response.statusCode === 200 ? response.json<Record<string, unknown>>() : undefined;
      return body?.lastInboundAt ? body : undefined;
    });
    expect(customer).toMatchObject({ waId: null, conversationId, customerUserId: bsuid, tenantId: TENANT });
    const conversation = await pipeline.internal.inject({
      method: 'GET',
      url: `/state/conversation/${conversationId}`,
      headers,
    });
    expect(conversation.json()).toEqual({
      waId: null,
      userId: bsuid,
      tenantId: TENANT,
      contactName: 'Sheena Nelson',
    });

    const reply = genesysTextWebhook({ tenantId: TENANT, conversationId, text: 'Your order ships today' });
    expect((await postGenesysWebhook(pipeline.app, SECRET, reply.body)).statusCode).toBe(200);
    const sent = await waitFor('the reply at Meta', async () =>
      pipeline.meta.sentMessages.find((message) => JSON.stringify(message.body).includes('ships today')),
    );
    expect(sent.body).toMatchObject({ recipient: bsuid, type: 'text' });
    expect(sent.body).not.toHaveProperty('to');
    const sentEvents = await waitFor('the send recorded', async () => {
      const events = await streamEvents(pipeline.connections.pool, reply.streamId);
      return events.some((event) => event.type === 'MessageSent') ? events : undefined;
    });
    expect(sentEvents.find((event) => event.type === 'SendRequested')!.data).toMatchObject({ userId: bsuid });
    expect(sentEvents.find((event) => event.type === 'SendRequested')!.data).not.toHaveProperty('waId');

    // Meta reports the delivery with recipient_user_id and no recipient_id (the simulator, like Meta in 2026).
    const status = await pipeline.meta.sendStatusWebhook(target, pipeline.config.META_APP_SECRET!, {
      wamid: sent.wamid,
      status: 'delivered',
    });
    expect(status.status).toBe(200);
    await waitFor('the delivery tracked', async () => {
      const { rows } = await pipeline.connections.pool.query<{ status: string }>(
        'SELECT status FROM message_tracking WHERE tenant_id = $1 AND meta_message_id = $2',
        [TENANT, sent.wamid],
      );
      return rows[0]?.status === 'delivered' ? true : undefined;
    });
  });

  it('finds a business-scoped customer by the id Genesys names them with when a reply carries no conversation', async () => {
    const bsuid = 'US.77009000099';
    await pipeline.meta.sendInboundWebhook(target, pipeline.config.META_APP_SECRET!, {
      customer: { userId: bsuid, username: '@noor' },
      messages: [{ type: 'text', id: 'wamid.e2e-bsuid-only', text: { body: 'Hello from a username' } }],
    });
    const posted = await waitFor('the message at Genesys', async () => bodiesFor(bsuid)[0], 60_000);
    expect(posted.body).toMatchObject({
      channel: { from: { id: bsuid, idType: 'Opaque', nickname: '@noor' } },
    });
    await waitFor('the conversation linked', async () => {
      const { rows } = await pipeline.connections.pool.query(
        `SELECT 1 FROM conversation_mappings
          WHERE tenant_id = $1 AND customer_user_id = $2 AND display_phone_number IS NOT NULL`,
        [TENANT, bsuid],
      );
      return rows[0];
    });
    // An older Genesys payload: no conversationId, the customer named by `channel.to.id` (the id we gave Genesys).
    const { body: withConversation, streamId } = genesysTextWebhook({
      tenantId: TENANT,
      conversationId: posted.conversationId,
      text: 'Hello @noor',
    });
    const { conversationId: _conversationId, ...older } = JSON.parse(withConversation) as Record<
      string,
      unknown
    > & {
      channel: { to: Record<string, unknown> };
    };
    const body = JSON.stringify({
      ...older,
      channel: { ...older.channel, to: { id: bsuid, idType: 'Opaque' } },
    });
    expect((await postGenesysWebhook(pipeline.app, SECRET, body)).statusCode).toBe(200);
    const sent = await waitFor('the reply at Meta', async () =>
      pipeline.meta.sentMessages.find((message) => JSON.stringify(message.body).includes('Hello @noor')),
    );
    expect(sent.body).toMatchObject({ recipient: bsuid });
    const events = await streamEvents(pipeline.connections.pool, streamId);
    expect(events.find((event) => event.type === 'MappingResolved')!.data).toMatchObject({
      userId: bsuid,
      resolvedBy: 'customerId',
    });
  });

  it('posts a batch once when Meta retries it', async () => {
    const waId = '447700900002';
    const body = Buffer.from(
      JSON.stringify(
        buildInboundWebhook({
          customer: { waId },
          messages: [{ type: 'text', id: 'wamid.e2e-retried', text: { body: 'Are you there?' } }],
        }),
      ),
    );
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const delivery = await pipeline.meta.sendInboundWebhook(target, pipeline.config.META_APP_SECRET!, body);
      expect(delivery.status).toBe(200);
    }
    // A later message of the same customer is posted after the retried one (one lane): once it is there, the
    // retries have had every chance to post twice.
    await pipeline.meta.sendInboundWebhook(target, pipeline.config.META_APP_SECRET!, {
      customer: { waId },
      messages: [{ type: 'text', id: 'wamid.e2e-after', text: { body: 'Hello?' } }],
    });
    await waitFor(
      'the later message at Genesys',
      async () => (bodiesFor(waId).length >= 2 ? true : undefined),
      60_000,
    );
    expect(
      bodiesFor(waId).map((message) => (message.body.channel as { messageId: string }).messageId),
    ).toEqual(['wamid.e2e-retried', 'wamid.e2e-after']);
  });

  it('carries ten messages sent within a second to Genesys in order, once each', async () => {
    const waId = '447700900003';
    const wamids = Array.from({ length: 10 }, (_, index) => `wamid.e2e-burst-${index}`);
    // One webhook per message, like Meta, as fast as the bridge answers (well within a second).
    for (const [index, id] of wamids.entries()) {
      const delivery = await pipeline.meta.sendInboundWebhook(target, pipeline.config.META_APP_SECRET!, {
        customer: { waId },
        messages: [{ type: 'text', id, text: { body: `message ${index}` } }],
      });
      expect(delivery.status).toBe(200);
    }
    await waitFor(
      'ten messages at Genesys',
      async () => (bodiesFor(waId).length >= 10 ? true : undefined),
      60_000,
    );
    const posted = bodiesFor(waId);
    expect(posted.map((message) => (message.body.channel as { messageId: string }).messageId)).toEqual(
      wamids,
    );
    expect(new Set(posted.map((message) => message.conversationId)).size).toBe(1);
  });

  it('retries a 429 (honouring Retry-After) and posts the message once', async () => {
    const waId = '447700900004';
    pipeline.genesys.failNext({ route: 'inbound-message', status: 429, retryAfterSeconds: 1 });
    const requestsBefore = pipeline.genesys.requests.filter((request) =>
      request.url.includes('/inbound/open/message'),
    ).length;
    await pipeline.meta.sendInboundWebhook(target, pipeline.config.META_APP_SECRET!, {
      customer: { waId },
      messages: [{ type: 'text', id: 'wamid.e2e-429', text: { body: 'Busy?' } }],
    });
    await waitFor(
      'the message at Genesys',
      async () => (bodiesFor(waId).length >= 1 ? true : undefined),
      60_000,
    );
    const tries = pipeline.genesys.requests.filter((request) =>
      request.url.includes('/inbound/open/message'),
    ).length;
    expect(tries - requestsBefore).toBe(2);
    expect(bodiesFor(waId)).toHaveLength(1);
    const stream = await waitFor('the post recorded', async () => {
      const events = await streamEvents(
        pipeline.connections.pool,
        customerStreamId(TENANT, PHONE_NUMBER_ID, `wa.${waId}`),
      );
      return events.length >= 2 ? events : undefined;
    });
    // Its read mark at Meta (inbound-read.int.test.ts) may follow.
    expect(stream.map((event) => event.type).slice(0, 2)).toEqual([
      'InboundMessageReceived',
      'InboundPostedToGenesys',
    ]);
  });

  it('retries a 503 and posts once; a permanent refusal ends that message and the next one goes on', async () => {
    const waId = '447700900005';
    const streamId = customerStreamId(TENANT, PHONE_NUMBER_ID, `wa.${waId}`);
    pipeline.genesys.failNext({ route: 'inbound-message', status: 503 });
    await pipeline.meta.sendInboundWebhook(target, pipeline.config.META_APP_SECRET!, {
      customer: { waId },
      messages: [{ type: 'text', id: 'wamid.e2e-503', text: { body: 'One' } }],
    });
    await waitFor('the message at Genesys after a 503', async () =>
      bodiesFor(waId).length >= 1 ? true : undefined,
    );

    pipeline.genesys.failNext({ route: 'inbound-message', status: 400 });
    await pipeline.meta.sendInboundWebhook(target, pipeline.config.META_APP_SECRET!, {
      customer: { waId },
      messages: [
        { type: 'text', id: 'wamid.e2e-400', text: { body: 'Two' } },
        { type: 'text', id: 'wamid.e2e-after-400', text: { body: 'Three' } },
      ],
    });
    const events = await waitFor(
      'the refusal and the next post recorded',
      async () => {
        const found = await streamEvents(pipeline.connections.pool, streamId);
        return found.filter(
          (event) => event.type === 'InboundPostedToGenesys' || event.type === 'InboundPostFailed',
        ).length >= 3
          ? found
          : undefined;
      },
      60_000,
    );
    expect(
      events
        .filter((event) => event.type === 'InboundPostedToGenesys' || event.type === 'InboundPostFailed')
        .map((event) => [event.type, event.data.wamid]),
    ).toEqual([
      ['InboundPostedToGenesys', 'wamid.e2e-503'],
      ['InboundPostFailed', 'wamid.e2e-400'],
      ['InboundPostedToGenesys', 'wamid.e2e-after-400'],
    ]);
    expect(events.find((event) => event.type === 'InboundPostFailed')!.data).toMatchObject({
      reason: 'GenesysRejected',
      httpStatus: 400,
    });
    expect(
      bodiesFor(waId).map((message) => (message.body.channel as { messageId: string }).messageId),
    ).toEqual(['wamid.e2e-503', 'wamid.e2e-after-400']);
  });

  it("copies a customer's image into the inbound bucket and gives Genesys a presigned URL of the copy", async () => {
    const waId = '447700900077';
    const bytes = Buffer.from(`\xff\xd8 a photo of the broken part ${'x'.repeat(4000)}`);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    pipeline.meta.addMedia('media-e2e-photo', bytes, 'image/jpeg', { phoneNumberId: PHONE_NUMBER_ID });
    const delivery = await pipeline.meta.sendInboundWebhook(target, pipeline.config.META_APP_SECRET!, {
      customer: { waId, name: 'Noor' },
      messages: [
        {
          type: 'image',
          id: 'wamid.e2e-photo',
          timestamp: '1749416400',
          image: { id: 'media-e2e-photo', mime_type: 'image/jpeg', sha256, caption: 'It broke here' },
        },
      ],
    });
    expect(delivery.status).toBe(200);
    const posted = await waitFor('the image to reach Genesys', async () => bodiesFor(waId)[0], 60_000);
    const content = posted.body.content as { attachment: { mediaType: string; url: string; mime: string } }[];
    expect(content[0]!.attachment).toMatchObject({ mediaType: 'Image', mime: 'image/jpeg' });
    const url = new URL(content[0]!.attachment.url);
    expect(url.pathname).toMatch(
      new RegExp(
        `^/${pipeline.config.S3_INBOUND_MEDIA_BUCKET}/${TENANT}/inbound/images/\\d{4}-\\d{2}-\\d{2}/[0-9a-f-]{36}\\.jpg$`,
      ),
    );
    const downloaded = Buffer.from(await (await fetch(url)).arrayBuffer());
    expect(downloaded.equals(bytes)).toBe(true);
  });
});
