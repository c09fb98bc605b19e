import type { Pool } from 'pg';
import type { RecordedReceipt } from '../../src/simulators/genesys';
import { fixtureBytes, fixtureJson } from '../support/fixtures';
import { streamEvents } from '../support/streams';
import { waitFor } from '../support/wait';
import { statusWebhookBody } from './meta-bodies';
import { CUSTOMER_ID, INTEGRATION_ID, startStatusHarness, type StatusHarness } from './status-harness';

jest.setTimeout(90_000);

const TENANT = 'tenant-receipts';
/**
 * The delivered and read fixtures are real captures from another business number than the other bodies here; a
 * status only applies to a message of the tenant sending from its number, so their message is this tenant's.
 */
const FIXTURE_TENANT = 'tenant-receipts-fixtures';

/** The wamids of the Meta fixtures: a message is created under them so the fixtures apply byte for byte. */
const fixtureChange = (name: string) =>
  fixtureJson<{
    entry: { changes: { value: { metadata: { phone_number_id: string }; statuses: { id: string }[] } }[] }[];
  }>(name).entry[0]!.changes[0]!.value;
const fixtureWamid = (name: string): string => fixtureChange(name).statuses[0]!.id;

const receiptsFor = (harness: StatusHarness, genesysMessageId: string): RecordedReceipt[] =>
  harness.genesys.receipts.filter((receipt) => receipt.body.id === genesysMessageId);

const waitForReceipt = (harness: StatusHarness, genesysMessageId: string) =>
  waitFor(`a receipt for ${genesysMessageId}`, async () => receiptsFor(harness, genesysMessageId)[0]);

const eventTypes = async (pool: Pool, streamId: string) =>
  (await streamEvents(pool, streamId)).map((event) => event.type);

