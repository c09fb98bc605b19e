import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { loadConfig, ConfigError } from './config';
import { longRunningPoolOptions, postgresLimitsOf, servicePoolOptions } from './postgres';
import { createRedis, redisLimitsOf, redisOptions } from './redis';
import { createS3 } from './s3';

describe('timeout settings', () => {
  it('bound every dependency by default', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PG_CONNECT_TIMEOUT_MS: 1000,
      PG_STATEMENT_TIMEOUT_MS: 5000,
      PG_IDLE_IN_TRANSACTION_TIMEOUT_MS: 10000,
      WEBHOOK_STORE_TIMEOUT_MS: 1500,
      REDIS_CONNECT_TIMEOUT_MS: 2000,
      REDIS_COMMAND_TIMEOUT_MS: 500,
      S3_REQUEST_TIMEOUT_MS: 15000,
    });
  });

  it('refuses a missing limit (0) and a webhook deadline longer than the statement limit', () => {
    expect(() => loadConfig({ PG_STATEMENT_TIMEOUT_MS: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ REDIS_COMMAND_TIMEOUT_MS: 'soon' })).toThrow(/REDIS_COMMAND_TIMEOUT_MS/);
    expect(() => loadConfig({ WEBHOOK_STORE_TIMEOUT_MS: '6000', PG_STATEMENT_TIMEOUT_MS: '5000' })).toThrow(
      'Invalid configuration: WEBHOOK_STORE_TIMEOUT_MS must not exceed PG_STATEMENT_TIMEOUT_MS',
    );
  });

  it('give the service pool connect, statement, read and idle-transaction limits, and keepalive', () => {
    const config = loadConfig({ PG_STATEMENT_TIMEOUT_MS: '4000', PG_CONNECT_TIMEOUT_MS: '700' });
    expect(servicePoolOptions(postgresLimitsOf(config))).toEqual({
      connectionTimeoutMillis: 700,
      statement_timeout: 4000,
      query_timeout: 5000,
      idle_in_transaction_session_timeout: 10000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10000,
    });
  });

  it('leave statements of migrations and rebuilds unbounded, but not connecting', () => {
    const options = longRunningPoolOptions({ connectTimeoutMs: 900 });
    expect(options).toMatchObject({ connectionTimeoutMillis: 900, statement_timeout: 0, keepAlive: true });
    expect(options.query_timeout).toBeUndefined();
  });

  it('give Redis commands and connecting a limit', () => {
    const config = loadConfig({ REDIS_COMMAND_TIMEOUT_MS: '250', REDIS_CONNECT_TIMEOUT_MS: '800' });
    expect(redisOptions('redis://127.0.0.1:6379', '', redisLimitsOf(config))).toMatchObject({
      commandTimeout: 250,
      connectTimeout: 800,
      maxRetriesPerRequest: 1,
    });
  });

  it('abort an S3 request to a server that never answers', async () => {
    const held: http.ServerResponse[] = [];
    const server = http.createServer((_request, response) => void held.push(response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const s3 = createS3(`http://127.0.0.1:${port}`, 'key', 'secret-key', 'us-east-1', {
        requestTimeoutMs: 200,
      });
      const started = Date.now();
      await expect(s3.bucketExists('stalled')).rejects.toThrow(/timed out after 200 ms/);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(held.length).toBeGreaterThan(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it.each([
    ['refuses connections', 'refused'],
    ['accepts connections and never answers', 'stalled'],
  ] as const)('fail a Redis command fast while Redis %s, instead of queueing it', async (_what, mode) => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    if (mode === 'refused') await new Promise((resolve) => server.close(resolve));
    const redis = createRedis(`redis://127.0.0.1:${port}`, '', {
      connectTimeoutMs: 300,
      commandTimeoutMs: 200,
    });
    try {
      const started = Date.now();
      await expect(redis.get('anything')).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      redis.disconnect();
      sockets.forEach((socket) => socket.destroy());
      if (mode === 'stalled') await new Promise((resolve) => server.close(resolve));
    }
  });
});
