import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { createLogger } from '../infra/logger';
import { createPool } from '../infra/postgres';
import { createRedis, type Redis } from '../infra/redis';
import { createTestDatabase } from '../../test/support/database';
import { createNamespace } from '../../test/support/namespace';
import { CredentialsCipher } from './credentials-cipher';
import { TenantAdmin } from './tenant-admin';
import { TenantDirectory, type CacheName } from './tenant-directory';
import { tenantInput } from './tenant-input';
import { TenantAlreadyExists, TenantRepository } from './tenant-repository';

const secrets = {
  webhook: 'whsec-0123456789abcdef',
  token: 'EAAJ-whatsapp-token-xyz',
  clientSecret: 'genesys-client-secret-42',
};

describe('tenants: sealed credentials in PostgreSQL, cached lookups in Redis', () => {
  const ns = createNamespace('tenants');
  const logger = createLogger('silent');
  const cipher = new CredentialsCipher('k1', { k1: randomBytes(32) });
  const observed: [CacheName, string][] = [];
  let pool: Pool;
  let redis: Redis;
  let drop: () => Promise<void>;
  let directory: TenantDirectory;
  let admin: TenantAdmin;

  beforeAll(async () => {
    const db = await createTestDatabase('tenants');
    drop = db.drop;
    pool = createPool(db.url);
    redis = createRedis('redis://127.0.0.1:6379', ns.redisKeyPrefix);
    const repository = new TenantRepository(pool);
    // Without the in-process cache: these tests are about Redis and PostgreSQL (the last test covers the former).
    directory = new TenantDirectory(
      repository,
      cipher,
      redis,
      logger,
      (cache, outcome) => observed.push([cache, outcome]),
      0,
    );
    admin = new TenantAdmin(repository, cipher, directory, { anyGenesysRegion: false });
    await admin.createTenant(
      tenantInput.parse({
        tenantId: 'acme',
        genesysIntegrationId: 'int-acme',
        genesysWebhookSecret: secrets.webhook,
        genesysRegion: 'mypurecloud.ie',
        genesysClientId: 'client-acme',
        genesysClientSecret: secrets.clientSecret,
        whatsapp: { phoneNumberId: '106540352242922', accessToken: secrets.token, wabaId: 'WABA1' },
      }),
    );
  });
  afterAll(async () => {
    const keys = await redis.keys(`${ns.redisKeyPrefix}*`);
    if (keys.length) await redis.del(...keys.map((key) => key.slice(ns.redisKeyPrefix.length)));
    await redis.quit();
    await pool.end();
    await drop();
  });

  it('stores no secret in clear in PostgreSQL', async () => {
    const { rows } = await pool.query('SELECT * FROM tenant_credentials');
    expect(rows).toHaveLength(3);
    const dump =
      JSON.stringify(rows) + rows.map((row: { ciphertext: Buffer }) => row.ciphertext.toString('latin1'));
    for (const secret of Object.values(secrets)) expect(dump).not.toContain(secret);
  });

  it('resolves an integration from PostgreSQL, then from Redis, and Redis holds no secret in clear', async () => {
    observed.length = 0;
    const first = await directory.resolveIntegration('int-acme');
    const second = await directory.resolveIntegration('int-acme');
    expect(first).toEqual(second);
    expect(first).toMatchObject({ tenant: { tenantId: 'acme', genesysRegion: 'mypurecloud.ie' } });
    expect(first?.webhookSecret).toBe(secrets.webhook);
    expect(observed).toEqual([
      ['tenant-config', 'miss'],
      ['tenant-config', 'hit'],
    ]);
    expect(await redis.ttl('integration:int-acme')).toBeGreaterThan(3590);
    expect(await redis.get('integration:int-acme')).not.toContain(secrets.webhook);
  });

  it('caches WhatsApp credentials for 24 hours, sealed', async () => {
    expect(await directory.whatsapp('acme')).toEqual({
      phoneNumberId: '106540352242922',
      accessToken: secrets.token,
      wabaId: 'WABA1',
      markInboundRead: true,
    });
    const ttl = await redis.ttl('tenant:acme:whatsapp:token');
    expect(ttl).toBeGreaterThan(86390);
    expect(await redis.get('tenant:acme:whatsapp:token')).not.toContain(secrets.token);
  });

  it('answers unknown integrations with nothing', async () => {
    expect(await directory.resolveIntegration('int-unknown')).toBeUndefined();
  });

  it('refuses a second tenant with the same integration id', async () => {
    await expect(
      admin.createTenant(
        tenantInput.parse({
          tenantId: 'other',
          genesysIntegrationId: 'int-acme',
          genesysWebhookSecret: secrets.webhook,
          whatsapp: { phoneNumberId: '1', accessToken: 't' },
        }),
      ),
    ).rejects.toEqual(new TenantAlreadyExists('genesysIntegrationId'));
  });

  it('serves new credentials right after they change (the cache is invalidated)', async () => {
    await directory.whatsapp('acme');
    expect(
      await admin.putCredentials('acme', {
        whatsapp: { phoneNumberId: '999', accessToken: 'rotated-token' },
      }),
    ).toBe(true);
    expect(await directory.whatsapp('acme')).toEqual({
      phoneNumberId: '999',
      accessToken: 'rotated-token',
      markInboundRead: true,
    });
    // The read-mark setting is kept beside the template defaults, and read back as a boolean.
    await admin.putCredentials('acme', {
      whatsapp: { phoneNumberId: '999', accessToken: 'rotated-token', markInboundRead: false },
    });
    expect(await directory.whatsapp('acme')).toMatchObject({ phoneNumberId: '999', markInboundRead: false });
    expect(await admin.putCredentials('nobody', { genesysWebhookSecret: 'x'.repeat(20) })).toBe(false);
  });

  it('keeps resolving from PostgreSQL while Redis is unreachable', async () => {
    const deadRedis = createRedis('redis://127.0.0.1:1', ns.redisKeyPrefix);
    try {
      const offline = new TenantDirectory(new TenantRepository(pool), cipher, deadRedis, logger);
      expect((await offline.resolveIntegration('int-acme'))?.tenant.tenantId).toBe('acme');
      expect((await offline.genesysOAuth('acme'))?.clientSecret).toBe(secrets.clientSecret);
    } finally {
      deadRedis.disconnect();
    }
  });

  it('names the tenants of a WhatsApp business number, and only theirs', async () => {
    await admin.createTenant(
      tenantInput.parse({
        tenantId: 'globex',
        genesysIntegrationId: 'int-globex',
        genesysWebhookSecret: secrets.webhook,
        genesysClientId: 'client-globex',
        genesysClientSecret: secrets.clientSecret,
        whatsapp: { phoneNumberId: '555000111', accessToken: secrets.token },
      }),
    );
    const repository = new TenantRepository(pool);
    expect(await repository.tenantsWithPhoneNumber('555000111')).toEqual(['globex']);
    expect(await repository.tenantsWithPhoneNumber('555000112')).toEqual([]);
    await pool.query(`UPDATE tenants SET status = 'disabled' WHERE tenant_id = 'globex'`);
    expect(await repository.tenantsWithPhoneNumber('555000111')).toEqual([]);
  });

  it('keeps integrations and tenants in the process for a few seconds, and forgets them when told', async () => {
    const repository = new TenantRepository(pool);
    const local = new TenantDirectory(repository, cipher, redis, logger, undefined, 300);
    const other = new TenantDirectory(repository, cipher, redis, logger, undefined, 300);
    const before = await local.resolveIntegration('int-acme');
    await other.resolveIntegration('int-acme');
    expect((await local.tenant('acme'))?.genesysRegion).toBe('mypurecloud.ie');
    await redis.del('integration:int-acme');
    await pool.query(`UPDATE tenants SET genesys_region = 'mypurecloud.jp' WHERE tenant_id = 'acme'`);
    try {
      // Neither Redis nor PostgreSQL is asked again within the lifetime: the change is not seen yet...
      expect(await local.resolveIntegration('int-acme')).toEqual(before);
      expect((await local.tenant('acme'))?.genesysRegion).toBe('mypurecloud.ie');
      // ...until this process is told (as the admin API does on a change)...
      await local.invalidate({ tenantId: 'acme', genesysIntegrationId: 'int-acme' });
      expect((await local.resolveIntegration('int-acme'))?.tenant.genesysRegion).toBe('mypurecloud.jp');
      expect((await local.tenant('acme'))?.genesysRegion).toBe('mypurecloud.jp');
      // ...or, in another process, once the entry expires.
      expect((await other.resolveIntegration('int-acme'))?.tenant.genesysRegion).toBe('mypurecloud.ie');
      await new Promise((resolve) => setTimeout(resolve, 400));
      await redis.del('integration:int-acme');
      expect((await other.resolveIntegration('int-acme'))?.tenant.genesysRegion).toBe('mypurecloud.jp');
    } finally {
      await pool.query(`UPDATE tenants SET genesys_region = 'mypurecloud.ie' WHERE tenant_id = 'acme'`);
      await redis.del('integration:int-acme');
    }
  });
  it('remembers unknown integration ids in the process, skips impossible ones, and forgets on invalidate', async () => {
    const repository = new TenantRepository(pool);
    const lookups = jest.spyOn(repository, 'findByIntegrationId');
    const local = new TenantDirectory(repository, cipher, redis, logger, undefined, 60_000);
    // Concurrent and repeated lookups of one unknown id: one round trip.
    const answers = await Promise.all(Array.from({ length: 5 }, () => local.resolveIntegration('int-later')));
    expect(answers).toEqual(Array(5).fill(undefined));
    expect(await local.resolveIntegration('int-later')).toBeUndefined();
    expect(lookups).toHaveBeenCalledTimes(1);
    // No tenant can have these ids (input validation refuses them): never looked up, never remembered.
    for (const impossible of ['x'.repeat(100_000), 'has space', ''])
      expect(await local.resolveIntegration(impossible)).toBeUndefined();
    expect(lookups).toHaveBeenCalledTimes(1);

    const admin = new TenantAdmin(repository, cipher, local, { anyGenesysRegion: false });
    await admin.createTenant(
      tenantInput.parse({
        tenantId: 'later',
        genesysIntegrationId: 'int-later',
        genesysWebhookSecret: secrets.webhook,
        whatsapp: { phoneNumberId: '1', accessToken: 't' },
      }),
    );
    expect((await local.resolveIntegration('int-later'))?.tenant.tenantId).toBe('later');
  });
});
