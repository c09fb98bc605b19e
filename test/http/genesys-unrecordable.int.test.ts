import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { genesysSignature } from '../../src/http/signatures';
import { startTestBridge, type TestBridge } from '../support/bridge';
import { fixtureBytes } from '../support/fixtures';

/**
 * A signed Genesys webhook that passes the request schema but holds a value WebhookReceived cannot hold used to be
 * answered 503 (the append failed in the event schema): Genesys retries a 5xx forever. It must be a 422 naming
 * the field, and nothing stored; a value the summary can do without is left out instead.
 */

const SECRET = 'unrecordable-webhook-secret-0123456789';
const INTEGRATION_ID = '73cb7fb7-c2db-4996-88f3-0a83a4fea1da';

type Notification = Record<string, unknown> & {
  id: string;
  channel: Record<string, unknown> & { messageId: string };
  content: { template: Record<string, unknown> }[];
};

const notification = (change: (body: Notification) => void): string => {
  const body = JSON.parse(
    fixtureBytes('genesys/outbound-structured-notification.json').toString('utf8'),
  ) as Notification;
  const messageId = randomUUID();
  body.id = messageId;
  body.channel.messageId = messageId;
  change(body);
  return JSON.stringify(body);
};

const eventCount = async (pool: Pool) =>
  Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0]!.n);

describe('signed Genesys webhooks holding values the event cannot record', () => {
  let bridge: TestBridge;

  beforeAll(async () => {
    bridge = await startTestBridge('unrecordable');
    const created = await bridge.internal.inject({
      method: 'POST',
      url: '/admin/tenants',
      headers: { authorization: `Bearer ${bridge.adminToken}` },
      payload: {
        tenantId: 'tenant-unrecordable',
        genesysIntegrationId: INTEGRATION_ID,
        genesysWebhookSecret: SECRET,
        genesysRegion: 'usw2.pure.cloud',
        whatsapp: { phoneNumberId: '106540352242922', accessToken: 'EAAJ-unrecordable' },
      },
    });
    expect(created.statusCode).toBe(201);
  });
  afterAll(() => bridge.close());

  const post = (body: string) =>
    bridge.app.inject({
      method: 'POST',
      url: '/webhook/genesys',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': genesysSignature(SECRET, body) },
      payload: body,
    });

  it.each([
    ['a 600-character template id', (b: Notification) => (b.content[0]!.template.id = 't'.repeat(600)), 'id'],
    [
      'a one-letter template language',
      (b: Notification) => (b.content[0]!.template.language = 'x'),
      'language',
    ],
    [
      'a 40-character template language',
      (b: Notification) => (b.content[0]!.template.language = 'l'.repeat(40)),
      'language',
    ],
  ])('answers 422 naming the field for %s, and stores nothing', async (_what, change, field) => {
    const before = await eventCount(bridge.connections.pool);
    const response = await post(notification(change));
    expect(response.statusCode).toBe(422);
    const answer = response.json() as { error: string; message: string; issues: { path: string }[] };
    expect(answer).toMatchObject({ error: 'SchemaMismatch', message: expect.any(String) });
    expect(answer.issues.map((issue) => issue.path)).toContainEqual(
      expect.stringMatching(new RegExp(`${field}$`)),
    );
    expect(await eventCount(bridge.connections.pool)).toBe(before);
  });

  it('accepts a message whose channel.time no event can hold, leaving the time out', async () => {
    const response = await post(notification((b) => (b.channel.time = '+275760-09-13T00:00:00.000Z')));
    expect(response.statusCode).toBe(200);
    const { rows } = await bridge.connections.pool.query<{ data: Record<string, unknown> }>(
      "SELECT data FROM events WHERE event_id = $1 AND type = 'WebhookReceived'",
      [(response.json() as { eventId: string }).eventId],
    );
    expect(rows[0]!.data).not.toHaveProperty('genesysMessageTime');
  });

  it('still accepts a template with an id and a language the event takes', async () => {
    const response = await post(
      notification((b) => Object.assign(b.content[0]!.template, { id: 'ns@welcome', language: 'en_US' })),
    );
    expect(response.statusCode).toBe(200);
  });
});
