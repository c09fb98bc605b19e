import type { Pool } from 'pg';
import { createTestDatabase } from '../../test/support/database';
import { createNamespace } from '../../test/support/namespace';
import { removeNamespace } from '../../test/support/namespace-cleanup';
import type { DecodedEvent } from '../events/decode';
import { eventExamples } from '../events/schemas/examples';
import { loadConfig } from '../infra/config';
import { createLogger } from '../infra/logger';
import { createPool } from '../infra/postgres';
import { createRedis } from '../infra/redis';
import { conversationMappings } from './conversation-mappings';
import {
  lastInboundKey,
  raiseLastInboundInCache,
  rememberNoInbound,
  writeMappingToCache,
} from './mapping-cache';
import { MappingResolver } from './mapping-resolver';
import { warmMappingCache } from './rebuild/warm-mapping-cache';

const TENANT = 'tenant-window';
const NOW = new Date('2026-12-06T12:00:00.000Z');
const hoursBefore = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000).toISOString();

/**
 * The cached copy of conversation_mappings.last_inbound_at (the start of the 24-hour window), over real Redis and
 * PostgreSQL: raised after every commit and never lowered, so the resolver may trust it when it keeps the window
 * open and must ask the table otherwise.
 */
describe('the cached last inbound time (real Redis and PostgreSQL)', () => {
  const ns = createNamespace('last-inbound');
  const redis = createRedis(loadConfig({}).REDIS_URL, ns.redisKeyPrefix);
  const logger = createLogger('silent');
  let pool: Pool;
  let drop: () => Promise<void>;
  let resolver: MappingResolver;
  let tableReads: jest.SpyInstance;

  /** A mapping row as the projection writes it, and its conversation entry in Redis (a cache hit). */
  const mapping = async (conversationId: string, lastInboundAt: string | null) => {
    await pool.query(
      `INSERT INTO conversation_mappings (tenant_id, conversation_id, wa_id, last_inbound_at)
       VALUES ($1, $2, '16505551234', $3)`,
      [TENANT, conversationId, lastInboundAt],
    );
    await writeMappingToCache(redis, { tenantId: TENANT, conversationId, waId: '16505551234' });
  };
  const cachedTime = async (conversationId: string) => {
    const raw = await redis.get(lastInboundKey(TENANT, conversationId));
    return raw === null ? null : (JSON.parse(raw) as string);
  };

  beforeAll(async () => {
    const database = await createTestDatabase('last_inbound_cache');
    drop = database.drop;
    pool = createPool(database.url, { max: 2 });
    resolver = new MappingResolver(pool, redis, logger, undefined, () => NOW);
  });
  beforeEach(() => {
    tableReads = jest.spyOn(pool, 'query');
  });
  afterEach(() => tableReads.mockRestore());
  afterAll(async () => {
    redis.disconnect();
    await pool.end();
    await drop();
    await removeNamespace(ns);
  });

  it('is raised, never lowered, with the mapping TTL', async () => {
    const times = (at: string) => [{ tenantId: TENANT, conversationId: 'conv-raise', at }];
    await raiseLastInboundInCache(redis, times(hoursBefore(2)));
    await raiseLastInboundInCache(redis, times(hoursBefore(5)));
    expect(await cachedTime('conv-raise')).toBe(hoursBefore(2));
    await raiseLastInboundInCache(redis, times(hoursBefore(1)));
    expect(await cachedTime('conv-raise')).toBe(hoursBefore(1));
    expect(await redis.ttl(lastInboundKey(TENANT, 'conv-raise'))).toBeGreaterThan(3500);
  });

  it('is written by the mapping projection after its commit, from the message the customer sent', async () => {
    const posted = {
      type: 'InboundPostedToGenesys',
      version: 1,
      data: { ...eventExamples.InboundPostedToGenesys, conversationId: 'conv-live', sentAt: hoursBefore(3) },
      envelope: { tenantId: TENANT },
    } as unknown as DecodedEvent;
    await conversationMappings.afterCommit!({ redis, logger } as never)([posted]);
    expect(await cachedTime('conv-live')).toBe(hoursBefore(3));
  });

  it('answers from the cache without reading the table when the cached time keeps the window open', async () => {
    // The table is ahead (the cache can only ever be behind): the cached answer is still inside the window.
    await mapping('conv-open', hoursBefore(1));
    await raiseLastInboundInCache(redis, [
      { tenantId: TENANT, conversationId: 'conv-open', at: hoursBefore(2) },
    ]);
    tableReads.mockClear();

    expect(await resolver.resolve(TENANT, 'conv-open', '16505551234')).toMatchObject({
      waId: '16505551234',
      lastInboundAt: hoursBefore(2),
    });
    expect(tableReads).not.toHaveBeenCalled();
  });

  it('reads the table when the cached time would close the window: a stale copy never expires a message', async () => {
    await mapping('conv-stale', hoursBefore(1));
    await raiseLastInboundInCache(redis, [
      { tenantId: TENANT, conversationId: 'conv-stale', at: hoursBefore(30) },
    ]);

    expect(await resolver.resolve(TENANT, 'conv-stale', '16505551234')).toMatchObject({
      lastInboundAt: hoursBefore(1),
    });
    expect(tableReads).toHaveBeenCalled();
  });

  it('reads the table when no time is cached, and remembers its answer for the next message', async () => {
    await mapping('conv-none', hoursBefore(4));
    tableReads.mockClear();

    expect(await resolver.resolve(TENANT, 'conv-none', '16505551234')).toMatchObject({
      lastInboundAt: hoursBefore(4),
    });
    expect(tableReads).toHaveBeenCalledTimes(1);
    expect(await cachedTime('conv-none')).toBe(hoursBefore(4));
    await resolver.resolve(TENANT, 'conv-none', '16505551234');
    expect(tableReads).toHaveBeenCalledTimes(1);
  });

  it('remembers a conversation whose customer never wrote, until the first message raises it', async () => {
    await mapping('conv-agent', null);
    tableReads.mockClear();
    const first = await resolver.resolve(TENANT, 'conv-agent', '16505551234');
    const second = await resolver.resolve(TENANT, 'conv-agent', '16505551234');

    expect([first?.lastInboundAt, second?.lastInboundAt]).toEqual([undefined, undefined]);
    expect(tableReads).toHaveBeenCalledTimes(1);
    await raiseLastInboundInCache(redis, [
      { tenantId: TENANT, conversationId: 'conv-agent', at: hoursBefore(1) },
    ]);
    expect(await resolver.resolve(TENANT, 'conv-agent', '16505551234')).toMatchObject({
      lastInboundAt: hoursBefore(1),
    });
  });

  it('never hides a time the projection raised with the null of an earlier table read', async () => {
    await raiseLastInboundInCache(redis, [
      { tenantId: TENANT, conversationId: 'conv-race', at: hoursBefore(2) },
    ]);
    await rememberNoInbound(redis, TENANT, 'conv-race');
    expect(await cachedTime('conv-race')).toBe(hoursBefore(2));
  });

  it('is written again from the table after a rebuild, beside the conversation entry', async () => {
    await mapping('conv-warm', hoursBefore(6));
    await redis.del(lastInboundKey(TENANT, 'conv-warm'));
    await warmMappingCache(pool, redis);
    expect(await cachedTime('conv-warm')).toBe(hoursBefore(6));
  });
});
