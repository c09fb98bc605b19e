import { Redis } from 'ioredis';

/**
 * One Redis connection. Commands fail fast while Redis is down (no offline queue), because Redis only holds caches:
 * a caller falls back to PostgreSQL rather than waiting.
 */
export const createRedis = (url: string, keyPrefix = ''): Redis => {
  const redis = new Redis(url, {
    keyPrefix,
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  redis.on('error', () => undefined); // reported through readiness and metrics, not as an unhandled event
  return redis;
};

export type { Redis };
