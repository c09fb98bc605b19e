import { customerStreamId } from '../../src/events/schemas/stream-ids';
import { genesysTextWebhook, genesysTypingWebhook, postGenesysWebhook } from '../support/genesys-webhooks';
import { startCustomerPipeline, META_TOKEN, PHONE_NUMBER_ID, type TestPipeline } from '../support/pipeline';
import { streamEvents, waitForSettled } from '../support/streams';
import { waitFor } from '../support/wait';

// Consumers joining their groups take a few seconds on a fresh namespace.
jest.setTimeout(120_000);

const TENANT = 'tenant-inbound-read';
/** The integration of the Genesys fixtures (outbound-text.json, outbound-event-typing.json). */
const INTEGRATION_ID = '73cb7fb7-c2db-4996-88f3-0a83a4fea1da';
const SECRET = 'inbound-read-webhook-secret';

describe('inbound messages marked read at Meta once delivered to Genesys', () => {
  let pipeline: TestPipeline;
  let target: string;

  const send = async (waId: string, wamid: string, body = 'Hello') => {
    const delivery = await pipeline.meta.sendInboundWebhook(target, pipeline.config.META_APP_SECRET!, {
      customer: { waId, name: 'Read Tester' },
      messages: [{ type: 'text', id: wamid, timestamp: `${Math.floor(Date.now() / 1000)}`, text: { body } }],
    });
    expect(delivery.status).toBe(200);
  };
  const streamOf = (waId: string) => customerStreamId(TENANT, PHONE_NUMBER_ID, `wa.${waId}`);
  const marksOf = (wamid: string) => pipeline.meta.readMarks.filter((mark) => mark.messageId === wamid);

  beforeAll(async () => {
    ({ pipeline, metaWebhookUrl: target } = await startCustomerPipeline(
      'inbound-read',
      { tenantId: TENANT, integrationId: INTEGRATION_ID, webhookSecret: SECRET },
      {
        workers: { inboundConsumer: { retryDelayMs: () => 20 } },
      },
    ));
  });
  afterAll(() => pipeline.stop());

  it('marks a message read at Meta exactly once after Genesys took it, and records it', async () => {
    const waId = '447700900101';
    await send(waId, 'wamid.read-1');
    const [mark] = await pipeline.meta.waitForReadMarks(1, (m) => m.messageId === 'wamid.read-1', 60_000);
    expect(mark).toMatchObject({ phoneNumberId: PHONE_NUMBER_ID, messageId: 'wamid.read-1' });
    expect(mark!.typingIndicator).toBeUndefined();
    // Genesys had it before Meta was told.
    const posted = pipeline.genesys.inboundMessages.find(
      (message) => (message.body.channel as { messageId: string }).messageId === 'wamid.read-1',
    );
    expect(posted).toBeDefined();

    const stream = await waitForSettled(pipeline.connections.pool, streamOf(waId), ['InboundMarkedRead']);
    expect(stream.map((event) => event.type)).toEqual([
      'InboundMessageReceived',
      'InboundPostedToGenesys',
      'InboundMarkedRead',
    ]);
    expect(stream[2]!.data).toEqual({ wamid: 'wamid.read-1' });

    // Meta's copy of the same webhook and a second message: the customer's lane has moved past the first one,
    // which still has its single mark.
    await send(waId, 'wamid.read-1');
    await send(waId, 'wamid.read-2', 'Second');
    await pipeline.meta.waitForReadMarks(1, (m) => m.messageId === 'wamid.read-2', 60_000);
    expect(marksOf('wamid.read-1')).toHaveLength(1);
    expect(marksOf('wamid.read-2')).toHaveLength(1);
    const marked = await waitFor('both marks recorded', async () => {
      const events = await streamEvents(pipeline.connections.pool, streamOf(waId));
      const found = events.filter((event) => event.type === 'InboundMarkedRead');
      return found.length >= 2 ? found : undefined;
    });
    expect(marked.map((event) => event.data)).toEqual([{ wamid: 'wamid.read-1' }, { wamid: 'wamid.read-2' }]);
  });

  it("shows an agent's typing as Meta's typing indicator on the customer's last message, once per burst", async () => {
    const waId = '447700900103';
    await send(waId, 'wamid.typing-1');
    await send(waId, 'wamid.typing-2', 'Still there?');
    await pipeline.meta.waitForReadMarks(1, (m) => m.messageId === 'wamid.typing-2', 60_000);
    const conversationId = pipeline.genesys.inboundMessages.find(
      (message) => (message.body.channel as { messageId: string }).messageId === 'wamid.typing-2',
    )!.conversationId;
    await waitFor('the conversation mapping', async () => {
      const { rows } = await pipeline.connections.pool.query(
        'SELECT 1 FROM conversation_mappings WHERE tenant_id = $1 AND conversation_id = $2',
        [TENANT, conversationId],
      );
      return rows[0];
    });

    // A burst of typing events, as Genesys sends them while the agent types.
    for (let i = 0; i < 5; i++) {
      const response = await postGenesysWebhook(
        pipeline.app,
        SECRET,
        genesysTypingWebhook({ conversationId, customerId: waId }),
      );
      expect(response.statusCode).toBe(200);
    }
    const [typing] = await pipeline.meta.waitForReadMarks(1, (m) => m.typingIndicator !== undefined, 60_000);
    expect(typing).toMatchObject({
      phoneNumberId: PHONE_NUMBER_ID,
      messageId: 'wamid.typing-2',
      typingIndicator: 'text',
    });

    // The agent's reply follows the burst in the conversation's lane: once it reaches Meta, the burst is handled.
    const reply = genesysTextWebhook({ tenantId: TENANT, conversationId, text: 'Yes, one moment' });
    expect((await postGenesysWebhook(pipeline.app, SECRET, reply.body)).statusCode).toBe(200);
    const settled = await waitForSettled(
      pipeline.connections.pool,
      reply.streamId,
      ['MessageSent', 'MessageFailed'],
      60_000,
    );
    expect(settled.map((event) => event.type)).toContain('MessageSent');
    expect(pipeline.meta.sentMessages.map((message) => message.waId)).toContain(waId);
    expect(pipeline.meta.readMarks.filter((m) => m.typingIndicator !== undefined)).toHaveLength(1);
  });

  it('marks nothing when the tenant turned markInboundRead off', async () => {
    const response = await pipeline.internal.inject({
      method: 'PUT',
      url: `/admin/tenants/${TENANT}/credentials`,
      headers: { authorization: `Bearer ${pipeline.adminToken}` },
      payload: {
        whatsapp: { phoneNumberId: PHONE_NUMBER_ID, accessToken: META_TOKEN, markInboundRead: false },
      },
    });
    expect(response.statusCode).toBeLessThan(300);

    const waId = '447700900102';
    await send(waId, 'wamid.unread-1');
    await send(waId, 'wamid.unread-2', 'Anyone?');
    // One customer's messages are handled one after the other: once the second is posted, the first is done.
    await waitForPosted(pipeline, streamOf(waId), 2);
    expect(marksOf('wamid.unread-1')).toEqual([]);
    expect(marksOf('wamid.unread-2')).toEqual([]);
    const types = (await streamEvents(pipeline.connections.pool, streamOf(waId))).map((event) => event.type);
    expect(types).not.toContain('InboundMarkedRead');
    expect(types).not.toContain('InboundMarkReadFailed');
  });
});

const waitForPosted = (pipeline: TestPipeline, streamId: string, count: number) =>
  waitFor(
    `${count} posts on ${streamId}`,
    async () => {
      const events = await streamEvents(pipeline.connections.pool, streamId);
      return events.filter((event) => event.type === 'InboundPostedToGenesys').length >= count
        ? events
        : undefined;
    },
    60_000,
  );
