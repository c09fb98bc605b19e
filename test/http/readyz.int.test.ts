import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { buildApps, type BridgeApps } from '../../src/http/app';
import { loadConfig } from '../../src/infra/config';
import { openConnections, type Connections } from '../../src/infra/connections';
import { createLogger } from '../../src/infra/logger';
import { createPool } from '../../src/infra/postgres';
import { postgresCheck } from '../../src/infra/readiness';
import { createS3, ensureBucket } from '../../src/infra/s3';
import { buildServices, type Services } from '../../src/runtime/services';
import { createTestDatabase } from '../support/database';
import { createNamespace, namespaceEnv } from '../support/namespace';
import { freePort } from '../support/ports';

/** A Redis of this test's own, so it can be stopped without touching the one every other test uses. */
const startRedis = async (port: number): Promise<ChildProcess> => {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  for (let attempt = 0; attempt < 50; attempt++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('redis-server did not start');
};

describe('GET /readyz against the real dependencies', () => {
  const ns = createNamespace('readyz');
  let apps: BridgeApps;
  let services: Services;
  let connections: Connections;
  let redisServer: ChildProcess;
  let redisPort: number;
  let dropDatabase: () => Promise<void>;

  beforeAll(async () => {
    const db = await createTestDatabase('readyz');
    dropDatabase = db.drop;
    redisPort = await freePort();
    redisServer = await startRedis(redisPort);
    const config = loadConfig({
      ...namespaceEnv(ns, db.url),
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      CREDENTIALS_KEY: Buffer.alloc(32, 1).toString('base64'),
    });
    await ensureBucket(
      createS3(config.S3_ENDPOINT, config.S3_ACCESS_KEY, config.S3_SECRET_KEY, config.S3_REGION),
      config.S3_MEDIA_BUCKET,
      config.S3_REGION,
    );
    const logger = createLogger('silent');
    connections = await openConnections(config, logger);
    services = buildServices(config, connections, logger);
    apps = await buildApps({ logger, checks: connections.checks, ...services, adminToken: undefined });
  });

  afterAll(async () => {
    await Promise.all([apps.public.close(), apps.internal.close()]);
    await connections.close();
    redisServer.kill('SIGKILL');
    await connections.s3.removeBucket(ns.mediaBucket).catch(() => undefined);
    await dropDatabase();
  });

  it('answers /healthz without touching dependencies', async () => {
    const response = await apps.public.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('reports all five dependencies up', async () => {
    const response = await apps.internal.inject({ method: 'GET', url: '/readyz' });
    const body = response.json() as { ready: boolean; dependencies: { name: string; up: boolean }[] };
    expect(body.dependencies.map(({ name, up }) => [name, up])).toEqual([
      ['postgres', true],
      ['redis', true],
      ['kafka', true],
      ['rabbitmq', true],
      ['s3', true],
    ]);
    expect(body.ready).toBe(true);
    expect(response.statusCode).toBe(200);
  });

  it('shows an event the relay cannot publish, without a body, and stays ready', async () => {
    services.relayHealth.refused({
      eventId: 'e-1',
      streamId: 'outbound-t-1',
      type: 'WebhookReceived',
      topic: 'outbound-messages',
      bytes: 3_000_000,
      error: 'The request included a message larger than the max message size the server will accept',
    });
    try {
      const response = await apps.internal.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        ready: true,
        relay: { unpublishable: { eventId: 'e-1', streamId: 'outbound-t-1', bytes: 3_000_000, attempts: 1 } },
      });
      expect(
        await services.metrics.registry.getSingleMetricAsString('bridge_relay_unpublishable_events'),
      ).toMatch(/bridge_relay_unpublishable_events 1/);
    } finally {
      services.relayHealth.published();
    }
    const after = (await apps.internal.inject({ method: 'GET', url: '/readyz' })).json() as {
      relay: { unpublishable: unknown };
    };
    expect(after.relay.unpublishable).toBeNull();
  });

  it('is 503 when PostgreSQL does not answer, naming it', async () => {
    const closedPort = await freePort();
    const deadPool = createPool(`postgres://postgres@127.0.0.1:${closedPort}/nothing`);
    const logger = createLogger('silent');
    const withoutPostgres = await buildApps({
      logger,
      checks: [postgresCheck(deadPool), ...connections.checks.filter((check) => check.name !== 'postgres')],
      ...services,
      adminToken: undefined,
    });
    try {
      const response = await withoutPostgres.internal.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      const body = response.json() as { ready: boolean; dependencies: { name: string; up: boolean }[] };
      expect(body.ready).toBe(false);
      expect(body.dependencies.filter(({ up }) => !up).map(({ name }) => name)).toEqual(['postgres']);
    } finally {
      await Promise.all([withoutPostgres.public.close(), withoutPostgres.internal.close()]);
      await deadPool.end();
    }
  });

  it('stays 200 (webhooks can still be accepted) when Redis stops, naming Redis as down', async () => {
    redisServer.kill('SIGKILL');
    await new Promise((resolve) => redisServer.once('exit', resolve));

    const down = await apps.internal.inject({ method: 'GET', url: '/readyz' });
    expect(down.statusCode).toBe(200);
    const body = down.json() as {
      ready: boolean;
      dependencies: { name: string; up: boolean; error?: string }[];
    };
    expect(body.ready).toBe(true);
    expect(
      body.dependencies.filter((dependency) => !dependency.up).map((dependency) => dependency.name),
    ).toEqual(['redis']);
    expect(body.dependencies.find((dependency) => dependency.name === 'redis')?.error).toEqual(
      expect.any(String),
    );

    redisServer = await startRedis(redisPort);
    let redisUp = false;
    for (let attempt = 0; attempt < 40 && !redisUp; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const again = (await apps.internal.inject({ method: 'GET', url: '/readyz' })).json() as typeof body;
      redisUp = again.dependencies.find((dependency) => dependency.name === 'redis')?.up === true;
    }
    expect(redisUp).toBe(true);
  });
});
