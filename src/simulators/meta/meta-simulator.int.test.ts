import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFixture } from '../common/fixtures';
import { MetaSimulator } from './meta-simulator';

const phoneNumberId = '106540352242922';
const token = 'EAAG-simulator-test-token';
const sim = new MetaSimulator({ phoneNumbers: { [phoneNumberId]: token } });

beforeAll(() => sim.start());
afterEach(() => {
  sim.clearFaults();
  sim.sentMessages.length = 0;
});
afterAll(() => sim.stop());

const post = (path: string, body: unknown, authorization: string | null = `Bearer ${token}`) =>
  fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const text = { messaging_product: 'whatsapp', to: '+16505551234', type: 'text', text: { body: 'Hi' } };

/** The keys of a JSON value, recursively: two values with the same skeleton have the same shape. */
const skeleton = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(skeleton)
    : typeof value === 'object' && value !== null
      ? Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, skeleton(inner)]))
      : typeof value;

describe('Meta simulator over HTTP', () => {
  it('listens on 127.0.0.1 only', () => expect(new URL(sim.url).hostname).toBe('127.0.0.1'));

  it('answers a send with exactly the shape of fixtures/meta/send-response.json', async () => {
    const response = await post(`/v21.0/${phoneNumberId}/messages`, text);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      contacts: { input: string; wa_id: string }[];
      messages: { id: string }[];
    };
    const fixture: unknown = JSON.parse(readFixture('meta/send-response.json').toString('utf8'));
    expect(skeleton(body)).toEqual(skeleton(fixture));
    expect(body.contacts[0]).toEqual({ input: '+16505551234', wa_id: '16505551234' });
    expect(body.messages[0]!.id).toBe(sim.sentMessages[0]!.wamid);
  });

  it('gives every message a fresh wamid', async () => {
    await post(`/v21.0/${phoneNumberId}/messages`, text);
    await post(`/v21.0/${phoneNumberId}/messages`, text);
    const [first, second] = await sim.waitForMessages(2, 1_000);
    expect(first!.wamid).not.toBe(second!.wamid);
  });

  it('answers a planned failure body byte for byte, with the chosen status', async () => {
    const fixture = readFixture('meta/error-130429.json');
    sim.failNext({ status: 400, body: fixture.toString('utf8') });
    const response = await post(`/v21.0/${phoneNumberId}/messages`, text);
    expect(response.status).toBe(400);
    expect(Buffer.from(await response.arrayBuffer()).equals(fixture)).toBe(true);
  });

  it('fails only `count` requests, then answers normally again', async () => {
    sim.failNext({ metaErrorCode: 131000, count: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i += 1)
      statuses.push((await post(`/v21.0/${phoneNumberId}/messages`, text)).status);
    expect(statuses).toEqual([500, 500, 200]);
  });

  it('waits delayMs before answering a planned failure', async () => {
    sim.failNext({ metaErrorCode: 131016, delayMs: 150 });
    const started = Date.now();
    const response = await post(`/v21.0/${phoneNumberId}/messages`, text);
    expect(response.status).toBe(503);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it.each([
    ['a body that is not JSON', '{"messaging_product":'],
    ['another messaging product', { ...text, messaging_product: 'sms' }],
    ['an unknown type', { ...text, type: 'location' }],
    ['a type without its object', { messaging_product: 'whatsapp', to: '1', type: 'image' }],
    ['no recipient', { messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } }],
  ])('refuses %s with HTTP 400 and Meta error 100', async (_what, body) => {
    const response = await post(`/v21.0/${phoneNumberId}/messages`, body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: 100, type: 'OAuthException', error_data: { messaging_product: 'whatsapp' } },
    });
    expect(sim.sentMessages).toHaveLength(0);
  });

  it('refuses a wrong token with HTTP 401 and OAuthException 190', async () => {
    const response = await post(`/v21.0/${phoneNumberId}/messages`, text, 'Bearer nope');
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 190, type: 'OAuthException' } });
  });

  it('refuses a request without a token', async () => {
    const response = await post(`/v21.0/${phoneNumberId}/messages`, text, null);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 2500 } });
  });

  it('records every request, body bytes included', async () => {
    const before = sim.requests.length;
    await post(`/v21.0/${phoneNumberId}/messages`, text);
    expect(sim.requests).toHaveLength(before + 1);
    expect(JSON.parse(sim.requests.at(-1)!.body.toString('utf8'))).toEqual(text);
  });

  it('rejects waitForMessages when too few messages arrive in time', async () => {
    await expect(sim.waitForMessages(1, 50)).rejects.toThrow('0 of 1 messages sent');
  });

  describe('status webhooks', () => {
    let receiver: Server;
    let receiverUrl: string;
    const received: { body: Buffer; signature: string | undefined }[] = [];
    const appSecret = 'meta-app-secret-for-tests';

    beforeAll(async () => {
      receiver = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          received.push({
            body: Buffer.concat(chunks),
            signature: request.headers['x-hub-signature-256'] as string | undefined,
          });
          response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook/meta`;
    });
    afterEach(() => {
      received.length = 0;
    });
    afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

    const hexSignature = (body: Buffer) =>
      `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;

    it('sends a fixture byte for byte, signed with the HEX HMAC of exactly those bytes', async () => {
      const fixture = readFixture('meta/status-delivered.json');
      const delivery = await sim.sendStatusWebhook(receiverUrl, appSecret, fixture);
      expect(delivery.status).toBe(200);
      expect(received[0]!.body.equals(fixture)).toBe(true);
      expect(received[0]!.signature).toBe(hexSignature(fixture));
    });

    it('wraps a short update in the fixtures envelope, with the sent message details', async () => {
      await post(`/v21.0/${phoneNumberId}/messages`, { ...text, biz_opaque_callback_data: 'genesys-msg-1' });
      const [sent] = await sim.waitForMessages(1);
      await sim.sendStatusWebhook(receiverUrl, appSecret, {
        wamid: sent!.wamid,
        status: 'read',
        timestamp: 1760659226,
        recipientId: sent!.waId,
      });
      const { body, signature } = received[0]!;
      expect(signature).toBe(hexSignature(body));
      const valueOf = (webhook: unknown) =>
        (
          webhook as {
            entry: { changes: { value: { metadata: unknown; statuses: Record<string, unknown>[] } }[] }[];
          }
        ).entry[0]!.changes[0]!.value;
      const payload: unknown = JSON.parse(body.toString('utf8'));
      const fixture: unknown = JSON.parse(readFixture('meta/status-read.json').toString('utf8'));
      const { biz_opaque_callback_data: callbackData, ...status } = valueOf(payload).statuses[0]!;
      expect(callbackData).toBe('genesys-msg-1');
      expect(status).toMatchObject({
        id: sent!.wamid,
        status: 'read',
        timestamp: '1760659226',
        recipient_id: '16505551234',
      });
      expect(skeleton(status)).toEqual(skeleton(valueOf(fixture).statuses[0]));
      expect(valueOf(payload).metadata).toMatchObject({ phone_number_id: phoneNumberId });
      expect(skeleton({ ...(payload as object), entry: [] })).toEqual(
        skeleton({ ...(fixture as object), entry: [] }),
      );
    });

    it('reports a send addressed by business-scoped user id with recipient_user_id and no recipient_id', async () => {
      const { to: _to, ...withoutTo } = text;
      const bsuid = 'US.13491208655302741918';
      const answer = await post(`/v21.0/${phoneNumberId}/messages`, { ...withoutTo, recipient: bsuid });
      expect(answer.status).toBe(200);
      const [sent] = await sim.waitForMessages(1);
      expect(sent).toMatchObject({ userId: bsuid, waId: '' });
      await sim.sendStatusWebhook(receiverUrl, appSecret, { wamid: sent!.wamid, status: 'delivered' });
      const payload = JSON.parse(received[0]!.body.toString('utf8')) as {
        entry: { changes: { value: { statuses: Record<string, unknown>[] } }[] }[];
      };
      const status = payload.entry[0]!.changes[0]!.value.statuses[0]!;
      expect(status).toMatchObject({ id: sent!.wamid, status: 'delivered', recipient_user_id: bsuid });
      expect(status).not.toHaveProperty('recipient_id');
    });

    it('builds a failed status with Meta errors[] like fixtures/meta/status-failed-131049.json', async () => {
      await sim.sendStatusWebhook(receiverUrl, appSecret, {
        wamid: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA',
        status: 'failed',
        timestamp: 1751142888,
        recipientId: '16505551234',
        errors: [
          {
            code: 131049,
            title: 'This message was not delivered to maintain healthy ecosystem engagement.',
            details:
              'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
          },
        ],
      });
      const fixture: unknown = JSON.parse(readFixture('meta/status-failed-131049.json').toString('utf8'));
      expect(JSON.parse(received[0]!.body.toString('utf8'))).toEqual(fixture);
    });
  });
});
