import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildInternalApp } from '../../src/http/app';
import { createLogger } from '../../src/infra/logger';
import { ApiKeyRepository } from '../../src/tenants/api-keys/api-key-repository';
import { API_KEY_CACHE_MS, ApiKeys } from '../../src/tenants/api-keys/api-keys';
import { startTestBridge, type TestBridge } from '../support/bridge';
import { waitFor } from '../support/wait';

/**
 * An outsider, a neighbour tenant and a careless caller attack the internal listener over real HTTP: every route
 * without a credential, with a wrong one, with another tenant's key, with a revoked key and with a key lacking
 * the scope; and the public listener, which must not serve any of it.
 */

interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  body?: unknown;
}

const ACME = 'acme';
const GLOBEX = 'globex';

const tenantRoutes: Array<Route & { scope: 'state:read' | 'state:write' | 'audit:read' }> = [
  { method: 'GET', url: '/state/conversation/conv-acme-1', scope: 'state:read' },
  {
    method: 'POST',
    url: '/state/message',
    body: { metaMessageId: 'wamid.forged', genesysMessageId: 'gm-1' },
    scope: 'state:write',
  },
  { method: 'PATCH', url: '/state/message/wamid.forged', body: { status: 'failed' }, scope: 'state:write' },
  { method: 'GET', url: '/audit/conversations/conv-acme-1', scope: 'audit:read' },
];

const adminRoutes: Route[] = [
  { method: 'GET', url: '/admin/tenants' },
  { method: 'POST', url: '/admin/tenants', body: { tenantId: 'intruder' } },
  {
    method: 'PUT',
    url: `/admin/tenants/${ACME}/credentials`,
    body: { genesysWebhookSecret: 'x'.repeat(20) },
  },
  { method: 'POST', url: '/admin/conversations', body: { tenantId: ACME, conversationId: 'c', waId: '1' } },
  { method: 'POST', url: `/admin/tenants/${ACME}/api-keys`, body: { scopes: ['audit:read'] } },
  { method: 'GET', url: `/admin/tenants/${ACME}/api-keys` },
  { method: 'DELETE', url: `/admin/tenants/${ACME}/api-keys/0123456789abcdef` },
];

