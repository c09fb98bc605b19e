import { customerStreamId } from '../../src/events/schemas/stream-ids';
import { fixtureJson } from '../support/fixtures';
import { postGenesysWebhook } from '../support/genesys-webhooks';
import { startCustomerPipeline, PHONE_NUMBER_ID, type TestPipeline } from '../support/pipeline';
import { streamEvents } from '../support/streams';
import { waitFor } from '../support/wait';

// Consumers joining their groups take a few seconds on a fresh namespace.
jest.setTimeout(120_000);

const TENANT = 'tenant-inbound-receipts';
const INTEGRATION_ID = '73cb7fb7-c2db-4996-88f3-0a83a4fea1da';
const SECRET = 'inbound-receipts-webhook-secret';

/** Genesys' receipt about a customer's message: genesys/inbound-receipt-request-failed.json, turned Inbound. */
const inboundReceipt = (fields: {
  wamid: string;
  genesysId: string;
  waId: string;
  conversationId?: string;
}) => {
  const fixture = fixtureJson<Record<string, unknown> & { channel: Record<string, unknown> }>(
    'genesys/inbound-receipt-request-failed.json',
  );
  return JSON.stringify({
    ...fixture,
    id: fields.genesysId,
    channel: { ...fixture.channel, messageId: fields.wamid, to: { id: fields.waId } },
    direction: 'Inbound',
    isFinalReceipt: true,
    ...(fields.conversationId !== undefined ? { conversationId: fields.conversationId } : {}),
  });
};

describe("Genesys receipts about the customer's messages", () => {
  let pipeline: TestPipeline;
  let target: string;

  beforeAll(async () => {
    ({ pipeline, metaWebhookUrl: target } = await startCustomerPipeline('inbound-receipts', {
      tenantId: TENANT,
      integrationId: INTEGRATION_ID,
      webhookSecret: SECRET,
    }));
  });
  afterAll(() => pipeline.stop());

  it('records a Failed receipt once on the message’s stream, and audit replay of the conversation shows it', async () => {
    const waId = '447700900401';
    await pipeline.meta.sendInboundWebhook(target, pipeline.config.META_APP_SECRET!, {
      customer: { waId },
      messages: [{ type: 'text', id: 'wamid.receipt-subject', text: { body: 'Anyone?' } }],
    });
    const [posted] = await pipeline.genesys.waitForInboundMessages(1, 60_000);
    const streamId = customerStreamId(TENANT, PHONE_NUMBER_ID, `wa.${waId}`);
    await waitFor('the post recorded', async () =>
      (await streamEvents(pipeline.connections.pool, streamId)).some(
        (event) => event.type === 'InboundPostedToGenesys',
      )
        ? true
        : undefined,
    );

    const body = inboundReceipt({ wamid: 'wamid.receipt-subject', genesysId: posted!.id, waId });
    const first = await postGenesysWebhook(pipeline.app, SECRET, body);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ accepted: true, duplicate: false });
    // Genesys retries a webhook it saw no answer to: the same receipt records nothing new.
    expect((await postGenesysWebhook(pipeline.app, SECRET, body)).json()).toMatchObject({
      accepted: true,
      duplicate: true,
    });

    const receipts = (await streamEvents(pipeline.connections.pool, streamId)).filter(
      (event) => event.type === 'InboundReceiptReceived',
    );
    expect(receipts.map((event) => event.data)).toEqual([
      {
        wamid: 'wamid.receipt-subject',
        status: 'Failed',
        isFinalReceipt: true,
        reasons: [
          { code: 'GeneralError', message: 'some general error' },
          { code: 'RateLimited', message: 'you have reached your limit' },
        ],
        genesysMessageId: posted!.id,
        conversationId: posted!.conversationId,
      },
    ]);

    const audit = await pipeline.internal.inject({
      method: 'GET',
      url: `/audit/conversations/${posted!.conversationId}`,
      headers: { 'x-tenant-id': TENANT, authorization: `Bearer ${pipeline.adminToken}` },
    });
    expect(audit.statusCode).toBe(200);
    expect(
      audit
        .json<{ events: { type: string; summary: Record<string, unknown> }[] }>()
        .events.filter((event) => event.type === 'InboundReceiptReceived'),
    ).toEqual([
      expect.objectContaining({
        summary: expect.objectContaining({ status: 'Failed', wamid: 'wamid.receipt-subject' }),
      }),
    ]);
  });

  it('accepts, without recording, a receipt about a message the tenant never received', async () => {
    const response = await postGenesysWebhook(
      pipeline.app,
      SECRET,
      inboundReceipt({ wamid: 'wamid.never-received', genesysId: 'g-unknown', waId: '447700900402' }),
    );
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ accepted: false, eventId: '', duplicate: false });
  });

  it('refuses an inbound receipt of the wrong shape', async () => {
    const body = JSON.parse(
      inboundReceipt({ wamid: 'wamid.receipt-subject', genesysId: 'g', waId: '447700900401' }),
    ) as Record<string, unknown>;
    const response = await postGenesysWebhook(
      pipeline.app,
      SECRET,
      JSON.stringify({ ...body, status: 'Exploded' }),
    );
    expect(response.statusCode).toBe(422);
  });
});
