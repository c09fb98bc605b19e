import { createRedis, type Redis } from '../../src/infra/redis';
import { createNamespace } from '../support/namespace';

describe('Redis over a real connection', () => {
  const ns = createNamespace('smoke-redis');
  let redis: Redis;

  beforeAll(async () => {
    redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', ns.redisKeyPrefix);
    await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  });
  afterAll(async () => {
    const keys = await redis.keys(`${ns.redisKeyPrefix}*`);
    if (keys.length) await redis.del(...keys.map((key) => key.slice(ns.redisKeyPrefix.length)));
    await redis.quit();
  });

  it('sets and gets a value with a TTL, and the value expires', async () => {
    await redis.set('integration:abc', JSON.stringify({ tenantId: 't1' }), 'PX', 300);
    expect(JSON.parse((await redis.get('integration:abc')) ?? 'null')).toEqual({ tenantId: 't1' });
    const ttl = await redis.pttl('integration:abc');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await redis.get('integration:abc')).toBeNull();
  });

  it('keeps keys inside the namespace prefix', async () => {
    await redis.set('mapping:conv:t1:c1', 'x', 'EX', 60);
    expect(await redis.exists(`${ns.redisKeyPrefix}mapping:conv:t1:c1`)).toBe(0); // prefix applied twice → absent
    const raw = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      expect(await raw.get(`${ns.redisKeyPrefix}mapping:conv:t1:c1`)).toBe('x');
    } finally {
      await raw.quit();
    }
  });
});
