import { isIP } from 'node:net';
import { Redis, type RedisOptions } from 'ioredis';

/**
 * The options of one Redis connection. `rediss://` asks for TLS explicitly (rather than relying on ioredis reading
 * the scheme), verifying the server's certificate for the URL's host name against the system CAs plus any in
 * NODE_EXTRA_CA_CERTS; a password in the URL (`rediss://:password@host` or `user:password@`) is sent with AUTH.
 */
export const redisOptions = (url: string, keyPrefix = ''): RedisOptions => {
  const { protocol, hostname } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, '');
  return {
    keyPrefix,
    lazyConnect: false,
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    commandTimeout: 500,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    ...(protocol === 'rediss:'
      ? { tls: { rejectUnauthorized: true, ...(isIP(host) ? {} : { servername: host }) } }
      : {}),
  };
};

/**
 * One Redis connection. Redis only holds caches, so a command never waits long: it fails after `commandTimeout`
 * (or once the reconnect attempt for it failed) and the caller falls back to PostgreSQL.
 */
export const createRedis = (url: string, keyPrefix = ''): Redis => {
  const redis = new Redis(url, redisOptions(url, keyPrefix));
  redis.on('error', () => undefined); // reported through readiness and metrics, not as an unhandled event
  return redis;
};

export type { Redis };
