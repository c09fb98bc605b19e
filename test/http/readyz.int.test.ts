import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { buildApps, type BridgeApps } from '../../src/http/app';
import { loadConfig } from '../../src/infra/config';
import { openConnections, type Connections } from '../../src/infra/connections';
import { createLogger } from '../../src/infra/logger';
import { createS3, ensureBucket } from '../../src/infra/s3';
import { buildServices } from '../../src/runtime/services';
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
    apps = await buildApps({
      logger,
      checks: connections.checks,
      ...buildServices(config, connections, logger),
      adminToken: undefined,
    });
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

  it('turns to 503 naming Redis when Redis stops, and recovers when it is back', async () => {
    redisServer.kill('SIGKILL');
    await new Promise((resolve) => redisServer.once('exit', resolve));

    const down = await apps.internal.inject({ method: 'GET', url: '/readyz' });
    expect(down.statusCode).toBe(503);
    const body = down.json() as {
      ready: boolean;
      dependencies: { name: string; up: boolean; error?: string }[];
    };
    expect(body.ready).toBe(false);
    expect(
      body.dependencies.filter((dependency) => !dependency.up).map((dependency) => dependency.name),
    ).toEqual(['redis']);
    expect(body.dependencies.find((dependency) => dependency.name === 'redis')?.error).toEqual(
      expect.any(String),
    );

    redisServer = await startRedis(redisPort);
    let recovered = 0;
    for (let attempt = 0; attempt < 40 && recovered !== 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      recovered = (await apps.internal.inject({ method: 'GET', url: '/readyz' })).statusCode;
    }
    expect(recovered).toBe(200);
  });
});
