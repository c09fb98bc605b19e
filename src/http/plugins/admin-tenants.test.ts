import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { CredentialsCipher } from '../../tenants/credentials-cipher';
import { TenantAdmin } from '../../tenants/tenant-admin';
import type { TenantDirectory } from '../../tenants/tenant-directory';
import type { TenantRecord, TenantRepository } from '../../tenants/tenant-repository';
import type { ApiKeys } from '../../tenants/api-keys/api-keys';
import type { EventStore } from '../../events/store/types';
import { registerErrorHandler } from '../errors';
import { adminPlugin } from './admin';

/** POST /admin/tenants refuses ids and regions before anything is stored; the repository only records creations. */
const TOKEN = 'admin-token-for-tests';

const startAdmin = async (anyGenesysRegion: boolean) => {
  const created: TenantRecord[] = [];
  const repository = {
    create: async (tenant: TenantRecord) => void created.push(tenant),
  } as unknown as TenantRepository;
  const directory = { invalidate: async () => undefined } as unknown as TenantDirectory;
  const cipher = new CredentialsCipher('k1', { k1: randomBytes(32) });
  const app: FastifyInstance = Fastify();
  registerErrorHandler(app);
  await app.register(adminPlugin, {
    adminToken: TOKEN,
    tenants: new TenantAdmin(repository, cipher, directory, { anyGenesysRegion }),
    store: {} as EventStore,
    apiKeys: {} as ApiKeys,
  });
  return { app, created };
};

const body = (overrides: Record<string, unknown>) => ({
  tenantId: 'acme',
  genesysIntegrationId: '73cb7fb7-c2db-4996-88f3-0a83a4fea1da',
  genesysWebhookSecret: 'webhook-secret-0123456789',
  genesysRegion: 'mypurecloud.ie',
  whatsapp: { phoneNumberId: '106540352242922', accessToken: 'EAAJ-secret-token' },
  ...overrides,
});

const post = (app: FastifyInstance, payload: unknown) =>
  app.inject({
    method: 'POST',
    url: '/admin/tenants',
    headers: { authorization: `Bearer ${TOKEN}` },
    payload: payload as Record<string, unknown>,
  });

describe('POST /admin/tenants: tenant ids and Genesys regions', () => {
  let real: Awaited<ReturnType<typeof startAdmin>>;
  let simulated: Awaited<ReturnType<typeof startAdmin>>;
  beforeAll(async () => {
    real = await startAdmin(false);
    simulated = await startAdmin(true);
  });
  afterAll(async () => {
    await real.app.close();
    await simulated.app.close();
  });

  it.each([
    ['a : (Redis key separator)', 'acme:eu'],
    ['a / (S3 key separator)', 'acme/eu'],
    ['a %', 'acme%2D'],
    ['an @', 'ops@acme'],
    ['a leading -', '-acme'],
    ['a leading .', '.acme'],
    ['..', '..'],
    ['65 characters', 'a'.repeat(65)],
    ['a space', 'acme eu'],
  ])('refuses a tenant id with %s: 422 naming tenantId', async (_, tenantId) => {
    const response = await post(real.app, body({ tenantId }));
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({
      error: 'SchemaMismatch',
      message: expect.any(String),
      issues: [{ path: 'tenantId', message: expect.stringMatching(/letters, digits/) }],
    });
    expect(real.created).toEqual([]);
  });

  it('accepts 64 characters of letters, digits, . _ and -', async () => {
    const tenantId = `demo-eu.1_${'x'.repeat(54)}`;
    const response = await post(real.app, body({ tenantId }));
    expect(response.statusCode).toBe(201);
    expect(real.created.map((tenant) => tenant.tenantId)).toEqual([tenantId]);
  });

  it('refuses a region that is no Genesys Cloud region: 422 naming genesysRegion, the secret never echoed', async () => {
    real.created.length = 0;
    for (const genesysRegion of ['evil.example.com', 'pure.cloud', 'mypurecloud.com.evil.io']) {
      const response = await post(real.app, body({ genesysRegion }));
      expect(response.statusCode).toBe(422);
      expect(response.json().issues).toEqual([
        { path: 'genesysRegion', message: expect.stringContaining('must be a Genesys Cloud region') },
      ]);
      expect(response.body).not.toContain('EAAJ-secret-token');
    }
    expect(real.created).toEqual([]);
  });

  it('accepts every Genesys Cloud region, and the default one when none is given', async () => {
    real.created.length = 0;
    for (const [index, genesysRegion] of [
      'usw2.pure.cloud',
      'mypurecloud.com.au',
      'MyPureCloud.DE',
    ].entries()) {
      const response = await post(real.app, body({ tenantId: `t${index}`, genesysRegion }));
      expect(response.statusCode).toBe(201);
    }
    const { genesysRegion: _, ...withoutRegion } = body({ tenantId: 'default-region' });
    expect((await post(real.app, withoutRegion)).statusCode).toBe(201);
    expect(real.created.map((tenant) => tenant.genesysRegion)).toEqual([
      'usw2.pure.cloud',
      'mypurecloud.com.au',
      'mypurecloud.de',
      'mypurecloud.com',
    ]);
  });

  it('accepts any region-shaped domain when Genesys is reached through overridden URL templates (a simulator)', async () => {
    expect((await post(simulated.app, body({ genesysRegion: 'sim.local.test' }))).statusCode).toBe(201);
    // Still a domain: a region is put into URLs.
    const response = await post(simulated.app, body({ tenantId: 'other', genesysRegion: 'evil.com/x?' }));
    expect(response.statusCode).toBe(422);
    expect(response.json().issues).toEqual([{ path: 'genesysRegion', message: expect.any(String) }]);
  });
});
