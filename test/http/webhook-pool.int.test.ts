import type { PoolClient } from 'pg';
import { startTestBridge, type TestBridge } from '../support/bridge';
import { genesysTextWebhook, postGenesysWebhook } from '../support/genesys-webhooks';

const TENANT = 'tenant-pool';
const SECRET = 'pool-webhook-secret-0123456789';

/**
 * The webhook routes have PostgreSQL connections of their own: with every connection of the workers' pool taken
 * (a relay, projection or processor burst), a webhook is still stored and answered 200 at once.
 */
describe('webhook routes on their own PostgreSQL pool', () => {
  let bridge: TestBridge;
  let held: PoolClient[] = [];

  beforeAll(async () => {
    bridge = await startTestBridge('webhook-pool', { PG_POOL_MAX: '2', PG_CONNECT_TIMEOUT_MS: '2000' });
    await bridge.createTenant({
      tenantId: TENANT,
      genesysIntegrationId: '73cb7fb7-c2db-4996-88f3-0a83a4fea1da',
      genesysWebhookSecret: SECRET,
      genesysRegion: 'usw2.pure.cloud',
      whatsapp: { phoneNumberId: '106540352242922', accessToken: 'token-pool' },
    });
  });
  afterAll(async () => {
    for (const client of held) client.release();
    await bridge.close();
  });

  it('accepts webhooks while the workers pool is exhausted', async () => {
    held = [await bridge.connections.pool.connect(), await bridge.connections.pool.connect()];
    // The workers' pool has nothing left: anything asking it waits for the connect timeout.
    await expect(bridge.connections.pool.query('SELECT 1')).rejects.toThrow(/timeout/);

    const started = Date.now();
    const webhooks = Array.from({ length: 6 }, (_, index) =>
      genesysTextWebhook({
        tenantId: TENANT,
        conversationId: `conversation-${index}`,
        text: `hello ${index}`,
      }),
    );
    const answers = await Promise.all(
      webhooks.map(({ body }) => postGenesysWebhook(bridge.app, SECRET, body)),
    );
    expect(answers.map((answer) => answer.statusCode)).toEqual(webhooks.map(() => 200));
    // Far below the 2 s a wait for the workers' pool would have taken.
    expect(Date.now() - started).toBeLessThan(1500);

    const { rows } = await held[0]!.query<{ stream_id: string }>(
      "SELECT stream_id FROM events WHERE type = 'WebhookReceived' AND stream_id = ANY ($1)",
      [webhooks.map(({ streamId }) => streamId)],
    );
    expect(rows.map((row) => row.stream_id).sort()).toEqual(webhooks.map(({ streamId }) => streamId).sort());
    // Readiness asks the webhook routes' pool: still ready.
    expect((await bridge.internal.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });
});
