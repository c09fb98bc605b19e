import { z } from 'zod';
import { createNamespace } from '../../test/support/namespace';
import { removeNamespace } from '../../test/support/namespace-cleanup';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { createRedis } from './redis';
import { readCached, readCachedMany, writeCached, type CacheOutcome } from './redis-cache';

const entry = z.object({ waId: z.string() });

describe('the read-through cache helper (real Redis)', () => {
  const ns = createNamespace('redis-cache');
  const redis = createRedis(loadConfig({}).REDIS_URL, ns.redisKeyPrefix);
  const outcomes: CacheOutcome[] = [];
  const report = {
    cache: 'test',
    logger: createLogger('silent'),
    observe: (o: CacheOutcome) => outcomes.push(o),
  };

  beforeEach(() => outcomes.splice(0));
  afterAll(async () => {
    redis.disconnect();
    await removeNamespace(ns);
  });

  it('misses, then hits what was written, with its TTL', async () => {
    expect(await readCached(redis, 'k1', entry, report)).toBeUndefined();
    await writeCached(redis, 'k1', { waId: '4477' }, 60, report);
    expect(await readCached(redis, 'k1', entry, report)).toEqual({ waId: '4477' });
    expect(await redis.ttl('k1')).toBeGreaterThan(50);
    expect(outcomes).toEqual(['miss', 'hit']);
  });

  it('counts an entry of another shape, or not JSON, as a miss and an error', async () => {
    await redis.set('k2', JSON.stringify({ conversationId: 'c' }));
    await redis.set('k3', 'not json');
    expect(await readCached(redis, 'k2', entry, report)).toBeUndefined();
    expect(await readCached(redis, 'k3', entry, report)).toBeUndefined();
    expect(outcomes).toEqual(['miss', 'error']);
  });

  it('reads several entries in one round trip, each answered as readCached answers it alone', async () => {
    await writeCached(redis, 'm1', { waId: '4477' }, 60, report);
    await writeCached(redis, 'm2', '2026-12-06T07:00:00.000Z', 60, report);
    await redis.set('m3', 'not json');
    await redis.set('m4', JSON.stringify({ conversationId: 'c' }));
    const at = z.iso.datetime();
    const calls = jest.spyOn(redis, 'mget');

    const found = await readCachedMany(
      redis,
      [
        ['m1', entry],
        ['m2', at],
        ['m3', entry],
        ['m4', entry],
        ['m5', at],
      ] as const,
      report,
    );

    expect(found).toEqual([{ waId: '4477' }, '2026-12-06T07:00:00.000Z', undefined, undefined, undefined]);
    expect(outcomes).toEqual(['hit', 'hit', 'error', 'miss', 'miss']);
    expect(calls).toHaveBeenCalledTimes(1);
  });

  it('never throws when Redis is gone: reads miss as errors, writes are skipped', async () => {
    // Nothing listens on port 1: every command fails within the short limits.
    const gone = createRedis('redis://127.0.0.1:1', ns.redisKeyPrefix, {
      connectTimeoutMs: 200,
      commandTimeoutMs: 200,
    });
    try {
      await expect(writeCached(gone, 'k4', { waId: '1' }, 60, report)).resolves.toBeUndefined();
      expect(await readCached(gone, 'k4', entry, report)).toBeUndefined();
      expect(
        await readCachedMany(
          gone,
          [
            ['k4', entry],
            ['k5', entry],
          ] as const,
          report,
        ),
      ).toEqual([undefined, undefined]);
      expect(outcomes).toEqual(['error', 'error', 'error']);
    } finally {
      gone.disconnect();
    }
  });
});
