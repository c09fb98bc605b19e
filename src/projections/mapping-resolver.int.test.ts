import type { Pool } from 'pg';
import { createTestDatabase } from '../../test/support/database';
import { createNamespace } from '../../test/support/namespace';
import { removeNamespace } from '../../test/support/namespace-cleanup';
import { loadConfig } from '../infra/config';
import { createLogger } from '../infra/logger';
import { createPool } from '../infra/postgres';
import { createRedis } from '../infra/redis';
import { conversationKey, userIdKey, waIdKey } from './mapping-cache';
import { MappingResolver } from './mapping-resolver';

const TENANT = 'tenant:a';
const BSUID = 'US.13491208655302741918';

/** A mapping row as the projection writes it; a customer without a wa_id has only the user id. */
const insertMapping = (
  pool: Pool,
  row: { tenant?: string; conversation: string; waId?: string; userId?: string },
) =>
  pool.query(
    `INSERT INTO conversation_mappings (tenant_id, conversation_id, wa_id, customer_user_id, contact_name,
                                        last_inbound_at)
     VALUES ($1, $2, $3, $4, '@sheena', '2026-12-06T06:00:00Z')`,
    [row.tenant ?? TENANT, row.conversation, row.waId ?? null, row.userId ?? null],
  );

describe('MappingResolver for customers known by a business-scoped user id (real PostgreSQL and Redis)', () => {
  const ns = createNamespace('mapping-resolver');
  const redis = createRedis(loadConfig({}).REDIS_URL, ns.redisKeyPrefix);
  let pool: Pool;
  let drop: () => Promise<void>;
  let resolver: MappingResolver;

  beforeAll(async () => {
    const database = await createTestDatabase('mapping_resolver');
    drop = database.drop;
    pool = createPool(database.url, { max: 2 });
    resolver = new MappingResolver(pool, redis, createLogger('silent'));
    await insertMapping(pool, { conversation: 'conv-bsu', userId: BSUID });
    await insertMapping(pool, { conversation: 'conv-both', waId: '16505551234', userId: 'US.77' });
  });
  afterAll(async () => {
    redis.disconnect();
    await pool.end();
    await drop();
    await removeNamespace(ns);
  });

  it('resolves a conversation whose customer has no wa_id to the user id, and caches it with it', async () => {
    expect(await resolver.resolve(TENANT, 'conv-bsu', '')).toEqual({
      userId: BSUID,
      contactName: '@sheena',
      lastInboundAt: '2026-12-06T06:00:00.000Z',
      resolvedBy: 'conversationId',
    });
    const cached = JSON.parse((await redis.get(conversationKey(TENANT, 'conv-bsu')))!) as object;
    expect(cached).toMatchObject({ waId: null, userId: BSUID });
    // Served from the cache now: the same answer, still with the window's start from the table.
    expect(await resolver.resolve(TENANT, 'conv-bsu', '')).toMatchObject({
      userId: BSUID,
      lastInboundAt: expect.any(String),
    });
  });

  it('finds the customer by the user id Genesys names them with, and fills the mapping:user key', async () => {
    await redis.del(userIdKey(TENANT, BSUID));
    expect(await resolver.resolve(TENANT, null, BSUID)).toEqual({
      userId: BSUID,
      contactName: '@sheena',
      lastInboundAt: '2026-12-06T06:00:00.000Z',
      resolvedBy: 'customerId',
    });
    expect(JSON.parse((await redis.get(userIdKey(TENANT, BSUID)))!)).toEqual({
      conversationId: 'conv-bsu',
      tenantId: TENANT,
    });
    // The tenant part of the key is escaped: `tenant:a` never reads as tenant `tenant` and id `a:…`.
    expect(userIdKey(TENANT, BSUID)).toBe(`mapping:user:tenant%3Aa:${BSUID}`);
  });

  it('keeps both ids of a customer known by both, and writes both customer keys', async () => {
    expect(await resolver.resolve(TENANT, 'conv-both', '')).toMatchObject({
      waId: '16505551234',
      userId: 'US.77',
    });
    expect(await redis.exists(waIdKey(TENANT, '16505551234'), userIdKey(TENANT, 'US.77'))).toBe(2);
  });

  it('never takes a user id for a wa_id, nor finds another tenant’s customer', async () => {
    expect(await resolver.resolve(TENANT, null, '13491208655302741918')).toBeUndefined();
    expect(await resolver.resolve('tenant-b', null, BSUID)).toBeUndefined();
  });

  it('still reads a conversation entry cached before user ids existed (wa_id only)', async () => {
    await redis.set(
      conversationKey(TENANT, 'conv-old'),
      JSON.stringify({ waId: '447700900123', tenantId: TENANT }),
    );
    expect(await resolver.resolve(TENANT, 'conv-old', '')).toEqual({
      waId: '447700900123',
      resolvedBy: 'conversationId',
    });
  });
});
