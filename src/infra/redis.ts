import { isIP } from 'node:net';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger';
import { OutageLog } from './outage-log';

/** How long Redis calls may take (config.ts REDIS_* settings). */
export interface RedisLimits {
  connectTimeoutMs: number;
  commandTimeoutMs: number;
}

export const defaultRedisLimits: RedisLimits = { connectTimeoutMs: 2000, commandTimeoutMs: 500 };

export const redisLimitsOf = (config: {
  REDIS_CONNECT_TIMEOUT_MS: number;
  REDIS_COMMAND_TIMEOUT_MS: number;
}): RedisLimits => ({
  connectTimeoutMs: config.REDIS_CONNECT_TIMEOUT_MS,
  commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
});

/**
 * The options of one Redis connection. `rediss://` asks for TLS explicitly (rather than relying on ioredis reading
 * the scheme), verifying the server's certificate for the URL's host name against the system CAs plus any in
 * NODE_EXTRA_CA_CERTS; a password in the URL (`rediss://:password@host` or `user:password@`) is sent with AUTH.
 */
export const redisOptions = (
  url: string,
  keyPrefix = '',
  limits: RedisLimits = defaultRedisLimits,
): RedisOptions => {
  const { protocol, hostname } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, '');
  return {
    keyPrefix,
    lazyConnect: false,
    // A command issued while Redis is down waits in the offline queue for the next reconnect attempt, but never
    // longer than commandTimeout (its timer starts when it is issued), and is failed after one failed attempt.
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    commandTimeout: limits.commandTimeoutMs,
    connectTimeout: limits.connectTimeoutMs,
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
export const createRedis = (
  url: string,
  keyPrefix = '',
  limits: RedisLimits = defaultRedisLimits,
  logger?: Logger,
): Redis => {
  const redis = new Redis(url, redisOptions(url, keyPrefix, limits));
  // Reported through readiness and metrics, and (with a logger) once per outage rather than per reconnect attempt.
  const outage = logger ? new OutageLog({ dependency: 'redis', logger }) : undefined;
  redis.on('error', (error: Error) => outage?.failure(error.message));
  redis.on('ready', () => outage?.recovered());
  return redis;
};

export type { Redis };
