import type { Pool } from 'pg';
import { genesysSignature, metaSignature } from '../../src/http/signatures';
import { startTestBridge, type TestBridge } from '../support/bridge';
import { fixtureBytes } from '../support/fixtures';

/**
 * The inputs the webhook fuzzer (webhook-fuzz.int.test.ts) found answered 5xx, or stored altered, kept as fixed
 * cases so they stay fixed whatever seed the fuzzer draws. Before the fixes each one got 503 (the append or the
 * tenant lookup failed in PostgreSQL, on every retry) or 500, or for non-UTF-8 bytes 200 with a stored body that
 * no longer matched its signature.
 */

const SECRET = 'regression-webhook-secret-0123456789';
const META_APP_SECRET = 'regression-meta-app-secret';
const INTEGRATION_ID = '73cb7fb7-c2db-4996-88f3-0a83a4fea1da';

const eventCount = async (pool: Pool) =>
  Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0]!.n);

const genesysFixture = () =>
  JSON.parse(fixtureBytes('genesys/outbound-text.json').toString('utf8')) as Record<string, unknown> & {
    channel: Record<string, unknown>;
  };
const genesysBody = (change: (body: ReturnType<typeof genesysFixture>) => void) => {
  const body = genesysFixture();
  change(body);
  return Buffer.from(JSON.stringify(body), 'utf8');
};

const metaFixture = () =>
  JSON.parse(fixtureBytes('meta/status-failed-131049.json').toString('utf8')) as {
    entry: { id: string; changes: { value: { statuses: { errors: { title: string }[] }[] } }[] }[];
  };
const metaBody = (change: (body: ReturnType<typeof metaFixture>) => void) => {
  const body = metaFixture();
  change(body);
  return Buffer.from(JSON.stringify(body), 'utf8');
};

describe('webhook inputs the fuzzer found', () => {
  let bridge: TestBridge;

  beforeAll(async () => {
    bridge = await startTestBridge('sec-regress', { META_APP_SECRET });
    await bridge.createTenant({
      tenantId: 'tenant-regress',
      genesysIntegrationId: INTEGRATION_ID,
      genesysWebhookSecret: SECRET,
      genesysRegion: 'usw2.pure.cloud',
      whatsapp: { phoneNumberId: '106540352242922', accessToken: 'EAAJ-regress' },
    });
  });
  afterAll(() => bridge.close());

  const post = (route: 'genesys' | 'meta', body: Buffer, signature: string | undefined) =>
    bridge.app.inject({
      method: 'POST',
      url: `/webhook/${route}`,
      headers: {
        'content-type': 'application/json',
        ...(signature !== undefined ? { 'x-hub-signature-256': signature } : {}),
      },
      payload: body,
    });

  const nonUtf8 = () => {
    const body = Buffer.from(
      fixtureBytes('genesys/outbound-text.json').toString('utf8').replace('Hello', 'He\u0001o'),
    );
    body[body.indexOf(0x01)] = 0xff;
    return body;
  };

  it.each([
    [
      'genesys',
      'a text holding U+0000',
      () => genesysBody((b) => (b.text = 'a\u0000b')),
      400,
      'MalformedJson',
    ],
    [
      'genesys',
      'a text holding a lone surrogate',
      () => genesysBody((b) => (b.text = 'x\ud800')),
      400,
      'MalformedJson',
    ],
    ['genesys', 'bytes that are not UTF-8', nonUtf8, 400, 'MalformedJson'],
    [
      'genesys',
      'a 300-character message id (the stream id)',
      () => genesysBody((b) => (b.channel.messageId = 'm'.repeat(300))),
      422,
      'SchemaMismatch',
    ],
    [
      'genesys',
      'a 5000-character conversation id (indexed)',
      () => genesysBody((b) => (b.conversationId = 'c'.repeat(5000))),
      422,
      'SchemaMismatch',
    ],
    [
      'meta',
      'an error title holding U+0000',
      () => metaBody((b) => (b.entry[0]!.changes[0]!.value.statuses[0]!.errors[0]!.title = 'a\u0000')),
      400,
      'MalformedJson',
    ],
    [
      'meta',
      'an error title holding a lone surrogate',
      () => metaBody((b) => (b.entry[0]!.changes[0]!.value.statuses[0]!.errors[0]!.title = '\udc00')),
      400,
      'MalformedJson',
    ],
    [
      'meta',
      'a 1000-character WABA id',
      () => metaBody((b) => (b.entry[0]!.id = 'w'.repeat(1000))),
      422,
      'SchemaMismatch',
    ],
  ] as const)(
    '%s: a validly signed body with %s is refused with a 4xx and stores nothing',
    async (route, _what, body, status, code) => {
      const bytes = body();
      const signature =
        route === 'genesys' ? genesysSignature(SECRET, bytes) : metaSignature(META_APP_SECRET, bytes);
      const before = await eventCount(bridge.connections.pool);
      const response = await post(route, bytes, signature);
      expect(response.statusCode).toBe(status);
      expect(response.json()).toMatchObject({ error: code, message: expect.any(String) });
      expect(await eventCount(bridge.connections.pool)).toBe(before);
    },
  );

  it('answers 401 like any unknown integration for an unsigned body whose id holds U+0000 (no lookup, no 503)', async () => {
    const response = await post(
      'genesys',
      genesysBody((b) => (b.channel.id = `${INTEGRATION_ID}\u0000`)),
      undefined,
    );
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: 'SignatureMismatch' });
  });

  it('still accepts a 256-character message id, and the emoji of a real text', async () => {
    const body = genesysBody((b) => {
      b.channel.messageId = 'm'.repeat(256);
      b.text = 'Olá 👋 — até já';
    });
    const response = await post('genesys', body, genesysSignature(SECRET, body));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ accepted: true, duplicate: false });
  });
});
