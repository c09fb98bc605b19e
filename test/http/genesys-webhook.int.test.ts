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
    for (const [tenantId, integrationId, region, secret] of [
      ['tenant-usw2', '73cb7fb7-c2db-4996-88f3-0a83a4fea1da', 'usw2.pure.cloud', SECRET_USW2],
      ['tenant-ie', '6685901b-6d0e-43db-95ff-d64406e9dce2', 'mypurecloud.ie', SECRET_IE],
    ] as const) {
      await bridge.createTenant({
        tenantId,
        genesysIntegrationId: integrationId,
        genesysWebhookSecret: secret,
        genesysRegion: region,
        whatsapp: { phoneNumberId: '106540352242922', accessToken: `token-${tenantId}` },
      });
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

      const { rows } = await bridge.connections.pool.query<{
        type: string;
        version: number;
        data: { rawBody: string };
      }>('SELECT type, version, data FROM events WHERE event_id = $1', [answer.eventId]);
      expect(rows[0]?.type).toBe('WebhookReceived');
      expect(rows[0]?.version).toBe(3);
      expect(rows[0]?.data.rawBody).toBe(body.toString('utf8'));
    },
  );

  it('records the message translated: the whole text, the attachments, the typing state', async () => {
    const stored = async (name: string) => {
      await emptyStore();
      const body = fixtureBytes(name);
      const { eventId } = (await post(body, genesysSignature(secretFor(name), body))).json() as {
        eventId: string;
      };
      const { rows } = await bridge.connections.pool.query<{ data: Record<string, unknown> }>(
        'SELECT data FROM events WHERE event_id = $1',
        [eventId],
      );
      return rows[0]!.data;
    };
    expect(await stored('genesys/outbound-text.json')).toMatchObject({
      content: { text: 'Hello World', attachments: [], unhandledContent: [] },
    });
    expect(await stored('genesys/outbound-attachment-image.json')).toMatchObject({
      content: { attachments: [{ mediaType: 'Image', mime: 'image/png' }] },
    });
    expect(await stored('genesys/outbound-event-typing.json')).toMatchObject({ typing: 'On' });
    expect(await stored('genesys/outbound-text.json')).not.toHaveProperty('textPreview');
  });

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
        401,
        'SignatureMismatch',
      ],
      [
        'a malformed signature header',
        () => post(body, `sha256=${genesysSignature(SECRET_USW2, body).slice(7, -2)}`),
        401,
        'SignatureMismatch',
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
  describe('tells strangers nothing and costs them one lookup at most', () => {
    const USW2_INTEGRATION = '73cb7fb7-c2db-4996-88f3-0a83a4fea1da';
    const bodyFor = (integrationId: string) =>
      Buffer.from(
        fixtureBytes('genesys/outbound-text.json')
          .toString()
          .replace('Hello World', 'Forged')
          .replaceAll(USW2_INTEGRATION, integrationId),
      );

    /** PostgreSQL queries and Redis reads made while `send` runs: the round trips a request costs. */
    const roundTrips = async (send: () => Promise<unknown>) => {
      const queries = jest.spyOn(bridge.connections.pool, 'query');
      // Cache reads go out as MGET (readCachedMany), a lone GET elsewhere: both count.
      const reads = [
        jest.spyOn(bridge.connections.redis, 'get'),
        jest.spyOn(bridge.connections.redis, 'mget'),
      ];
      try {
        await send();
        const redis = reads.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
        return { postgres: queries.mock.calls.length, redis };
      } finally {
        queries.mockRestore();
        for (const spy of reads) spy.mockRestore();
      }
    };

    const refused = async (send: () => ReturnType<typeof post>) => {
      const response = await send();
      expect(response.statusCode).toBe(401);
      return response.json() as unknown;
    };

    it('answers an unknown integration exactly like a wrong signature for a known one', async () => {
      const unknown = bodyFor('never-seen-integration');
      const known = bodyFor(USW2_INTEGRATION);
      const answers = [
        await refused(() => post(unknown, genesysSignature(SECRET_USW2, unknown))),
        await refused(() => post(known, genesysSignature('wrong-secret-000000', known))),
        await refused(() => post(unknown, undefined)),
      ];
      expect(answers[0]).toEqual({ error: 'SignatureMismatch', message: expect.any(String) });
      expect(answers[1]).toEqual(answers[0]);
      expect(answers[2]).toEqual(answers[0]);
    });

    it('refuses a missing or malformed signature header before any lookup', async () => {
      const body = bodyFor('not-looked-up-integration');
      const hex = createHmac('sha256', SECRET_USW2).update(body).digest('hex');
      const trips = await roundTrips(async () => {
        await refused(() => post(body, undefined));
        await refused(() => post(body, `sha256=${hex}`));
        await refused(() => post(body, 'sha256=not-base64'));
      });
      expect(trips).toEqual({ postgres: 0, redis: 0 });
    });

    it.each([
      ['an unknown integration', 'forged-unknown-integration', SECRET_USW2],
      ['a known integration with a wrong signature', USW2_INTEGRATION, 'wrong-secret-000000'],
    ])('looks %s up once for many signed requests, even concurrent ones', async (_case, id, secret) => {
      await bridge.services.directory.invalidate({ tenantId: 'tenant-usw2', genesysIntegrationId: id });
      const body = bodyFor(id);
      const signature = genesysSignature(secret, body);
      const before = await eventCount(bridge.connections.pool);
      const trips = await roundTrips(async () => {
        await Promise.all(Array.from({ length: 10 }, () => refused(() => post(body, signature))));
        for (let i = 0; i < 10; i += 1) await refused(() => post(body, signature));
      });
      // One lookup: a Redis read, then (on a miss) the tenant and its webhook credential from PostgreSQL.
      expect(trips.redis).toBe(1);
      expect(trips.postgres).toBeLessThanOrEqual(2);
      expect(await eventCount(bridge.connections.pool)).toBe(before);
    });

    it('accepts at once a tenant created after its integration id was remembered as unknown', async () => {
      const id = 'integration-created-late';
      const secret = 'late-webhook-secret-0123456789';
      const body = bodyFor(id);
      await refused(() => post(body, genesysSignature(secret, body)));
      await bridge.createTenant({
        tenantId: 'tenant-late',
        genesysIntegrationId: id,
        genesysWebhookSecret: secret,
        genesysRegion: 'usw2.pure.cloud',
        whatsapp: { phoneNumberId: '106540352242922', accessToken: 'token-late' },
      });
      const response = await post(body, genesysSignature(secret, body));
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ accepted: true, duplicate: false });
    });
  });
});
