import { randomUUID } from 'node:crypto';
import { postGenesysWebhook } from '../support/genesys-webhooks';
import { fixtureJson } from '../support/fixtures';
import { startCustomerPipeline, type TestPipeline } from '../support/pipeline';
import { outboundStreamId } from '../../src/events/schemas/stream-ids';
import { streamEvents } from '../support/streams';
import { waitFor } from '../support/wait';

// Consumers joining their groups take a few seconds on a fresh namespace.
jest.setTimeout(120_000);

const TENANT = 'tenant-inbound-structured';
const INTEGRATION_ID = '73cb7fb7-c2db-4996-88f3-0a83a4fea1da';
const SECRET = 'inbound-structured-webhook-secret';

describe('a customer pressing a quick reply button the agent sent', () => {
  let pipeline: TestPipeline;
  let target: string;

  const fromCustomer = (waId: string) =>
    pipeline.genesys.inboundMessages.filter(
      (message) => (message.body.channel as { from: { id: string } }).from.id === waId,
    );

  /** The customer writes; answers the conversation Genesys put them in. */
  const customerWrites = async (waId: string, text: string) => {
    const before = fromCustomer(waId).length;
    await pipeline.meta.sendInboundWebhook(target, pipeline.config.META_APP_SECRET!, {
      customer: { waId, name: 'Kofi' },
      messages: [text],
    });
    const conversationId = await waitFor(
      'the message at Genesys',
      async () => fromCustomer(waId)[before]?.conversationId,
      60_000,
    );
    // The agent answers once the bridge has linked the conversation (as the agent's desktop would show it).
    await waitFor('the conversation linked', async () => {
      const { rowCount } = await pipeline.connections.pool.query(
        'SELECT 1 FROM conversation_mappings WHERE tenant_id = $1 AND conversation_id = $2',
        [TENANT, conversationId],
      );
      return rowCount ? true : undefined;
    });
    return conversationId;
  };

  /** The agent answers with quick replies (a Structured Genesys message); answers its id and the wamid sent. */
  const agentOffers = async (
    waId: string,
    conversationId: string,
    replies: { text: string; payload: string }[],
  ) => {
    const messageText = 'Shall we change your booking?';
    const fixture = fixtureJson<Record<string, unknown> & { channel: Record<string, unknown> }>(
      'genesys/outbound-text.json',
    );
    const messageId = randomUUID();
    const body = JSON.stringify({
      ...fixture,
      id: messageId,
      channel: { ...fixture.channel, messageId },
      conversationId,
      type: 'Structured',
      text: messageText,
      content: replies.map((quickReply) => ({
        contentType: 'QuickReply',
        quickReply: { ...quickReply, action: 'Message' },
      })),
    });
    expect((await postGenesysWebhook(pipeline.app, SECRET, body)).statusCode).toBe(200);
    const sent = await waitFor(
      'the buttons at Meta',
      async () =>
        pipeline.meta.sentMessages.find(
          (message) =>
            message.waId.replace(/^\+/, '') === waId && JSON.stringify(message.body).includes(messageText),
        ),
      60_000,
    ).catch(async (error: Error) => {
      // Say where the agent's message stopped: its stream tells.
      const events = await streamEvents(pipeline.connections.pool, outboundStreamId(TENANT, messageId));
      throw new Error(
        `${error.message}; its stream: ${events.map((event) => event.type).join(', ') || 'empty'}`,
      );
    });
    expect(sent.type).toBe('interactive');
    return { messageId, wamid: sent.wamid };
  };

  beforeAll(async () => {
    ({ pipeline, metaWebhookUrl: target } = await startCustomerPipeline(
      'inbound-structured',
      { tenantId: TENANT, integrationId: INTEGRATION_ID, webhookSecret: SECRET },
      {
        workers: { inboundPoster: { maxRetryAfterMs: 200 }, inboundConsumer: { retryDelayMs: () => 20 } },
      },
    ));
  });
  afterAll(() => pipeline.stop());

  it('reaches Genesys as a structured response naming the agent’s message; a stray button reply as text', async () => {
    const waId = '447700900301';
    const conversationId = await customerWrites(waId, 'I need to change my booking');
    const offer = await agentOffers(waId, conversationId, [
      { text: 'Yes', payload: 'change-yes' },
      { text: 'No', payload: 'change-no' },
    ]);

    await pipeline.meta.sendInboundWebhook(target, pipeline.config.META_APP_SECRET!, {
      customer: { waId, name: 'Kofi' },
      messages: [
        {
          type: 'interactive',
          id: 'wamid.structured-yes',
          context: { from: '15550783881', id: offer.wamid },
          interactive: { type: 'button_reply', button_reply: { id: 'change-yes', title: 'Yes' } },
        },
        {
          type: 'interactive',
          id: 'wamid.structured-stray',
          context: { from: '15550783881', id: 'wamid.never-sent-by-the-bridge' },
          interactive: { type: 'button_reply', button_reply: { id: 'other', title: 'Maybe' } },
        },
      ],
    });
    const [pressed, stray] = await waitFor(
      'both answers at Genesys',
      async () => (fromCustomer(waId).length >= 3 ? fromCustomer(waId).slice(1) : undefined),
      60_000,
    );
    expect(pressed).toMatchObject({
      endpoint: 'structured/response',
      integrationId: INTEGRATION_ID,
      conversationId,
      body: {
        channel: { messageId: 'wamid.structured-yes', from: { id: waId, idType: 'Phone', nickname: 'Kofi' } },
        buttonResponse: { type: 'QuickReply', text: 'Yes', payload: 'change-yes' },
        originatingMessageId: offer.messageId,
      },
    });
    expect(stray).toMatchObject({
      endpoint: 'message',
      body: { channel: { messageId: 'wamid.structured-stray' }, text: 'Maybe' },
    });
  });
});
