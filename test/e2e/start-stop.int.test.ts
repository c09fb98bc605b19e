import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { genesysSignature } from '../../src/http/signatures';
import { loadConfig } from '../../src/infra/config';
import { openConnections } from '../../src/infra/connections';
import { createLogger } from '../../src/infra/logger';
import { createTestDatabase } from '../support/database';
import { createNamespace, namespaceEnv } from '../support/namespace';
import { freePort } from '../support/ports';
import { waitFor } from '../support/wait';

const SECRET = 'startstop-webhook-secret-0001';
const main = path.resolve(__dirname, '../../src/cli/main.ts');

interface Bridge {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** JSON log lines so far (stdout). */
  lines(): Array<{ msg?: string; level?: number; dependency?: string; component?: string }>;
}

/**
 * The bridge as deployed: `bridge serve`, one process (not the tsx wrapper, which would answer signals itself),
 * its own database, ports and Kafka/Redis/S3/RabbitMQ namespace.
 */
describe('bridge serve: answers at once, stops in time', () => {
  const ns = createNamespace('startstop');
  let env: Record<string, string>;
  let drop: () => Promise<void>;
  let baseUrl: string;
  let internalUrl: string;
  const children: ChildProcess[] = [];

  const serve = (extra: Record<string, string> = {}): Bridge => {
    const child = spawn(process.execPath, ['--import', 'tsx', main, 'serve', '--role', 'all'], {
      env: { ...process.env, ...env, ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: path.resolve(__dirname, '../..'),
    });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr!.resume();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return {
      child,
      exited,
      lines: () =>
        out
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as { msg?: string; level?: number }),
    };
  };

  const postWebhook = async (): Promise<number | undefined> => {
    const messageId = randomUUID();
    const body = JSON.stringify({
      id: messageId,
      channel: { id: 'int-startstop', messageId, platform: 'Open', to: { id: '16505551234' } },
      conversationId: 'conv-1',
      direction: 'Outbound',
      type: 'Text',
      text: 'hello',
    });
    const response = await fetch(`${baseUrl}/webhook/genesys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': genesysSignature(SECRET, body) },
      body,
      signal: AbortSignal.timeout(2000),
    }).catch(() => undefined);
    return response?.status;
  };

  beforeAll(async () => {
    const db = await createTestDatabase('startstop');
    drop = db.drop;
    const port = await freePort();
    const internalPort = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    internalUrl = `http://127.0.0.1:${internalPort}`;
    env = {
      ...namespaceEnv(ns, db.url),
      PORT: String(port),
      HOST: '127.0.0.1',
      INTERNAL_PORT: String(internalPort),
      META_GRAPH_URL: 'http://127.0.0.1:9',
      META_APP_SECRET: 'startstop-app-secret',
      CREDENTIALS_KEY: randomBytes(32).toString('base64'),
      ADMIN_TOKEN: randomBytes(24).toString('hex'),
      LOG_LEVEL: 'info',
      KAFKA_TOPIC_PARTITIONS: '1',
    };
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    const config = loadConfig(env);
    const connections = await openConnections(config, createLogger('silent'));
    try {
      const topics = (await connections.kafkaAdmin.listTopics()).filter((t) => t.startsWith(ns.topicPrefix));
      if (topics.length) await connections.kafkaAdmin.deleteTopics({ topics }).catch(() => undefined);
      const groups = (await connections.kafkaAdmin.listGroups()).groups
        .map((group) => group.groupId)
        .filter((id) => id.startsWith(ns.topicPrefix));
      if (groups.length) await connections.kafkaAdmin.deleteGroups(groups).catch(() => undefined);
      for (const bucket of [config.S3_MEDIA_BUCKET, config.S3_ARCHIVE_BUCKET]) {
        const names: string[] = [];
        for await (const item of connections.s3.listObjectsV2(bucket, '', true))
          if (item.name) names.push(item.name);
        if (names.length) await connections.s3.removeObjects(bucket, names);
        await connections.s3.removeBucket(bucket).catch(() => undefined);
      }
      const keys = await connections.redis.keys(`${ns.redisKeyPrefix}*`);
      if (keys.length) await connections.redis.del(...keys.map((key) => key.slice(ns.redisKeyPrefix.length)));
    } finally {
      await connections.close();
      await drop();
    }
  }, 60_000);

  it('answers webhooks after a kill -9 and restart before its consumer groups joined, within 5 s', async () => {
    const first = serve();
    await waitFor(
      'every worker started',
      async () => first.lines().some((line) => line.msg === 'all workers started') || undefined,
      90_000,
    );
    const created = await fetch(`${internalUrl}/admin/tenants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${env.ADMIN_TOKEN}` },
      body: JSON.stringify({
        tenantId: 'startstop',
        genesysIntegrationId: 'int-startstop',
        genesysWebhookSecret: SECRET,
        whatsapp: { phoneNumberId: '106540352242922', accessToken: 'startstop-token' },
      }),
    });
    expect(created.status).toBe(201);
    expect(await postWebhook()).toBe(200);

    first.child.kill('SIGKILL');
    await first.exited;
    const spawnedAt = Date.now();
    const second = serve();
    let status: number | undefined;
    while (status !== 200 && Date.now() - spawnedAt < 20_000) {
      status = await postWebhook();
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const answeredAfterMs = Date.now() - spawnedAt;
    expect(status).toBe(200);
    // The consumer groups still hold the killed process's members (until their session times out): the workers
    // cannot have started yet, and the webhook was answered all the same.
    expect(second.lines().map((line) => line.msg)).not.toContain('all workers started');
    // From spawn, including tsx compiling the sources on a busy machine.
    expect(answeredAfterMs).toBeLessThan(5_000);

    const exitedAt = Date.now();
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(Date.now() - exitedAt).toBeLessThan(10_000);
  }, 150_000);

  it('stops within 10 s of SIGTERM when Kafka cannot be reached, logging the outage, not every attempt', async () => {
    const closedPort = await freePort();
    const bridge = serve({ KAFKA_BROKERS: `127.0.0.1:${closedPort}` });
    // Ingestion needs only PostgreSQL: the webhook is acknowledged though Kafka is down.
    await waitFor(
      'a webhook acknowledged',
      async () => ((await postWebhook()) === 200 ? true : undefined),
      20_000,
    );
    // Some reconnect rounds of every Kafka client (admin, relay, consumers).
    await waitFor(
      'the Kafka outage to be logged',
      async () =>
        bridge.lines().some((line) => line.msg === 'kafka unreachable: outage started') || undefined,
      20_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // let kafkajs retry for a while: lines must not pile up
    const kafkaErrors = bridge
      .lines()
      .filter(
        (line) => (line.level ?? 0) >= 50 && (line.component === 'kafka' || line.dependency === 'kafka'),
      );
    expect(kafkaErrors.length).toBeLessThanOrEqual(2);

    const signalledAt = Date.now();
    bridge.child.kill('SIGTERM');
    const code = await bridge.exited;
    const tookMs = Date.now() - signalledAt;
    expect(tookMs).toBeLessThan(10_000);
    expect(code === 0 || code === 1).toBe(true);
  }, 60_000);
});
