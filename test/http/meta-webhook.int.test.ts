import { createHash, createHmac } from 'node:crypto';
import Fastify from 'fastify';
import type { Pool } from 'pg';
import { PostgresEventStore } from '../../src/events/store/postgres-event-store';
import { registerErrorHandler } from '../../src/http/errors';
import { metaWebhookPlugin } from '../../src/http/plugins/meta-webhook';
import { createPool } from '../../src/infra/postgres';
import { buildStatusWebhook, signMetaWebhook } from '../../src/simulators/meta';
import { startTestBridge, type TestBridge } from '../support/bridge';
import { databaseUrlFor } from '../support/database';
import { fixtureBytes } from '../support/fixtures';

// jest.config.js sets testTimeout inside the integration project, where Jest ignores it.
jest.setTimeout(60_000);

const APP_SECRET = 'test-meta-app-secret';
const VERIFY_TOKEN = 'test-verify-token';

interface RecordedWebhook {
  stream_id: string;
  tenant_id: string;
  conversation_id: string | null;
  data: {
    rawBody: string;
    signature: string;
    part: number;
    partCount: number;
    statuses: Record<string, unknown>[];
    invalidStatuses?: { path: string; issues: { path: string; message: string }[] }[];
    invalidStatusCount?: number;
  };
}

const eventCount = async (pool: Pool) =>
  Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0]!.n);

