import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { metaSignature } from '../../src/http/signatures';
import { startTestBridge, type TestBridge } from '../support/bridge';
import { fixtureBytes } from '../support/fixtures';
import { genesysTextWebhook, postGenesysWebhook } from '../support/genesys-webhooks';
import { TcpFaultProxy } from '../../bench/lib/faults/tcp-proxy';

/**
 * PostgreSQL stalled (a paused server or a partition: connections stay open, nothing answers, nothing is refused),
 * between the bridge and the database: the webhooks must answer 503 fast, so that Genesys and Meta retry, and the
 * bridge must accept webhooks again as soon as PostgreSQL answers, without a restart. Before the pool had
 * timeouts, a webhook waited for minutes.
 */

const SECRET = 'outage-webhook-secret-0123456789abcdef';
const META_APP_SECRET = 'outage-meta-app-secret';
const INTEGRATION_ID = '73cb7fb7-c2db-4996-88f3-0a83a4fea1da';
const TENANT_ID = 'tenant-outage';
/** The issue asks for 503 within 2 s; the margin keeps a loaded CI machine from failing the test. */
const FAST_MS = 3000;

describe('webhooks while PostgreSQL is stalled', () => {
  let proxy: TcpFaultProxy;
  let bridge: TestBridge;
  const lines: { level: number; msg: string; dependency?: string }[] = [];
  const outageLines = () =>
    lines.filter((line) => line.dependency === 'postgres' || /event store/.test(line.msg));

  beforeAll(async () => {
    proxy = new TcpFaultProxy(5432);
    await proxy.start();
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString('utf8')) as (typeof lines)[number]);
        done();
      },
    });
    bridge = await startTestBridge(
      'pg-outage',
      { META_APP_SECRET, LOG_LEVEL: 'info' },
      { databaseUrl: (url) => proxy.urlFor(url), logDestination: destination },
    );
    const created = await bridge.internal.inject({
      method: 'POST',
      url: '/admin/tenants',
      headers: { authorization: `Bearer ${bridge.adminToken}` },
      payload: {
        tenantId: TENANT_ID,
        genesysIntegrationId: INTEGRATION_ID,
        genesysWebhookSecret: SECRET,
        genesysRegion: 'usw2.pure.cloud',
        whatsapp: { phoneNumberId: '106540352242922', accessToken: 'EAAJ-outage' },
      },
    });
    expect(created.statusCode).toBe(201);
  });
  afterAll(async () => {
    proxy?.resume();
    await bridge?.close();
    await proxy?.stop();
  });

  const genesys = () =>
    postGenesysWebhook(
      bridge.app,
      SECRET,
      genesysTextWebhook({ tenantId: TENANT_ID, conversationId: randomUUID(), text: 'during the outage' })
        .body,
    );

  const meta = () => {
    const body = JSON.parse(fixtureBytes('meta/status-delivered.json').toString('utf8')) as {
      entry: { changes: { value: { statuses: { id: string }[] } }[] }[];
    };
    body.entry[0]!.changes[0]!.value.statuses[0]!.id = `wamid.${randomUUID()}`;
    const raw = JSON.stringify(body);
    return bridge.app.inject({
      method: 'POST',
      url: '/webhook/meta',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': metaSignature(META_APP_SECRET, raw),
      },
      payload: raw,
    });
  };

  const timed = async (send: () => Promise<{ statusCode: number; body: string }>) => {
    const started = Date.now();
    const answer = await send();
    return { status: answer.statusCode, body: answer.body, ms: Date.now() - started };
  };

  it('accepts both webhooks through the proxy while PostgreSQL answers', async () => {
    expect((await timed(genesys)).status).toBe(200);
    expect((await timed(meta)).status).toBe(200);
    expect(proxy.connections).toBeGreaterThan(0);
  });

  it('answers 503 within 2 s while PostgreSQL is stalled, then accepts again once it answers', async () => {
    proxy.pause();
    // Several at once, so that both the connections already in the pool and new ones are stalled.
    const stalled = await Promise.all([timed(genesys), timed(meta), timed(genesys), timed(meta)]);
    for (const answer of stalled) {
      expect(answer.status).toBe(503);
      expect(answer.ms).toBeLessThan(FAST_MS);
      expect(JSON.parse(answer.body)).toMatchObject({
        error: expect.any(String),
        message: expect.any(String),
      });
    }
    // Still stalled: a later webhook is as fast (the pool is not left waiting on the first ones).
    const later = await timed(genesys);
    expect(later).toMatchObject({ status: 503 });
    expect(later.ms).toBeLessThan(FAST_MS);

    proxy.resume();
    const recovered = await waitForStatus(genesys, 200);
    expect(recovered).toBe(200);
    expect((await timed(meta)).status).toBe(200);

    // Five webhooks failed, and the log says so twice: when the outage started and when it ended.
    expect(outageLines().map((line) => line.msg)).toEqual([
      'postgres unreachable: outage started',
      expect.stringMatching(/^postgres reachable again: outage over after \d+ s$/),
    ]);
  });
});

/** Sends until the answer has `status` (the pool may still drop connections that timed out during the stall). */
const waitForStatus = async (
  send: () => Promise<{ statusCode: number }>,
  status: number,
): Promise<number> => {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const answer = await send();
    if (answer.statusCode === status || Date.now() > deadline) return answer.statusCode;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};