describe('receipt processor: what became of a message, told to Genesys', () => {
  let harness: StatusHarness;
  let pool: Pool;

  /** Everything published so far has gone through both processors. */
  const settle = async () => {
    await harness.relay.whenCaughtUp();
    await new Promise((resolve) => setTimeout(resolve, 300)); // the consumers' next fetch
    await harness.statuses.whenIdle();
    await harness.receipts.whenIdle();
  };

  const postMeta = async (body: Buffer | string) => {
    const response = await harness.postMeta(body);
    expect(response.statusCode).toBe(200);
  };

  beforeAll(async () => {
    harness = await startStatusHarness('receipts');
    pool = harness.bridge.connections.pool;
    await harness.addTenant(TENANT);
    await harness.addTenant(FIXTURE_TENANT, {
      integrationId: 'integration-receipts-fixtures',
      phoneNumberId: fixtureChange('meta/status-delivered.json').metadata.phone_number_id,
    });
  });
  afterAll(() => harness.stop());

  it('posts one Failed receipt with the mapped reason for the failed fixture, however often Meta repeats it', async () => {
    const message = await harness.sendMessage({
      tenantId: TENANT,
      genesysMessageId: 'failed-131049',
      wamids: [fixtureWamid('meta/status-failed-131049.json')],
    });
    const body = fixtureBytes('meta/status-failed-131049.json');
    await postMeta(body);
    await postMeta(body); // Meta's retry of the same body
    await postMeta(JSON.stringify(JSON.parse(body.toString('utf8')))); // the same status in another batch

    const receipt = await waitForReceipt(harness, 'failed-131049');
    await waitFor('ReceiptPosted recorded', async () =>
      (await eventTypes(pool, message.streamId)).includes('ReceiptPosted') ? true : undefined,
    );
    await settle();

    expect(receiptsFor(harness, 'failed-131049')).toHaveLength(1);
    expect(receipt.integrationId).toBe(INTEGRATION_ID);
    expect(receipt.body).toEqual({
      id: 'failed-131049',
      channel: {
        id: INTEGRATION_ID,
        platform: 'Open',
        type: 'Private',
        to: { id: CUSTOMER_ID },
        time: expect.any(String),
      },
      type: 'Receipt',
      status: 'Failed',
      reasons: [
        {
          code: 'GeneralError',
          message: 'This message was not delivered to maintain healthy ecosystem engagement.',
        },
      ],
      isFinalReceipt: true,
      direction: 'Outbound',
    });
    const events = await streamEvents(pool, message.streamId);
    expect(events.filter((event) => event.type === 'MessageFailed')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'ReceiptPosted').map((event) => event.data)).toEqual([
      { status: 'Failed', reason: 'GeneralError' },
    ]);
  });

  it.each([
    [131047, 'MessageExpired'],
    [130429, 'RateLimited'],
    [131026, 'InvalidDestination'],
    [131053, 'MediaTypeNotAllowed'],
  ])('maps Meta error %i to the Genesys reason %s', async (code, reason) => {
    const id = `failed-${code}`;
    await harness.sendMessage({ tenantId: TENANT, genesysMessageId: id, wamids: [`wamid.${id}`] });
    await postMeta(
      statusWebhookBody([
        {
          wamid: `wamid.${id}`,
          status: 'failed',
          timestamp: 1_760_100_000,
          errors: [{ code, title: `Meta error ${code}` }],
        },
      ]),
    );
    const receipt = await waitForReceipt(harness, id);
    expect(receipt.body).toMatchObject({
      status: 'Failed',
      reasons: [{ code: reason, message: `Meta error ${code}` }],
    });
  });

  it('posts one Delivered receipt for the delivered and read fixtures, and none for the read', async () => {
    const message = await harness.sendMessage({
      tenantId: FIXTURE_TENANT,
      genesysMessageId: 'delivered-then-read',
      wamids: [fixtureWamid('meta/status-delivered.json')],
    });
    await postMeta(fixtureBytes('meta/status-delivered.json'));
    await postMeta(fixtureBytes('meta/status-read.json'));
    const receipt = await waitForReceipt(harness, 'delivered-then-read');
    await waitFor('Read recorded', async () =>
      (await eventTypes(pool, message.streamId)).includes('Read') ? true : undefined,
    );
    await settle();

    expect(receiptsFor(harness, 'delivered-then-read')).toHaveLength(1);
    expect(receipt.body).toMatchObject({
      id: 'delivered-then-read',
      status: 'Delivered',
      channel: { id: INTEGRATION_ID, to: { id: CUSTOMER_ID }, time: '2025-10-17T00:00:26.000Z' },
    });
    expect(receipt.body).not.toHaveProperty('reasons');
  });

  it('posts Delivered for a message read without a delivered status', async () => {
    await harness.sendMessage({
      tenantId: TENANT,
      genesysMessageId: 'read-only',
      wamids: ['wamid.read-only'],
    });
    await postMeta(
      statusWebhookBody([{ wamid: 'wamid.read-only', status: 'read', timestamp: 1_760_200_000 }]),
    );
    expect((await waitForReceipt(harness, 'read-only')).body).toMatchObject({ status: 'Delivered' });
  });

  it('posts Failed / InvalidDestination for a message with no WhatsApp mapping', async () => {
    await harness.unmappedMessage({ tenantId: TENANT, genesysMessageId: 'unmapped' });
    const receipt = await waitForReceipt(harness, 'unmapped');
    expect(receipt.body).toMatchObject({ status: 'Failed', reasons: [{ code: 'InvalidDestination' }] });
  });

  it('retries a receipt Genesys could not take, and posts it once', async () => {
    harness.genesys.failNext({ route: 'receipt', status: 503, count: 2 });
    const message = await harness.sendMessage({
      tenantId: TENANT,
      genesysMessageId: 'genesys-503',
      wamids: ['wamid.genesys-503'],
    });
    await postMeta(
      statusWebhookBody([{ wamid: 'wamid.genesys-503', status: 'delivered', timestamp: 1_760_300_000 }]),
    );
    await waitForReceipt(harness, 'genesys-503');
    await waitFor('ReceiptPosted recorded', async () =>
      (await eventTypes(pool, message.streamId)).includes('ReceiptPosted') ? true : undefined,
    );
    expect(receiptsFor(harness, 'genesys-503')).toHaveLength(1);
    const attempts = harness.genesys.requests.filter((request) =>
      request.path.endsWith('/inbound/open/receipt'),
    ).length;
    expect(attempts).toBeGreaterThanOrEqual(3);
  });

  it('skips receipts for a tenant without Genesys API credentials and goes on with the others', async () => {
    await harness.addTenant('tenant-no-oauth', {
      integrationId: 'integration-no-oauth',
      withGenesysOAuth: false,
    });
    const silent = await harness.sendMessage({
      tenantId: 'tenant-no-oauth',
      genesysMessageId: 'no-oauth',
      wamids: ['wamid.no-oauth'],
    });
    const skippedBefore = harness.receiptCounts['no-credentials'];
    await postMeta(
      statusWebhookBody([
        {
          wamid: 'wamid.no-oauth',
          status: 'failed',
          timestamp: 1_760_400_000,
          errors: [{ code: 1, title: 'x' }],
        },
      ]),
    );
    await waitFor('the receipt skipped', async () =>
      harness.receiptCounts['no-credentials'] > skippedBefore ? true : undefined,
    );
    expect(await eventTypes(pool, silent.streamId)).toContain('MessageFailed');
    expect(await eventTypes(pool, silent.streamId)).not.toContain('ReceiptPosted');
    expect(receiptsFor(harness, 'no-oauth')).toHaveLength(0);
    const { rows } = await pool.query("SELECT 1 FROM dead_letters WHERE source = 'processor.receipts'");
    expect(rows).toHaveLength(0);

    await harness.sendMessage({
      tenantId: TENANT,
      genesysMessageId: 'after-skip',
      wamids: ['wamid.after-skip'],
    });
    await postMeta(
      statusWebhookBody([{ wamid: 'wamid.after-skip', status: 'delivered', timestamp: 1_760_400_001 }]),
    );
    expect((await waitForReceipt(harness, 'after-skip')).body).toMatchObject({ status: 'Delivered' });
  });
  it('keeps the Genesys token sealed in Redis and reuses it for the next receipt', async () => {
    const redis = harness.bridge.connections.redis;
    const key = `tenant:${TENANT}:oauth:token`;
    await redis.del(key);
    const tokensBefore = harness.genesys.tokenRequests;
    const bearers = () =>
      harness.genesys.requests
        .filter((request) => request.path.endsWith('/receipt'))
        .map((request) => String(request.headers.authorization));
    const bearersBefore = bearers().length;

    for (const id of ['sealed-token-1', 'sealed-token-2']) {
      await harness.sendMessage({ tenantId: TENANT, genesysMessageId: id, wamids: [`wamid.${id}`] });
      await postMeta(
        statusWebhookBody([{ wamid: `wamid.${id}`, status: 'delivered', timestamp: 1_760_500_000 }]),
      );
      await waitForReceipt(harness, id);
    }

    expect(harness.genesys.tokenRequests - tokensBefore).toBe(1);
    const used = bearers().slice(bearersBefore);
    expect(used.length).toBeGreaterThanOrEqual(2);
    expect(new Set(used).size).toBe(1);
    const token = used[0]!.replace(/^Bearer /i, '');
    expect(token.length).toBeGreaterThan(20);
    const raw = await redis.get(key);
    expect(raw).not.toBeNull();
    expect(raw).not.toContain(token);
    expect(raw).not.toContain(Buffer.from(token).toString('base64'));
    expect(JSON.parse(raw!)).toMatchObject({ sealedToken: { keyId: expect.any(String) } });
  });
});
