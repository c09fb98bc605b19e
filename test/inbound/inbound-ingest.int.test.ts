import { buildInboundWebhook, signMetaWebhook } from '../../src/simulators/meta';
import { customerStreamId } from '../../src/events/schemas/stream-ids';
import { fixtureBytes } from '../support/fixtures';
import { startPipeline, PHONE_NUMBER_ID, type TestPipeline } from '../support/pipeline';
import { streamEvents as allStreamEvents } from '../support/streams';
import { waitFor } from '../support/wait';

// Consumers joining their groups take a few seconds on a fresh namespace.
jest.setTimeout(90_000);

const TENANT = 'tenant-inbound';

/** The recorded messages of a stream (the poster adds their outcomes at Genesys beside them). */
const streamEvents = async (...args: Parameters<typeof allStreamEvents>) =>
  (await allStreamEvents(...args)).filter((event) => event.type === 'InboundMessageReceived');

describe('inbound ingestion: Meta messages → InboundMessageReceived on customer streams', () => {
  let pipeline: TestPipeline;
  const post = (raw: Buffer) =>
    pipeline.app.inject({
      method: 'POST',
      url: '/webhook/meta',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signMetaWebhook(pipeline.config.META_APP_SECRET!, raw),
      },
      payload: raw,
    });
  const inboundCount = async () =>
    Number(
      (
        await pipeline.connections.pool.query<{ n: string }>(
          "SELECT count(*) AS n FROM events WHERE type = 'InboundMessageReceived'",
        )
      ).rows[0]!.n,
    );

  beforeAll(async () => {
    pipeline = await startPipeline('inbound-ingest', { roles: ['api', 'relay', 'processor'] });
    await pipeline.addTenant({
      tenantId: TENANT,
      integrationId: 'integration-inbound',
      region: 'mypurecloud.com',
      webhookSecret: 'inbound-webhook-secret',
    });
  });
  afterAll(() => pipeline.stop());

  it('records the fixture message once, whether Meta posts the batch once or twice', async () => {
    const raw = fixtureBytes('meta/inbound-text.json');
    expect((await post(raw)).statusCode).toBe(200);
    const again = await post(raw);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ duplicate: true });

    const streamId = customerStreamId(TENANT, PHONE_NUMBER_ID, 'wa.16505551234');
    const events = await waitFor('the inbound message on its customer stream', async () => {
      const found = await streamEvents(pipeline.connections.pool, streamId);
      return found.length > 0 ? found : undefined;
    });
    expect(events).toEqual([
      expect.objectContaining({
        type: 'InboundMessageReceived',
        data: expect.objectContaining({
          wamid: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
          customer: { waId: '16505551234', name: 'Sheena Nelson' },
          content: { kind: 'text', body: 'Does it come in another color?' },
        }),
      }),
    ]);
  });

  it('records a copy of the same messages in another body (a Meta duplicate) as nothing new', async () => {
    const messages = [
      { type: 'text', id: 'wamid.copy-1', text: { body: 'one' } },
      { type: 'text', id: 'wamid.copy-2', text: { body: 'two' } },
    ];
    const customer = { waId: '447700900123', name: 'Ola' };
    const first = Buffer.from(JSON.stringify(buildInboundWebhook({ customer, messages })));
    // Same messages, another body (Meta re-sent them with other pricing/contacts): another webhook stream.
    const copy = Buffer.from(
      JSON.stringify(buildInboundWebhook({ customer: { ...customer }, messages })) + ' ',
    );
    const before = await inboundCount();
    expect((await post(first)).statusCode).toBe(200);
    expect((await post(copy)).json()).toMatchObject({ duplicate: false });

    const streamId = customerStreamId(TENANT, PHONE_NUMBER_ID, 'wa.447700900123');
    await waitFor('both messages recorded', async () =>
      (await streamEvents(pipeline.connections.pool, streamId)).length >= 2 ? true : undefined,
    );
    // Both webhooks are handled by now when a later marker webhook is: the processor reads them in order per key
    // only, so wait for the total to settle instead of sleeping.
    const marker = Buffer.from(
      JSON.stringify(
        buildInboundWebhook({
          customer,
          messages: [{ type: 'text', id: 'wamid.copy-3', text: { body: 'three' } }],
        }),
      ),
    );
    expect((await post(marker)).statusCode).toBe(200);
    await waitFor('the marker recorded', async () =>
      (await streamEvents(pipeline.connections.pool, streamId)).length >= 3 ? true : undefined,
    );
    const events = await streamEvents(pipeline.connections.pool, streamId);
    expect(events.map((event) => event.data.wamid)).toEqual(['wamid.copy-1', 'wamid.copy-2', 'wamid.copy-3']);
    expect(await inboundCount()).toBe(before + 3);
  });

  it('puts a business-scoped user on a bsu. stream', async () => {
    expect((await post(fixtureBytes('meta/inbound-business-scoped-user.json'))).statusCode).toBe(200);
    const streamId = customerStreamId(TENANT, PHONE_NUMBER_ID, 'bsu.US.13491208655302741918');
    const events = await waitFor('the business-scoped message', async () => {
      const found = await streamEvents(pipeline.connections.pool, streamId);
      return found.length > 0 ? found : undefined;
    });
    expect(events[0]!.data).toMatchObject({
      customer: { userId: 'US.13491208655302741918', username: '@sheena.nelson' },
    });
  });
});
