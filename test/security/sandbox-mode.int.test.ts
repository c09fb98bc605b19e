import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import amqp from 'amqplib';
import { genesysSignature } from '../../src/http/signatures';
import { loadConfig } from '../../src/infra/config';
import { openConnections } from '../../src/infra/connections';
import { createLogger } from '../../src/infra/logger';
import { demoWebhook } from '../../src/runtime/sandbox';
import { createTestDatabase } from '../support/database';
import { createNamespace, namespaceEnv } from '../support/namespace';
import { freePort } from '../support/ports';
import { waitFor } from '../support/wait';

const root = path.resolve(__dirname, '../..');
const main = path.join(root, 'src/cli/main.ts');

interface Serve {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

interface Banner {
  secrets: Record<string, string>;
  text: string;
}

/**
 * The real `bridge serve` in a process of its own: it starts the sandbox only when asked, and a sandbox's secrets
 * are new at each start, so what an earlier start printed (or anything fixed) no longer signs a webhook.
 */
describe('bridge serve: sandbox only when asked, no fixed secrets', () => {
  const ns = createNamespace('sandboxmode');
  const started = new Set<ChildProcess>();
  let env: Record<string, string>;
  let drop: () => Promise<void>;
  let sandboxDir: string;
  let baseUrl: string;
  let internalUrl: string;

  const serve = (args: string[], extra: Record<string, string> = {}): Serve => {
    // One process (not the tsx wrapper) so SIGTERM reaches the bridge itself.
    const child = spawn(process.execPath, ['--import', 'tsx', main, 'serve', ...args], {
      env: { ...process.env, ...env, ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: root,
    });
    started.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => {
        started.delete(child);
        resolve(code);
      }),
    );
    return { child, stdout: () => stdout, stderr: () => stderr, exited };
  };

  /** The sandbox's start banner among the JSON log lines, once the bridge listens and the demo tenant is seeded. */
  const bannerOf = (bridge: Serve): Promise<Banner> =>
    waitFor(
      'the sandbox banner',
      async () => {
        if (started.has(bridge.child) === false) throw new Error(`the bridge exited: ${bridge.stderr()}`);
        const line = bridge
          .stdout()
          .split('\n')
          .filter((text) => text.startsWith('{'))
          .map((text) => JSON.parse(text) as { msg?: string })
          .find((entry) => entry.msg?.includes('Sandbox-only secrets'));
        if (!line) return undefined;
        const text = line.msg!;
        const secrets = Object.fromEntries(
          [...text.matchAll(/^ {2}([A-Z_]+)=(\S+)$/gm)].map((match) => [match[1]!, match[2]!]),
        );
        return { secrets, text };
      },
      90_000,
    );

  const stop = async (bridge: Serve) => {
    bridge.child.kill('SIGTERM');
    expect(await bridge.exited).toBe(0);
  };

  const sendDemoWebhook = async (secret: string): Promise<number> => {
    const body = demoWebhook('Hello from the sandbox test', `demo-${randomBytes(6).toString('hex')}`);
    const response = await fetch(`${baseUrl}/webhook/genesys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': genesysSignature(secret, body) },
      body,
    });
    return response.status;
  };

  beforeAll(async () => {
    const db = await createTestDatabase('sandboxmode');
    drop = db.drop;
    sandboxDir = await mkdtemp(path.join(tmpdir(), 'bridge-sandbox-'));
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const internalPort = await freePort();
    internalUrl = `http://127.0.0.1:${internalPort}`;
    env = {
      ...namespaceEnv(ns, db.url),
      PORT: String(port),
      HOST: '127.0.0.1',
      INTERNAL_PORT: String(internalPort),
      // info: the banner is a warning, and every other line must be seen not to carry a secret.
      LOG_LEVEL: 'info',
      KAFKA_TOPIC_PARTITIONS: '1',
      CREDENTIALS_KEY: randomBytes(32).toString('base64'),
      BRIDGE_SANDBOX_DIR: sandboxDir,
      // Empty = unset for the bridge, and present, so neither this machine's environment nor a .env (dotenv does
      // not override) can choose the mode or the secrets for the test.
      META_GRAPH_URL: '',
      BRIDGE_SANDBOX: '',
      META_APP_SECRET: '',
      META_VERIFY_TOKEN: '',
      ADMIN_TOKEN: '',
    };
  });

  afterAll(async () => {
    for (const child of started) child.kill('SIGKILL');
    const config = loadConfig(env);
    const connections = await openConnections(config, createLogger('silent'));
    try {
      const topics = (await connections.kafkaAdmin.listTopics()).filter((topic) =>
        topic.startsWith(ns.topicPrefix),
      );
      if (topics.length) await connections.kafkaAdmin.deleteTopics({ topics }).catch(() => undefined);
      const keys = await connections.redis.keys(`${ns.redisKeyPrefix}*`);
      if (keys.length) await connections.redis.del(...keys.map((key) => key.slice(ns.redisKeyPrefix.length)));
      for (const bucket of [config.S3_MEDIA_BUCKET, config.S3_ARCHIVE_BUCKET]) {
        const names: string[] = [];
        for await (const item of connections.s3.listObjectsV2(bucket, '', true))
          if (item.name) names.push(item.name);
        if (names.length) await connections.s3.removeObjects(bucket, names);
        await connections.s3.removeBucket(bucket).catch(() => undefined);
      }
      const rabbit = await amqp.connect(config.AMQP_URL);
      const channel = await rabbit.createChannel();
      await channel.deleteQueue(ns.queue).catch(() => undefined);
      await rabbit.close().catch(() => undefined);
    } finally {
      await connections.close();
      await drop();
      await rm(sandboxDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses to start without META_GRAPH_URL and without --sandbox, in one line naming both', async () => {
    const bridge = serve([]);
    expect(await bridge.exited).toBe(1);
    const lines = bridge.stderr().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid configuration: META_GRAPH_URL is not set: .*--sandbox/);
    expect(bridge.stdout()).toBe('');
  });

  it('refuses META_GRAPH_URL together with --sandbox as ambiguous, in one line', async () => {
    const bridge = serve(['--sandbox'], { META_GRAPH_URL: 'https://graph.facebook.com' });
    expect(await bridge.exited).toBe(1);
    const lines = bridge.stderr().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^Invalid configuration: META_GRAPH_URL is set and sandbox mode is asked for too/,
    );
  });

  it('starts the sandbox with --sandbox, with new secrets at each start that replace the old ones', async () => {
    const first = serve(['--sandbox']);
    const before = await bannerOf(first);
    expect(Object.keys(before.secrets).sort()).toEqual([
      'ADMIN_TOKEN',
      'META_APP_SECRET',
      'META_VERIFY_TOKEN',
      'SANDBOX_GENESYS_CLIENT_SECRET',
      'SANDBOX_WEBHOOK_SECRET',
      'SANDBOX_WHATSAPP_TOKEN',
    ]);
    for (const value of Object.values(before.secrets)) expect(value).toMatch(/^[0-9a-f]{48}$/);
    const oldSecret = before.secrets.SANDBOX_WEBHOOK_SECRET!;
    // Printed once: the banner is the only log line that shows a secret.
    for (const value of Object.values(before.secrets)) expect(first.stdout().split(value)).toHaveLength(2);

    const file = path.join(sandboxDir, 'secrets.env');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toContain(`SANDBOX_WEBHOOK_SECRET=${oldSecret}\n`);
    expect(await sendDemoWebhook(oldSecret)).toBe(200);
    const admin = await fetch(`${internalUrl}/admin/tenants`, {
      headers: { authorization: `Bearer ${before.secrets.ADMIN_TOKEN}` },
    });
    expect(admin.status).toBe(200);
    const { tenants } = (await admin.json()) as { tenants: { tenantId: string }[] };
    expect(tenants.map((tenant) => tenant.tenantId)).toEqual(['demo']);
    await stop(first);

    // BRIDGE_SANDBOX asks as well as --sandbox; the demo tenant from the first start is still in the database.
    const second = serve([], { BRIDGE_SANDBOX: '1' });
    const after = await bannerOf(second);
    const newSecret = after.secrets.SANDBOX_WEBHOOK_SECRET!;
    expect(newSecret).toMatch(/^[0-9a-f]{48}$/);
    expect(newSecret).not.toBe(oldSecret);
    expect(after.secrets.ADMIN_TOKEN).not.toBe(before.secrets.ADMIN_TOKEN);
    expect(await readFile(file, 'utf8')).toContain(`SANDBOX_WEBHOOK_SECRET=${newSecret}\n`);

    expect(await sendDemoWebhook(oldSecret)).toBe(401);
    expect(await sendDemoWebhook(newSecret)).toBe(200);
    await stop(second);
  }, 300_000); // two bridge processes start and stop: minutes on a loaded 2-core machine

  it('plays the customer with send-demo-webhook.sh --inbound: the echo agent answers and the answer reaches the customer', async () => {
    const bridge = serve(['--sandbox']);
    await bannerOf(bridge);
    const secrets = Object.fromEntries(
      (await readFile(path.join(sandboxDir, 'secrets.env'), 'utf8'))
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(secrets.SANDBOX_META_WEBHOOK_URL).toBe(`${baseUrl}/webhook/meta`);

    // The script as a person runs it, with only the sandbox's secrets file for configuration.
    const script = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'scripts/send-demo-webhook.ts'), '--inbound', 'Hi'],
      {
        env: { PATH: process.env.PATH ?? '', ...secrets },
        stdio: ['ignore', 'pipe', 'pipe'],
        cwd: root,
      },
    );
    let output = '';
    script.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    expect(await new Promise((resolve) => script.once('exit', resolve))).toBe(0);
    expect(output).toContain('→ HTTP 200');

    const logged = (message: string) =>
      bridge
        .stdout()
        .split('\n')
        .filter((text) => text.startsWith('{'))
        .map((text) => JSON.parse(text) as { msg?: string; time?: string; text?: string; body?: unknown })
        .find((entry) => entry.msg === message && JSON.stringify(entry).includes('Hi'));
    // Generous: the first messages of a fresh bridge wait for its consumers to join, slow on a loaded machine.
    const atGenesys = await waitFor(
      'the customer message at the Genesys simulator',
      async () => logged('Genesys simulator received a customer message'),
      60_000,
    );
    const answered = await waitFor(
      'the echo agent answer',
      async () => logged('echo agent answered'),
      60_000,
    );
    const delivered = await waitFor(
      'the echo at the simulated customer',
      async () => logged('Meta simulator received a WhatsApp message'),
      60_000,
    );
    expect(atGenesys.text).toBe('Hi');
    expect(answered.text).toBe('Echo: Hi');
    expect(JSON.stringify(delivered.body)).toContain('Echo: Hi');
    // The loop, in the log's own times: a second on an idle machine; this one is shared and loaded.
    const loopMs = Date.parse(delivered.time!) - Date.parse(atGenesys.time!);
    process.stdout.write(`sandbox echo loop: ${loopMs} ms\n`);
    expect(loopMs).toBeGreaterThanOrEqual(0);
    await stop(bridge);
  }, 300_000);
});
