import { Redis } from 'ioredis';

/**
 * One Redis connection. Redis only holds caches, so a command never waits long: it fails after `commandTimeout`
 * (or once the reconnect attempt for it failed) and the caller falls back to PostgreSQL.
 */
export const createRedis = (url: string, keyPrefix = ''): Redis => {
  const redis = new Redis(url, {
    keyPrefix,
    lazyConnect: false,
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    commandTimeout: 500,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  redis.on('error', () => undefined); // reported through readiness and metrics, not as an unhandled event
  return redis;
};

export type { Redis };
