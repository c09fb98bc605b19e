import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { genesysSignature } from '../../src/http/signatures';
import { createPool } from '../../src/infra/postgres';
import { MetaSimulator } from '../../src/simulators/meta';
import { createTestDatabase } from '../support/database';
import { createNamespace, namespaceEnv } from '../support/namespace';
import { removeNamespace } from '../support/namespace-cleanup';
import { waitFor } from '../support/wait';
import { freePort } from '../support/ports';

const SECRET = 'sigterm-webhook-secret-0001';
const PHONE = '106540352242922';
const TOKEN = 'sigterm-token';

/** SIGTERM while webhooks pour in: whatever was acknowledged is in the store, and reaches Meta exactly once. */
describe('graceful shutdown under load', () => {
  const ns = createNamespace('sigterm');
  const meta = new MetaSimulator({ phoneNumbers: { [PHONE]: TOKEN } });
  let env: Record<string, string>;
  let drop: () => Promise<void>;
  let baseUrl: string;
  let internalUrl: string;

  const startBridge = async (): Promise<ChildProcess> => {
    // One process (not the tsx wrapper, which would answer SIGTERM itself): the signal reaches the bridge.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.resolve(__dirname, '../../src/cli/main.ts'), 'serve', '--role', 'all'],
      {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'ignore', 'inherit'],
        cwd: path.resolve(__dirname, '../..'),
      },
    );
    await waitFor(
      'the bridge to be ready',
      async () => (await fetch(`${internalUrl}/readyz`).catch(() => undefined))?.status === 200 || undefined,
      60000,
    );
    return child;
  };

  beforeAll(async () => {
    await meta.start();
    const db = await createTestDatabase('sigterm');
    drop = db.drop;
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const internalPort = await freePort();
    internalUrl = `http://127.0.0.1:${internalPort}`;
    env = {
      ...namespaceEnv(ns, db.url),
      PORT: String(port),
      INTERNAL_PORT: String(internalPort),
      META_GRAPH_URL: meta.url,
      META_APP_SECRET: 'sigterm-app-secret',
      CREDENTIALS_KEY: randomBytes(32).toString('base64'),
      ADMIN_TOKEN: randomBytes(24).toString('hex'),
      LOG_LEVEL: 'error',
      KAFKA_TOPIC_PARTITIONS: '3',
    };
  });
  afterAll(async () => {
    await meta.stop();
    await removeNamespace(ns);
    await drop();
  });

  it('loses nothing it acknowledged, and sends each acknowledged message once', async () => {
    let bridge = await startBridge();
    const admin = { 'content-type': 'application/json', authorization: `Bearer ${env.ADMIN_TOKEN}` };
    const created = await fetch(`${internalUrl}/admin/tenants`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({
        tenantId: 'acme',
        genesysIntegrationId: 'int-acme',
        genesysWebhookSecret: SECRET,
        whatsapp: { phoneNumberId: PHONE, accessToken: TOKEN },
      }),
    });
    expect(created.status).toBe(201);
    await fetch(`${internalUrl}/admin/conversations`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ tenantId: 'acme', conversationId: 'conv-1', waId: '16505551234' }),
    });
    const issued = await fetch(`${internalUrl}/admin/tenants/acme/api-keys`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ scopes: ['state:read'] }),
    });
    const { key } = (await issued.json()) as { key: string };
    await waitFor('the mapping', async () => {
      const response = await fetch(`${internalUrl}/state/conversation/conv-1`, {
        headers: { 'x-tenant-id': 'acme', authorization: `Bearer ${key}` },
      });
      return response.status === 200 || undefined;
    });

    const acknowledged: string[] = [];
    let refused = 0;
    const send = async () => {
      const messageId = randomUUID();
      const body = JSON.stringify({
        id: messageId,
        channel: { id: 'int-acme', messageId, platform: 'Open', to: { id: '16505551234' } },
        conversationId: 'conv-1',
        direction: 'Outbound',
        type: 'Text',
        text: `message ${messageId}`,
      });
      const response = await fetch(`${baseUrl}/webhook/genesys`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': genesysSignature(SECRET, body),
        },
        body,
      }).catch(() => undefined);
      if (response?.status === 200) acknowledged.push(messageId);
      else refused++;
    };

    // 20 senders; SIGTERM once 60 webhooks were acknowledged; senders stop after 200 attempts in all.
    let attempts = 0;
    const exited = new Promise<number | null>((resolve) => bridge.once('exit', (code) => resolve(code)));
    let signalled = false;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (attempts++ < 200) {
          await send();
          if (!signalled && acknowledged.length >= 60) {
            signalled = true;
            bridge.kill('SIGTERM');
          }
        }
      }),
    );
    expect(await exited).toBe(0);
    expect(signalled).toBe(true);
    expect(refused).toBeGreaterThan(0); // the load really ran into the shutdown

    const pool = createPool(env.DATABASE_URL!, { max: 1 });
    try {
      const { rows } = await pool.query<{ id: string }>(
        `SELECT data->>'genesysMessageId' AS id FROM events WHERE type = 'WebhookReceived'`,
      );
      const stored = new Set(rows.map((row) => row.id));
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    } finally {
      await pool.end();
    }

    // The next process picks up where the stopped one left: every acknowledged message reaches Meta, once.
    bridge = await startBridge();
    try {
      await waitFor(
        'every acknowledged message at Meta',
        async () => {
          const sent = new Set(meta.sentMessages.map((message) => message.bizOpaqueCallbackData));
          return acknowledged.every((id) => sent.has(id)) || undefined;
        },
        60000,
      );
      const counts = new Map<string, number>();
      for (const message of meta.sentMessages) {
        counts.set(message.bizOpaqueCallbackData!, (counts.get(message.bizOpaqueCallbackData!) ?? 0) + 1);
      }
      expect([...counts.values()].filter((count) => count > 1)).toEqual([]);
    } finally {
      const stopped = new Promise((resolve) => bridge.once('exit', resolve));
      bridge.kill('SIGTERM');
      await stopped;
    }
  }, 240_000); // two bridge processes start and stop: minutes on a loaded 2-core machine
});
