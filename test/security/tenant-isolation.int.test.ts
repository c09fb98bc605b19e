import type { Pool } from 'pg';
import { decodeOutboundEvent } from '../../src/events/decode';
import { applyMessagesSent } from '../../src/projections/message-tracking';
import { waitFor } from '../support/wait';
import { statusWebhookBody, type StatusSpec } from '../statuses/meta-bodies';
import { startStatusHarness, type StatusHarness } from '../statuses/status-harness';

// Consumers joining their groups take a few seconds on a fresh namespace.
jest.setTimeout(90_000);

/**
 * Tenants `demo` and `demo-eu` with messages `eu-m1` and `m1`: with unescaped stream ids both were
 * `outbound-demo-eu-m1`. Each tenant has its own WhatsApp number, and a status only moves a message of the tenant
 * whose number it came to.
 */
const DEMO = {
  tenantId: 'demo',
  phoneNumberId: '111000111',
  integrationId: '5c0b7a52-0d8e-4a43-9a65-b9f0e0c2a001',
};
const DEMO_EU = {
  tenantId: 'demo-eu',
  phoneNumberId: '222000222',
  integrationId: '5c0b7a52-0d8e-4a43-9a65-b9f0e0c2a002',
};

const STATUS_TYPES = new Set(['StatusSent', 'Delivered', 'Read', 'MessageFailed']);

