import { createHmac } from 'node:crypto';
import type { Pool } from 'pg';
import { genesysSignature } from '../../src/http/signatures';
import { startTestBridge, type TestBridge } from '../support/bridge';
import { fixtureBytes, fixtureNames } from '../support/fixtures';

const SECRET_USW2 = 'usw2-webhook-secret-0123456789';
const SECRET_IE = 'ie-webhook-secret-0123456789';

const eventCount = async (pool: Pool) =>
  Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0]!.n);

describe('POST /webhook/genesys', () => {
  let bridge: TestBridge;

  const post = (body: Buffer | string, signature: string | undefined, contentType = 'application/json') =>
    bridge.app.inject({
      method: 'POST',
      url: '/webhook/genesys',
      headers: { 'content-type': contentType, ...(signature ? { 'x-hub-signature-256': signature } : {}) },
      payload: body,
    });

  beforeAll(async () => {
    bridge = await startTestBridge('genesys-webhook');
    const admin = { authorization: `Bearer ${bridge.adminToken}` };
    for (const [tenantId, integrationId, region, secret] of [
      ['tenant-usw2', '73cb7fb7-c2db-4996-88f3-0a83a4fea1da', 'usw2.pure.cloud', SECRET_USW2],
      ['tenant-ie', '6685901b-6d0e-43db-95ff-d64406e9dce2', 'mypurecloud.ie', SECRET_IE],
    ] as const) {
      const response = await bridge.internal.inject({
        method: 'POST',
        url: '/admin/tenants',
        headers: admin,
        payload: {
          tenantId,
          genesysIntegrationId: integrationId,
          genesysWebhookSecret: secret,
          genesysRegion: region,
          whatsapp: { phoneNumberId: '106540352242922', accessToken: `token-${tenantId}` },
        },
      });
      expect(response.statusCode).toBe(201);
    }
  });
  afterAll(() => bridge.close());

  const secretFor = (name: string) => (name.includes('attachment-image') ? SECRET_IE : SECRET_USW2);

  // Four of the fixtures share one Genesys message id (they come from one SDK's test data): each case starts from
  // an empty store so that each is a first delivery.
  const emptyStore = () => bridge.connections.pool.query('TRUNCATE events, streams');

  it.each(fixtureNames('genesys', 'outbound-'))(
    'accepts %s byte for byte and records it once',
    async (name) => {
      await emptyStore();
      const body = fixtureBytes(name);
      const response = await post(body, genesysSignature(secretFor(name), body));
      expect(response.statusCode).toBe(200);
      const answer = response.json() as { accepted: boolean; eventId: string; duplicate: boolean };
      expect(answer).toEqual({ accepted: true, eventId: expect.any(String), duplicate: false });

      const { rows } = await bridge.connections.pool.query<{ type: string; data: { rawBody: string } }>(
        'SELECT type, data FROM events WHERE event_id = $1',
        [answer.eventId],
      );
      expect(rows[0]?.type).toBe('WebhookReceived');
      expect(rows[0]?.data.rawBody).toBe(body.toString('utf8'));
    },
  );

  it('answers a retried webhook with duplicate: true and the original event id, appending nothing', async () => {
    const body = fixtureBytes('genesys/outbound-text.json');
    const signature = genesysSignature(SECRET_USW2, body);
    const first = (await post(body, signature)).json() as { eventId: string };
    const before = await eventCount(bridge.connections.pool);
    const again = await post(body, signature);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ accepted: true, eventId: first.eventId, duplicate: true });
    expect(await eventCount(bridge.connections.pool)).toBe(before);
  });

  describe('bad input gets its status and appends nothing', () => {
    const body = Buffer.from(
      fixtureBytes('genesys/outbound-text.json').toString().replace('Hello World', 'Other'),
    );

    it.each([
      [
        'a wrong signature',
        () => post(body, genesysSignature('wrong-secret-000000', body)),
        401,
        'SignatureMismatch',
      ],
      [
        'a hex digest instead of base64',
        () => post(body, `sha256=${createHmac('sha256', SECRET_USW2).update(body).digest('hex')}`),
        401,
        'SignatureMismatch',
      ],
      ['no signature', () => post(body, undefined), 401, 'SignatureMismatch'],
      [
        'an unknown integration',
        () => {
          const unknown = body
            .toString()
            .replaceAll('73cb7fb7-c2db-4996-88f3-0a83a4fea1da', 'no-such-integration');
          return post(unknown, genesysSignature(SECRET_USW2, unknown));
        },
        404,
        'UnknownIntegration',
      ],
      [
        'malformed JSON',
        () => post('{"channel": {', genesysSignature(SECRET_USW2, '{"channel": {')),
        400,
        'MalformedJson',
      ],
      [
        'a body over 1 MiB',
        () => {
          const big = JSON.stringify({ channel: { id: 'x' }, text: 'a'.repeat(1024 * 1024) });
          return post(big, genesysSignature(SECRET_USW2, big));
        },
        413,
        'PayloadTooLarge',
      ],
      [
        'a schema mismatch (signed correctly)',
        () => {
          const wrong = JSON.stringify({
            channel: { id: '73cb7fb7-c2db-4996-88f3-0a83a4fea1da' },
            type: 'Text',
          });
          return post(wrong, genesysSignature(SECRET_USW2, wrong));
        },
        422,
        'SchemaMismatch',
      ],
    ] as const)('%s', async (_case, send, status, code) => {
      const before = await eventCount(bridge.connections.pool);
      const response = await send();
      expect(response.statusCode).toBe(status);
      expect(response.json()).toMatchObject({ error: code, message: expect.any(String) });
      expect(response.body).not.toContain(SECRET_USW2);
      expect(await eventCount(bridge.connections.pool)).toBe(before);
    });

    it('lists the zod issues with their paths on a schema mismatch', async () => {
      const wrong = JSON.stringify({
        channel: { id: '73cb7fb7-c2db-4996-88f3-0a83a4fea1da' },
        type: 'Letter',
      });
      const response = await post(wrong, genesysSignature(SECRET_USW2, wrong));
      const paths = (response.json() as { issues: { path: string }[] }).issues.map((issue) => issue.path);
      expect(paths).toEqual(expect.arrayContaining(['channel.to', 'type']));
    });
  });
});