describe('internal listener: a credential on every route, bound to a tenant', () => {
  let bridge: TestBridge;
  let publicUrl: string;
  let internalUrl: string;
  const requests = { total: 0, refused: 0 };
  const metricsToken = randomBytes(16).toString('hex');

  const call = async (base: string, route: Route, headers: Record<string, string> = {}) => {
    requests.total++;
    const response = await fetch(`${base}${route.url}`, {
      method: route.method,
      headers: { ...(route.body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(route.body !== undefined ? { body: JSON.stringify(route.body) } : {}),
    });
    const text = await response.text();
    if (response.status >= 400) requests.refused++;
    return { status: response.status, text };
  };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const keyOf = (headers: Record<string, string>) => headers['authorization']!.slice('Bearer '.length);
  const admin = () => bearer(bridge.adminToken);

  let acmeAll: Record<string, string>;
  let globexAll: Record<string, string>;

  beforeAll(async () => {
    bridge = await startTestBridge('security-internal', { METRICS_TOKEN: metricsToken });
    for (const tenantId of [ACME, GLOBEX]) {
      await bridge.createTenant({
        tenantId,
        genesysIntegrationId: `int-${tenantId}`,
        genesysWebhookSecret: randomBytes(16).toString('hex'),
        whatsapp: { phoneNumberId: tenantId === ACME ? '1001' : '1002', accessToken: `token-${tenantId}` },
      });
    }
    acmeAll = await bridge.apiKeyHeaders(ACME);
    globexAll = await bridge.apiKeyHeaders(GLOBEX);
    publicUrl = await bridge.app.listen({ port: 0, host: '127.0.0.1' });
    internalUrl = await bridge.internal.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    console.log(`internal-route attacks: ${requests.total} requests, ${requests.refused} refused`);
    await bridge.close();
  });

  it('refuses every internal route without a credential, or with a made-up one, before any lookup', async () => {
    const forged = `gwb_${'0'.repeat(16)}_${randomBytes(32).toString('base64url')}`;
    for (const route of [...tenantRoutes, ...adminRoutes, { method: 'GET', url: '/metrics' } as Route]) {
      for (const headers of [
        {},
        bearer('wrong'),
        bearer(forged),
        { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` },
        { 'x-tenant-id': ACME },
      ] as Record<string, string>[]) {
        const answer = await call(internalUrl, route, headers);
        expect([route.method, route.url, answer.status]).toEqual([route.method, route.url, 401]);
        expect(JSON.parse(answer.text)).toMatchObject({ error: 'Unauthorized' });
      }
    }
  });

  it('refuses a tenant key on admin routes, and the admin token on the State Manager routes', async () => {
    for (const route of adminRoutes) expect((await call(internalUrl, route, acmeAll)).status).toBe(401);
    for (const route of tenantRoutes.filter((r) => r.scope !== 'audit:read')) {
      expect((await call(internalUrl, route, { ...admin(), 'x-tenant-id': ACME })).status).toBe(401);
    }
  });

  it("refuses another tenant's key naming this tenant (403), and scopes it to its own tenant otherwise", async () => {
    for (const route of tenantRoutes) {
      const answer = await call(internalUrl, route, { ...globexAll, 'x-tenant-id': ACME });
      expect([route.url, answer.status]).toEqual([route.url, 403]);
      expect(JSON.parse(answer.text)).toMatchObject({ error: 'TenantMismatch' });
    }
    // Without the header the key speaks for globex, which has no such conversation: the legacy 404 body, no data.
    const own = await call(internalUrl, tenantRoutes[0]!, globexAll);
    expect(own.status).toBe(404);
    expect(JSON.parse(own.text)).toMatchObject({ error: 'No WhatsApp mapping found' });
  });

  it('refuses a key lacking the scope a route needs (403)', async () => {
    for (const route of tenantRoutes) {
      const others = (['state:read', 'state:write', 'audit:read'] as const).filter((s) => s !== route.scope);
      const narrow = await bridge.apiKeyHeaders(ACME, [...others]);
      const answer = await call(internalUrl, route, narrow);
      expect([route.url, answer.status]).toEqual([route.url, 403]);
      expect(JSON.parse(answer.text)).toMatchObject({ error: 'MissingScope' });
      const exact = await call(internalUrl, route, await bridge.apiKeyHeaders(ACME, [route.scope]));
      expect([route.url, exact.status]).not.toEqual([route.url, 403]);
      expect(exact.status).not.toBe(401);
    }
  });

  it('a revoked key is refused at once here and within seconds in another process', async () => {
    const headers = await bridge.apiKeyHeaders(ACME, ['state:read']);
    const keyId = keyOf(headers).split('_')[1]!;
    // Another process: its own key cache, the same database.
    const elsewhere: FastifyInstance = await buildInternalApp({
      ...bridge.services,
      logger: createLogger('silent'),
      checks: [],
      adminToken: bridge.adminToken,
      apiKeys: new ApiKeys(new ApiKeyRepository(bridge.connections.pool)),
    });
    try {
      const route = tenantRoutes[0]!;
      const read = () => elsewhere.inject({ method: 'GET', url: route.url, headers });
      expect((await call(internalUrl, route, headers)).status).toBe(404); // accepted: no such mapping yet
      expect((await read()).statusCode).toBe(404);

      const revoked = await call(
        internalUrl,
        { method: 'DELETE', url: `/admin/tenants/${ACME}/api-keys/${keyId}` },
        admin(),
      );
      expect(revoked.status).toBe(204);
      expect((await call(internalUrl, route, headers)).status).toBe(401);
      const started = Date.now();
      await waitFor('the other process to refuse the revoked key', async () =>
        (await read()).statusCode === 401 ? true : undefined,
      );
      expect(Date.now() - started).toBeLessThanOrEqual(API_KEY_CACHE_MS + 2000);

      const listed = await call(
        internalUrl,
        { method: 'GET', url: `/admin/tenants/${ACME}/api-keys` },
        admin(),
      );
      const entry = (
        JSON.parse(listed.text) as { keys: { keyId: string; revokedAt: string | null }[] }
      ).keys.find((key) => key.keyId === keyId);
      expect(entry?.revokedAt).not.toBeNull();
    } finally {
      await elsewhere.close();
    }
  });

  it('shows a new key once and stores only its hash', async () => {
    const headers = await bridge.apiKeyHeaders(GLOBEX, ['state:read']);
    const key = keyOf(headers);
    const listed = await call(
      internalUrl,
      { method: 'GET', url: `/admin/tenants/${GLOBEX}/api-keys` },
      admin(),
    );
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain(key);
    expect(listed.text).not.toContain(key.split('_')[2]);
    const { rows } = await bridge.connections.pool.query<{ row: string }>(
      'SELECT row_to_json(k)::text AS row FROM tenant_api_keys k',
    );
    for (const { row } of rows) expect(row).not.toContain(key.split('_')[2]);
  });

  it('rotates without downtime: two keys work side by side until the old one is revoked', async () => {
    const route = tenantRoutes[0]!;
    const oldKey = await bridge.apiKeyHeaders(ACME, ['state:read']);
    const newKey = await bridge.apiKeyHeaders(ACME, ['state:read']);
    expect((await call(internalUrl, route, oldKey)).status).toBe(404);
    expect((await call(internalUrl, route, newKey)).status).toBe(404);
    const oldId = keyOf(oldKey).split('_')[1]!;
    await call(internalUrl, { method: 'DELETE', url: `/admin/tenants/${ACME}/api-keys/${oldId}` }, admin());
    expect((await call(internalUrl, route, oldKey)).status).toBe(401);
    expect((await call(internalUrl, route, newKey)).status).toBe(404);
  });

  it('serves /metrics with METRICS_TOKEN only', async () => {
    const scrape = await call(internalUrl, { method: 'GET', url: '/metrics' }, bearer(metricsToken));
    expect(scrape.status).toBe(200);
    expect(scrape.text).toContain('bridge_webhook_ack_seconds');
    expect((await call(internalUrl, { method: 'GET', url: '/metrics' }, admin())).status).toBe(401);
  });

  it('the public listener answers 404 for every internal path, whatever credential comes with it', async () => {
    const internalPaths: Route[] = [
      ...tenantRoutes,
      ...adminRoutes,
      { method: 'GET', url: '/metrics' },
      { method: 'GET', url: '/readyz' },
      { method: 'GET', url: '/state/customer/15550001234' },
    ];
    for (const route of internalPaths) {
      for (const headers of [{}, admin(), acmeAll, bearer(metricsToken)]) {
        const answer = await call(publicUrl, route, headers);
        expect([route.method, route.url, answer.status]).toEqual([route.method, route.url, 404]);
      }
    }
    expect((await call(publicUrl, { method: 'GET', url: '/healthz' })).status).toBe(200);
  });

  it('never echoes a credential in an error body', async () => {
    const forged = `gwb_${'1'.repeat(16)}_${randomBytes(32).toString('base64url')}`;
    for (const headers of [bearer(forged), { ...globexAll, 'x-tenant-id': ACME }, admin()]) {
      for (const route of tenantRoutes) {
        const answer = await call(internalUrl, route, headers);
        expect(answer.text).not.toContain(forged);
        expect(answer.text).not.toContain(keyOf(globexAll));
        expect(answer.text).not.toContain(bridge.adminToken);
      }
    }
  });
});