describe('tenant isolation of outbound streams and Meta statuses', () => {
  let harness: StatusHarness;
  let pool: Pool;

  const handled = () => Object.values(harness.statusCounts).reduce((sum, n) => sum + n, 0);
  /** POSTs statuses as Meta reports them to `phoneNumberId`, and waits until the processor handled them all. */
  const deliver = async (phoneNumberId: string, statuses: StatusSpec[]) => {
    const before = handled();
    const response = await harness.postMeta(statusWebhookBody(statuses, phoneNumberId));
    expect(response.statusCode).toBe(200);
    await harness.waitForStatusesHandled(before + statuses.length);
  };
  const streamRows = async (streamId: string) =>
    (
      await pool.query<{ type: string; tenant_id: string }>(
        'SELECT type, tenant_id FROM events WHERE stream_id = $1 ORDER BY stream_position',
        [streamId],
      )
    ).rows;
  const statusTypes = async (streamId: string) =>
    (await streamRows(streamId)).map((row) => row.type).filter((type) => STATUS_TYPES.has(type));

  beforeAll(async () => {
    harness = await startStatusHarness('isolation');
    pool = harness.bridge.connections.pool;
    for (const tenant of [DEMO, DEMO_EU]) {
      await harness.addTenant(tenant.tenantId, {
        integrationId: tenant.integrationId,
        phoneNumberId: tenant.phoneNumberId,
        withGenesysOAuth: false,
      });
    }
  });
  afterAll(() => harness.stop());

  it('gives demo/eu-m1 and demo-eu/m1 their own streams, index rows, tracking rows and parked statuses', async () => {
    // demo-eu's status arrives before its MessageSent and is parked; demo's after.
    await deliver(DEMO_EU.phoneNumberId, [
      { wamid: 'wamid.eu-m1', status: 'delivered', timestamp: 1_760_000_100 },
    ]);
    expect(harness.statusCounts.parked).toBe(1);

    const demo = await harness.sendMessage({
      tenantId: 'demo',
      genesysMessageId: 'eu-m1',
      wamids: ['wamid.demo'],
    });
    const eu = await harness.sendMessage({
      tenantId: 'demo-eu',
      genesysMessageId: 'm1',
      wamids: ['wamid.eu-m1'],
    });
    expect(demo.streamId).not.toBe(eu.streamId);
    const demoRows = await streamRows(demo.streamId);
    const euRows = await streamRows(eu.streamId);
    expect(demoRows.map((row) => row.type)).toContain('WebhookReceived');
    expect(new Set(demoRows.map((row) => row.tenant_id))).toEqual(new Set(['demo']));
    expect(new Set(euRows.map((row) => row.tenant_id))).toEqual(new Set(['demo-eu']));
    // The second WebhookReceived would have been refused (expected position 0) on a shared stream.
    expect(euRows.filter((row) => row.type === 'WebhookReceived')).toHaveLength(1);

    const { rows: index } = await pool.query(
      'SELECT wamid, tenant_id, genesys_message_id FROM meta_message_index ORDER BY wamid',
    );
    expect(index).toEqual([
      { wamid: 'wamid.demo', tenant_id: 'demo', genesys_message_id: 'eu-m1' },
      { wamid: 'wamid.eu-m1', tenant_id: 'demo-eu', genesys_message_id: 'm1' },
    ]);

    // The parked status follows demo-eu's MessageSent to demo-eu's message, not to demo's.
    await waitFor('the parked status applied', async () =>
      (await statusTypes(eu.streamId)).includes('Delivered') ? true : undefined,
    );
    await deliver(DEMO.phoneNumberId, [{ wamid: 'wamid.demo', status: 'read', timestamp: 1_760_000_200 }]);
    expect(await statusTypes(demo.streamId)).toEqual(['Delivered', 'Read']);
    expect(await statusTypes(eu.streamId)).toEqual(['Delivered']);

    // message_tracking, fed the stored MessageSent events, names each message with its own tenant.
    const sent = [
      ...(await harness.bridge.services.store.readStream(demo.streamId)),
      ...(await harness.bridge.services.store.readStream(eu.streamId)),
    ]
      .map(decodeOutboundEvent)
      .filter((event) => event.type === 'MessageSent');
    const client = await pool.connect();
    try {
      await applyMessagesSent(sent as Parameters<typeof applyMessagesSent>[0], client);
    } finally {
      client.release();
    }
    const { rows: tracking } = await pool.query(
      'SELECT meta_message_id, tenant_id, genesys_message_id FROM message_tracking ORDER BY meta_message_id',
    );
    expect(tracking).toEqual([
      { meta_message_id: 'wamid.demo', tenant_id: 'demo', genesys_message_id: 'eu-m1' },
      { meta_message_id: 'wamid.eu-m1', tenant_id: 'demo-eu', genesys_message_id: 'm1' },
    ]);
  });

  it("does not apply a status tenant demo-eu's number reports for a wamid of tenant demo", async () => {
    const demo = await harness.sendMessage({
      tenantId: 'demo',
      genesysMessageId: 'a-1',
      wamids: ['wamid.a-1'],
    });
    const before = harness.statusCounts['wrong-number'];
    await deliver(DEMO_EU.phoneNumberId, [
      {
        wamid: 'wamid.a-1',
        status: 'failed',
        timestamp: 1_760_000_300,
        errors: [{ code: 131026, title: 'x' }],
      },
    ]);
    expect(harness.statusCounts['wrong-number']).toBe(before + 1);
    expect(await statusTypes(demo.streamId)).toEqual([]);

    // The same status from demo's own number applies: the refusal was the number, not the status.
    await deliver(DEMO.phoneNumberId, [
      { wamid: 'wamid.a-1', status: 'delivered', timestamp: 1_760_000_310 },
    ]);
    expect(await statusTypes(demo.streamId)).toEqual(['Delivered']);
  });

  it('does not apply a status parked from the wrong number once the MessageSent arrives', async () => {
    const before = harness.statusCounts['wrong-number'];
    await deliver(DEMO_EU.phoneNumberId, [{ wamid: 'wamid.b-1', status: 'read', timestamp: 1_760_000_400 }]);
    const demo = await harness.sendMessage({
      tenantId: 'demo',
      genesysMessageId: 'b-1',
      wamids: ['wamid.b-1'],
    });
    await waitFor('the parked status handled', async () =>
      harness.statusCounts['wrong-number'] > before ? true : undefined,
    );
    expect(await statusTypes(demo.streamId)).toEqual([]);
  });
});