const recorded = async (pool: Pool, eventId: string): Promise<RecordedWebhook> => {
  const { rows } = await pool.query<RecordedWebhook>(
    "SELECT stream_id, tenant_id, conversation_id, data FROM events WHERE event_id = $1 AND type = 'MetaWebhookReceived'",
    [eventId],
  );
  if (!rows[0]) throw new Error(`no MetaWebhookReceived ${eventId}`);
  return rows[0];
};

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('/webhook/meta', () => {
  let bridge: TestBridge;

  const post = (body: Buffer | string, signature: string | undefined) =>
    bridge.app.inject({
      method: 'POST',
      url: '/webhook/meta',
      headers: {
        'content-type': 'application/json',
        ...(signature ? { 'x-hub-signature-256': signature } : {}),
      },
      payload: body,
    });
  const postSigned = (body: Buffer | string) => post(body, signMetaWebhook(APP_SECRET, body));

  beforeAll(async () => {
    bridge = await startTestBridge('meta-webhook', {
      META_APP_SECRET: APP_SECRET,
      META_VERIFY_TOKEN: VERIFY_TOKEN,
    });
  });
  afterAll(() => bridge.close());

  describe('GET: the subscription handshake', () => {
    const verify = (query: string) => bridge.app.inject({ method: 'GET', url: `/webhook/meta?${query}` });

    it('answers the challenge as text/plain when the verify token matches', async () => {
      const response = await verify(
        `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`,
      );
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(response.body).toBe('1158201444');
    });

    it.each([
      ['a wrong verify token', 'hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1'],
      [
        'a verify token that is a prefix',
        `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN.slice(0, 5)}&hub.challenge=1`,
      ],
      ['another mode', `hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`],
      ['no verify token', 'hub.mode=subscribe&hub.challenge=1'],
      ['no challenge', `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}`],
      ['nothing at all', ''],
    ])('refuses %s with 403', async (_what, query) => {
      const response = await verify(query);
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ error: 'VerificationFailed' });
      expect(response.body).not.toContain(VERIFY_TOKEN);
    });
  });

  describe('POST: statuses and messages', () => {
    it.each(['meta/status-delivered.json', 'meta/status-read.json', 'meta/status-failed-131049.json'])(
      'records %s byte for byte, with its status and phone number id',
      async (name) => {
        const body = fixtureBytes(name);
        const response = await postSigned(body);
        expect(response.statusCode).toBe(200);
        const answer = response.json() as {
          accepted: boolean;
          eventId: string;
          duplicate: boolean;
          statuses: number;
        };
        expect(answer).toEqual({
          accepted: true,
          eventId: expect.any(String),
          duplicate: false,
          statuses: 1,
          invalidStatuses: 0,
        });

        const event = await recorded(bridge.connections.pool, answer.eventId);
        const fixture = JSON.parse(body.toString('utf8')) as {
          entry: {
            id: string;
            changes: {
              value: {
                metadata: { phone_number_id: string };
                statuses: { id: string; status: string; timestamp: string }[];
              };
            }[];
          }[];
        };
        const value = fixture.entry[0]!.changes[0]!.value;
        expect(event.stream_id).toBe(`meta-webhook-${sha256(body)}`);
        expect(event.tenant_id).toBe('$meta');
        expect(event.conversation_id).toBeNull();
        expect(event.data.rawBody).toBe(body.toString('utf8'));
        expect(event.data.signature).toBe(signMetaWebhook(APP_SECRET, body));
        expect(event.data).toMatchObject({ part: 0, partCount: 1 });
        expect(event.data.statuses).toEqual([
          expect.objectContaining({
            wamid: value.statuses[0]!.id,
            status: value.statuses[0]!.status,
            timestamp: value.statuses[0]!.timestamp,
            phoneNumberId: value.metadata.phone_number_id,
            wabaId: fixture.entry[0]!.id,
            isIgnored: false,
          }),
        ]);
      },
    );

    it('records the inbound message fixture byte for byte, with no statuses', async () => {
      const body = fixtureBytes('meta/inbound-text.json');
      const response = await postSigned(body);
      expect(response.statusCode).toBe(200);
      const event = await recorded(bridge.connections.pool, (response.json() as { eventId: string }).eventId);
      expect(event.data.rawBody).toBe(body.toString('utf8'));
      expect(event.data.statuses).toEqual([]);
    });

    it('answers a retried webhook as a duplicate and records nothing more', async () => {
      const body = Buffer.from(
        JSON.stringify(
          buildStatusWebhook({ wamid: 'wamid.retry', status: 'sent', timestamp: 1, recipientId: '1555' }),
        ),
      );
      const first = await postSigned(body);
      const before = await eventCount(bridge.connections.pool);
      const again = await postSigned(body);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual({ ...(first.json() as object), duplicate: true });
      expect(await eventCount(bridge.connections.pool)).toBe(before);
    });

    it('verifies and keeps a body with accents and emoji exactly as sent', async () => {
      const body = Buffer.from(
        JSON.stringify(
          buildStatusWebhook({
            wamid: 'wamid.accents',
            status: 'failed',
            recipientId: '5511999990000',
            errors: [
              {
                code: 131026,
                title: 'Mensagem não entregue 📵',
                details: 'Número inválido — tente de novo 🙏',
              },
            ],
            bizOpaqueCallbackData: 'gmsg-çãé-👋',
          }),
        ),
        'utf8',
      );
      const response = await postSigned(body);
      expect(response.statusCode).toBe(200);
      const event = await recorded(bridge.connections.pool, (response.json() as { eventId: string }).eventId);
      expect(Buffer.from(event.data.rawBody, 'utf8').equals(body)).toBe(true);
      expect(event.data.statuses[0]).toMatchObject({
        bizOpaqueCallbackData: 'gmsg-çãé-👋',
        errors: [
          { code: 131026, title: 'Mensagem não entregue 📵', details: 'Número inválido — tente de novo 🙏' },
        ],
      });
    });

    it('accepts a business-scoped user: empty recipient_id with recipient_user_id', async () => {
      const body = JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '102290129340398',
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
                  statuses: [
                    {
                      id: 'wamid.bsuid-1',
                      status: 'delivered',
                      timestamp: '1760659226',
                      recipient_id: '',
                      recipient_user_id: 'US.13491208655302741918',
                    },
                  ],
                },
              },
            ],
          },
        ],
      });
      const response = await postSigned(body);
      expect(response.statusCode).toBe(200);
      const event = await recorded(bridge.connections.pool, (response.json() as { eventId: string }).eventId);
      expect(event.data.statuses).toEqual([
        expect.objectContaining({ wamid: 'wamid.bsuid-1', recipientUserId: 'US.13491208655302741918' }),
      ]);
      expect(event.data.statuses[0]).not.toHaveProperty('recipientId');
    });

    it('records every status of a 1000-status batch over many entries and changes, other kinds marked ignored', async () => {
      const statuses = (offset: number) =>
        Array.from({ length: 125 }, (_, i) => ({
          id: `wamid.batch-${offset + i}`,
          status: (offset + i) % 100 === 0 ? 'deleted' : 'delivered',
          timestamp: '1760659226',
          recipient_id: '16505551234',
        }));
      const body = JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [0, 1].map((e) => ({
          id: `waba-${e}`,
          changes: [0, 1, 2, 3].map((c) => ({
            field: 'messages',
            value: {
              metadata: { phone_number_id: `phone-${e}-${c}` },
              statuses: statuses((e * 4 + c) * 125),
            },
          })),
        })),
      });
      const response = await postSigned(body);
      expect(response.json()).toMatchObject({ statuses: 1000, duplicate: false });
      const event = await recorded(bridge.connections.pool, (response.json() as { eventId: string }).eventId);
      expect(event.data.statuses).toHaveLength(1000);
      expect(event.data.statuses.map((status) => status.wamid)).toEqual(
        Array.from({ length: 1000 }, (_, i) => `wamid.batch-${i}`),
      );
      expect(event.data.statuses[999]).toMatchObject({ phoneNumberId: 'phone-1-3', wabaId: 'waba-1' });
      expect(event.data.statuses.filter((status) => status.isIgnored).map((status) => status.status)).toEqual(
        Array(10).fill('deleted'),
      );
    });

    it('stores a batch too large for one Kafka record in parts, in one append, that reassemble the body', async () => {
      const longText = 'Entrega falhou — número fora da área de cobertura. '.repeat(20);
      const body = JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: 'waba-large',
            changes: [
              {
                value: {
                  metadata: { phone_number_id: '106540352242922' },
                  statuses: Array.from({ length: 1000 }, (_, i) => ({
                    id: `wamid.large-${i}`,
                    status: 'failed',
                    timestamp: '1760659226',
                    recipient_id: '16505551234',
                    errors: [
                      {
                        code: 131026,
                        title: 'Message undeliverable',
                        message: longText,
                        error_data: { details: longText },
                      },
                    ],
                  })),
                },
              },
            ],
          },
        ],
      });
      const response = await postSigned(body);
      expect(response.statusCode).toBe(200);
      const { rows } = await bridge.connections.pool.query<Pick<RecordedWebhook, 'data'> & { tx: string }>(
        'SELECT data, transaction_id::text AS tx FROM events WHERE stream_id = $1 ORDER BY stream_position',
        [`meta-webhook-${sha256(Buffer.from(body))}`],
      );
      expect(rows.length).toBeGreaterThan(1);
      expect(new Set(rows.map((row) => row.tx)).size).toBe(1);
      expect(rows.map((row) => row.data.rawBody).join('')).toBe(body);
      expect(rows.flatMap((row) => row.data.statuses.map((status) => status.wamid))).toEqual(
        Array.from({ length: 1000 }, (_, i) => `wamid.large-${i}`),
      );
      for (const row of rows) expect(Buffer.byteLength(JSON.stringify(row.data))).toBeLessThan(1_000_000);
    });
  });

  describe('a batch with malformed statuses', () => {
    it('records the batch verbatim with its valid statuses, and reports the malformed ones', async () => {
      const body = JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '102290129340398',
            changes: [
              {
                value: {
                  metadata: { phone_number_id: '106540352242922' },
                  statuses: [
                    {
                      id: 'wamid.batch-ok-1',
                      status: 'delivered',
                      timestamp: '1700000001',
                      recipient_id: '1555',
                    },
                    { status: 'sent', timestamp: '1700000002', recipient_id: '1555' },
                    { id: 'wamid.batch-ok-2', status: 'read', timestamp: 'yesterday', recipient_id: '1555' },
                    { id: 'wamid.batch-ok-3', status: 'read', timestamp: '1700000003', recipient_id: '1555' },
                  ],
                },
                field: 'messages',
              },
            ],
          },
        ],
      });
      const response = await postSigned(body);
      expect(response.statusCode).toBe(200);
      const answer = response.json() as { eventId: string; statuses: number; invalidStatuses: number };
      expect(answer).toMatchObject({ statuses: 2, invalidStatuses: 2 });

      const event = await recorded(bridge.connections.pool, answer.eventId);
      expect(event.data.rawBody).toBe(body);
      expect(event.data.statuses.map((status) => status.wamid)).toEqual([
        'wamid.batch-ok-1',
        'wamid.batch-ok-3',
      ]);
      expect(event.data.invalidStatusCount).toBe(2);
      expect(event.data.invalidStatuses).toEqual([
        {
          path: 'entry.0.changes.0.value.statuses.1',
          issues: [{ path: 'id', message: expect.any(String) }],
        },
        {
          path: 'entry.0.changes.0.value.statuses.2',
          issues: [{ path: 'timestamp', message: expect.any(String) }],
        },
      ]);
      // Nothing of the malformed values is echoed in the report.
      expect(JSON.stringify(event.data.invalidStatuses)).not.toContain('yesterday');
    });
  });

  describe('bad input gets its status and records nothing', () => {
    const body = fixtureBytes('meta/status-delivered.json');

    it.each([
      ['a signature made with another secret', () => post(body, signMetaWebhook('another-secret', body))],
      ['a signature of another body', () => post(body, signMetaWebhook(APP_SECRET, `${body.toString()} `))],
      [
        'a base64 digest (the Genesys encoding)',
        () => post(body, `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('base64')}`),
      ],
      [
        'a signature over the re-serialized JSON',
        () => post(body, signMetaWebhook(APP_SECRET, JSON.stringify(JSON.parse(body.toString())))),
      ],
      ['no signature', () => post(body, undefined)],
      ['an empty signature', () => post(body, 'sha256=')],
    ])('401 for %s', async (_what, send) => {
      const before = await eventCount(bridge.connections.pool);
      const response = await send();
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ error: 'SignatureMismatch' });
      expect(await eventCount(bridge.connections.pool)).toBe(before);
    });

    it.each([
      ['malformed JSON gets 400', '{"object": "whatsapp_business_account", "entry": [', 400, 'MalformedJson'],
      [
        'a body that is not a WhatsApp Business Account webhook (entry is no list) gets 422',
        JSON.stringify({ object: 'whatsapp_business_account', entry: { changes: [] } }),
        422,
        'SchemaMismatch',
      ],
    ])('%s', async (_what, payload, status, code) => {
      const before = await eventCount(bridge.connections.pool);
      const response = await postSigned(payload);
      expect(response.statusCode).toBe(status);
      expect(response.json()).toMatchObject({ error: code });
      expect(await eventCount(bridge.connections.pool)).toBe(before);
    });
  });

  it('answers 503 when PostgreSQL cannot take the append, and 200 once it can', async () => {
    const unreachable = createPool(databaseUrlFor('bridge_no_such_database'), { max: 1 });
    const app = Fastify();
    registerErrorHandler(app);
    await app.register(metaWebhookPlugin, {
      store: new PostgresEventStore(unreachable),
      appSecret: APP_SECRET,
      verifyToken: VERIFY_TOKEN,
    });
    const body = Buffer.from(
      JSON.stringify(
        buildStatusWebhook({
          wamid: 'wamid.unstored',
          status: 'delivered',
          timestamp: 5,
          recipientId: '1555',
        }),
      ),
    );
    const headers = {
      'content-type': 'application/json',
      'x-hub-signature-256': signMetaWebhook(APP_SECRET, body),
    };
    try {
      const refused = await app.inject({ method: 'POST', url: '/webhook/meta', headers, payload: body });
      expect(refused.statusCode).toBe(503);
      expect(refused.json()).toMatchObject({ error: 'StoreUnavailable' });
    } finally {
      await app.close();
      await unreachable.end();
    }
    // Meta's retry of the same body reaches a bridge whose database works.
    expect(
      (await bridge.app.inject({ method: 'POST', url: '/webhook/meta', headers, payload: body })).statusCode,
    ).toBe(200);
  });
});
