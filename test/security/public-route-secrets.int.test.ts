import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { genesysSignature, metaSignature } from '../../src/http/signatures';
import { startTestBridge, type TestBridge } from '../support/bridge';
import { fixtureBytes } from '../support/fixtures';

/**
 * Secrets never leave through the public routes: whatever is sent to /webhook/genesys and /webhook/meta (signed,
 * badly signed, malformed, refused, failing in the store), no log line of the app and no answer carries the
 * tenant's webhook secret, the Meta app secret or verify token, the credentials of the tenant, the admin token,
 * or an Authorization header a caller sent.
 */

const WEBHOOK_SECRET = 'whsec-logs-3b9f0c1d2e4a5f60718293a4';
const META_APP_SECRET = 'meta-app-secret-logs-c0ffee1234567890';
const META_VERIFY_TOKEN = 'meta-verify-token-logs-0badf00d';
const WHATSAPP_TOKEN = 'EAAJ-logs-whatsapp-access-token-77aa';
const GENESYS_CLIENT_SECRET = 'genesys-client-secret-logs-55bb';
/** What a caller (or a misconfigured proxy) might add to a webhook request. */
const CALLER_AUTHORIZATION = 'Bearer caller-bearer-token-logs-99cc';
const INTEGRATION_ID = '73cb7fb7-c2db-4996-88f3-0a83a4fea1da';

describe('secrets in the logs and answers of the public routes', () => {
  const lines: string[] = [];
  const answers: string[] = [];
  let bridge: TestBridge;
  let baseUrl: string;

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    bridge = await startTestBridge(
      'sec-logs',
      { LOG_LEVEL: 'trace', META_APP_SECRET, META_VERIFY_TOKEN },
      { logDestination: destination },
    );
    await bridge.createTenant({
      tenantId: 'tenant-logs',
      genesysIntegrationId: INTEGRATION_ID,
      genesysWebhookSecret: WEBHOOK_SECRET,
      genesysRegion: 'usw2.pure.cloud',
      genesysClientId: 'genesys-client-logs',
      genesysClientSecret: GENESYS_CLIENT_SECRET,
      whatsapp: { phoneNumberId: '106540352242922', accessToken: WHATSAPP_TOKEN },
    });
    await bridge.app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(bridge.app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => bridge.close());

  const secrets = (): string[] => [
    WEBHOOK_SECRET,
    META_APP_SECRET,
    META_VERIFY_TOKEN,
    WHATSAPP_TOKEN,
    GENESYS_CLIENT_SECRET,
    CALLER_AUTHORIZATION,
    CALLER_AUTHORIZATION.slice('Bearer '.length),
    bridge.adminToken,
    ...(bridge.config.CREDENTIALS_KEY ? [bridge.config.CREDENTIALS_KEY] : []),
  ];

  const send = async (
    route: 'genesys' | 'meta',
    body: Buffer | string,
    signature: string | undefined,
    contentType = 'application/json',
  ) => {
    const response = await fetch(`${baseUrl}/webhook/${route}`, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        authorization: CALLER_AUTHORIZATION,
        ...(signature !== undefined ? { 'x-hub-signature-256': signature } : {}),
      },
      body,
    });
    const text = await response.text();
    answers.push(`${JSON.stringify(Object.fromEntries(response.headers))} ${text}`);
    return response.status;
  };
  /** Signed with the right secret unless a signature is given; `null` sends none. */
  const genesys = (body: Buffer | string, signature?: string | null, contentType?: string) =>
    send(
      'genesys',
      body,
      signature === null ? undefined : (signature ?? genesysSignature(WEBHOOK_SECRET, body)),
      contentType,
    );
  const meta = (body: Buffer | string, signature?: string | null) =>
    send('meta', body, signature === null ? undefined : (signature ?? metaSignature(META_APP_SECRET, body)));

  const genesysText = fixtureBytes('genesys/outbound-text.json');
  const metaStatus = fixtureBytes('meta/status-delivered.json');
  const withText = (text: string) => {
    const body = JSON.parse(genesysText.toString('utf8')) as Record<string, unknown>;
    return JSON.stringify({
      ...body,
      text,
      id: `msg-${text.length}`,
      channel: { ...(body.channel as object) },
    });
  };

  it('answers signed, badly signed and malformed requests as expected', async () => {
    const statuses = [
      await genesys(genesysText),
      await genesys(genesysText, genesysSignature('another-secret', genesysText)),
      await genesys(genesysText, `sha256=${WEBHOOK_SECRET}`),
      await genesys(genesysText, null),
      await genesys('{"channel": {'),
      await genesys(JSON.stringify({ channel: { id: INTEGRATION_ID }, type: 'Letter' })),
      await genesys(withText(`a\u0000${WEBHOOK_SECRET.slice(0, 4)}`)),
      await genesys(JSON.stringify({ channel: { id: 'no-such-integration' }, type: 'Text' })),
      await genesys(genesysText, null, 'application/xml'),
      await meta(metaStatus),
      await meta(metaStatus, metaSignature('another-secret', metaStatus)),
      await meta(metaStatus, `sha256=${META_APP_SECRET}`),
      await meta(metaStatus, null),
      await meta('{"object":'),
      await meta(JSON.stringify({ object: 'whatsapp_business_account', entry: [{ changes: [{}] }] })),
    ];
    expect(statuses).toEqual([200, 401, 401, 401, 400, 422, 400, 401, 415, 200, 401, 401, 401, 400, 422]);

    const handshake = await fetch(
      `${baseUrl}/webhook/meta?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=42`,
      { headers: { authorization: CALLER_AUTHORIZATION } },
    );
    answers.push(await handshake.text());
    expect(handshake.status).toBe(403);
  });

  it('answers 503 when the store fails, and logs why', async () => {
    // The store failing mid-request is where an error line is written: hide the tables the routes need.
    const pool = bridge.connections.pool;
    await pool.query('ALTER TABLE events RENAME TO events_hidden_by_test');
    await pool.query('ALTER TABLE tenants RENAME TO tenants_hidden_by_test');
    try {
      const unknown = withText('new integration').replace(INTEGRATION_ID, 'integration-not-cached');
      expect(await genesys(unknown)).toBe(503);
      expect(await genesys(withText('not stored'))).toBe(503);
      expect(await meta(metaStatus.toString('utf8').replace('delivered', 'read'))).toBe(503);
    } finally {
      await pool.query('ALTER TABLE tenants_hidden_by_test RENAME TO tenants');
      await pool.query('ALTER TABLE events_hidden_by_test RENAME TO events');
    }
    // Three failed webhooks, one outage: it is logged once with its cause (checked for secrets below).
    const errors = lines
      .map((line) => JSON.parse(line) as { level: number; msg: string; err?: string })
      .filter((line) => line.level >= 50);
    expect(errors).toContainEqual(
      expect.objectContaining({
        msg: 'postgres unreachable: outage started',
        err: expect.stringMatching(/does not exist/),
      }),
    );
  });

  it('never wrote a secret to a log line or an answer', () => {
    expect(lines.length).toBeGreaterThan(0);
    expect(answers.length).toBeGreaterThan(15);
    for (const secret of secrets()) {
      expect(lines.filter((line) => line.includes(secret))).toEqual([]);
      expect(answers.filter((answer) => answer.includes(secret))).toEqual([]);
    }
  });
});
