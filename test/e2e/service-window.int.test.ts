import { genesysTextWebhook, postGenesysWebhook } from '../support/genesys-webhooks';
import { startCustomerPipeline, type TestPipeline } from '../support/pipeline';
import { streamEvents, waitForSettled } from '../support/streams';
import { waitFor } from '../support/wait';

jest.setTimeout(120_000);

const TENANT = 'tenant-window-e2e';
/** The integration of genesys/outbound-text.json, so that the agent's reply finds this tenant. */
const INTEGRATION_ID = '73cb7fb7-c2db-4996-88f3-0a83a4fea1da';
const SECRET = 'window-e2e-webhook-secret';
const HOUR_S = 60 * 60;

/**
 * WhatsApp takes free-form messages only within 24 hours of the customer's last message. The bridge knows when the
 * customer last wrote (their inbound message, Meta's timestamp), so an agent's text outside the window is answered
 * with a Failed receipt at once instead of being sent for Meta to refuse.
 */
describe('the 24-hour window, known in advance', () => {
  let pipeline: TestPipeline;
  let target: string;

  beforeAll(async () => {
    ({ pipeline, metaWebhookUrl: target } = await startCustomerPipeline('window-e2e', {
      tenantId: TENANT,
      integrationId: INTEGRATION_ID,
      webhookSecret: SECRET,
    }));
  });
  afterAll(() => pipeline.stop());

  /** The customer writes at `secondsAgo`; resolves with the Genesys conversation once the read model knows it. */
  const customerWrote = async (waId: string, wamid: string, secondsAgo: number) => {
    const timestamp = String(Math.floor(Date.now() / 1000) - secondsAgo);
    const delivery = await pipeline.meta.sendInboundWebhook(target, pipeline.config.META_APP_SECRET!, {
      customer: { waId, name: 'Customer' },
      messages: [{ type: 'text', id: wamid, timestamp, text: { body: 'Hello' } }],
    });
    expect(delivery.status).toBe(200);
    const expected = new Date(Number(timestamp) * 1000).toISOString();
    return waitFor(
      'the last inbound time in the read model',
      async () => {
        const { rows } = await pipeline.connections.pool.query<{
          conversation_id: string;
          last_inbound_at: Date | null;
        }>(
          `SELECT conversation_id, last_inbound_at FROM conversation_mappings WHERE tenant_id = $1 AND wa_id = $2`,
          [TENANT, waId],
        );
        return rows[0]?.last_inbound_at?.toISOString() === expected ? rows[0].conversation_id : undefined;
      },
      60_000,
    );
  };

  const metaMessagesTo = (waId: string) =>
    pipeline.meta.sentMessages.filter((message) => message.waId.replace(/^\+/, '') === waId);

  it('fails an agent text at once with MessageExpired when the customer wrote 25 hours ago; nothing reaches Meta', async () => {
    const waId = '447700900301';
    const conversationId = await customerWrote(waId, 'wamid.window-25h', 25 * HOUR_S);

    const reply = genesysTextWebhook({ tenantId: TENANT, conversationId, text: 'Sorry for the wait' });
    expect((await postGenesysWebhook(pipeline.app, SECRET, reply.body)).statusCode).toBe(200);

    const receipt = await waitFor(
      'the Failed receipt at Genesys',
      async () => pipeline.genesys.receipts.find((r) => JSON.stringify(r.body).includes(reply.messageId)),
      60_000,
    );
    expect(receipt.body).toMatchObject({
      status: 'Failed',
      reasons: [
        expect.objectContaining({ code: 'MessageExpired', message: expect.stringContaining('template') }),
      ],
    });
    const events = await streamEvents(pipeline.connections.pool, reply.streamId);
    expect(events.map((event) => event.type)).not.toContain('SendRequested');
    const failed = events.find((event) => event.type === 'MessageFailed');
    expect(failed?.data).toMatchObject({
      reason: 'MessageExpired',
      serviceWindow: { outcome: 'expired', lastInboundAt: expect.any(String) },
    });
    expect(metaMessagesTo(waId)).toHaveLength(0);
  });

  it('sends an agent text when the customer wrote an hour ago, recording the window it was sent in', async () => {
    const waId = '447700900302';
    const conversationId = await customerWrote(waId, 'wamid.window-1h', HOUR_S);

    const reply = genesysTextWebhook({ tenantId: TENANT, conversationId, text: 'Here is your answer' });
    expect((await postGenesysWebhook(pipeline.app, SECRET, reply.body)).statusCode).toBe(200);
    await waitForSettled(pipeline.connections.pool, reply.streamId, ['MessageSent', 'MessageFailed']);

    const events = await streamEvents(pipeline.connections.pool, reply.streamId);
    expect(events.map((event) => event.type)).toContain('MessageSent');
    expect(events.find((event) => event.type === 'SendRequested')?.data).toMatchObject({
      serviceWindow: { outcome: 'open' },
    });
    expect(metaMessagesTo(waId).map((message) => message.body.text)).toEqual([
      expect.objectContaining({ body: 'Here is your answer' }),
    ]);
  });

  it("sends the tenant's default template instead when the agent writes outside the window", async () => {
    const tenantId = 'tenant-window-default';
    const integrationId = 'int-window-default';
    const phoneNumberId = '106540352249999';
    const secret = 'window-default-webhook-secret';
    const accessToken = 'window-default-whatsapp-token';
    pipeline.meta.addPhoneNumber(phoneNumberId, accessToken);
    await pipeline.addTenant({
      tenantId,
      integrationId,
      region: 'mypurecloud.com',
      webhookSecret: secret,
      whatsapp: {
        phoneNumberId,
        accessToken,
        defaultTemplateName: 'agent_follow_up',
        defaultTemplateLanguage: 'en_US',
      },
    });
    const waId = '447700900303';
    const timestamp = String(Math.floor(Date.now() / 1000) - 25 * HOUR_S);
    await pipeline.meta.sendInboundWebhook(target, pipeline.config.META_APP_SECRET!, {
      phoneNumberId,
      customer: { waId, name: 'Customer' },
      messages: [{ type: 'text', id: 'wamid.window-default-25h', timestamp, text: { body: 'Hello' } }],
    });
    const conversationId = await waitFor(
      'the last inbound time in the read model',
      async () => {
        const { rows } = await pipeline.connections.pool.query<{ conversation_id: string }>(
          `SELECT conversation_id FROM conversation_mappings
            WHERE tenant_id = $1 AND wa_id = $2 AND last_inbound_at IS NOT NULL`,
          [tenantId, waId],
        );
        return rows[0]?.conversation_id;
      },
      60_000,
    );

    const reply = genesysTextWebhook({ tenantId, conversationId, text: 'Sorry for the wait' });
    const body = JSON.parse(reply.body) as { channel: Record<string, unknown> };
    const signed = JSON.stringify({ ...body, channel: { ...body.channel, id: integrationId } });
    expect((await postGenesysWebhook(pipeline.app, secret, signed)).statusCode).toBe(200);
    await waitForSettled(pipeline.connections.pool, reply.streamId, ['MessageSent', 'MessageFailed']);

    const events = await streamEvents(pipeline.connections.pool, reply.streamId);
    expect(events.map((event) => event.type)).toContain('MessageSent');
    expect(events.find((event) => event.type === 'SendRequested')?.data).toMatchObject({
      serviceWindow: { outcome: 'defaultTemplate' },
      metaMessageType: 'template',
    });
    // The template, never the agent's free text, which WhatsApp would refuse outside the window.
    expect(metaMessagesTo(waId).map((message) => message.body)).toEqual([
      expect.objectContaining({
        to: `+${waId}`,
        type: 'template',
        template: expect.objectContaining({ name: 'agent_follow_up', language: { code: 'en_US' } }),
      }),
    ]);
  });
});
