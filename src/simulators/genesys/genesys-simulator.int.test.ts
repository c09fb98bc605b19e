import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFixture } from '../common/fixtures';
import { GenesysSimulator } from './genesys-simulator';
import { sendGenesysWebhook } from './genesys-webhook';

const clientId = 'sim-client';
const clientSecret = 'sim-client-secret';
const sim = new GenesysSimulator({ clients: { [clientId]: clientSecret }, tokenTtlSeconds: 3600 });
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

const token = async (): Promise<string> => {
  const response = await fetch(`${sim.url}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: basic(clientId, clientSecret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  return ((await response.json()) as { access_token: string }).access_token;
};

beforeAll(() => sim.start());
afterEach(() => sim.clearFaults());
afterAll(() => sim.stop());

describe('Genesys simulator over HTTP', () => {
  it('listens on 127.0.0.1 only', () => expect(new URL(sim.url).hostname).toBe('127.0.0.1'));

  it('answers the client-credentials grant like Genesys', async () => {
    const response = await fetch(`${sim.url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: basic(clientId, clientSecret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 3600,
    });
  });

  it('refuses another grant type', async () => {
    const response = await fetch(`${sim.url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: basic(clientId, clientSecret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=password',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('counts every token request, refused ones included', async () => {
    const before = { requests: sim.tokenRequests, issued: sim.tokensIssued };
    await fetch(`${sim.url}/oauth/token`, {
      method: 'POST',
      headers: { authorization: basic(clientId, 'no') },
    });
    await token();
    expect(sim.tokenRequests).toBe(before.requests + 2);
    expect(sim.tokensIssued).toBe(before.issued + 1);
  });

  it('serves an attachment only with a token it issued, and stops accepting revoked tokens', async () => {
    const path = sim.addAttachment('att-1', Buffer.from('hello'), 'text/plain');
    expect(path).toBe('/api/v2/downloads/att-1');
    expect((await fetch(`${sim.url}${path}`)).status).toBe(401);
    const bearer = await token();
    const ok = await fetch(`${sim.url}${path}`, { headers: { authorization: `Bearer ${bearer}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/plain');
    expect(await ok.text()).toBe('hello');
    sim.revokeTokens();
    const revoked = await fetch(`${sim.url}${path}`, { headers: { authorization: `Bearer ${bearer}` } });
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ code: 'bad.credentials', status: 401 });
  });

  it('answers 404 with a Genesys error body for an unknown attachment', async () => {
    const response = await fetch(`${sim.url}/api/v2/downloads/nope`, {
      headers: { authorization: `Bearer ${await token()}` },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      code: 'not.found',
      status: 404,
      contextId: expect.any(String),
    });
  });

  it('redirects to a signed URL that works without the token and refuses a tampered signature', async () => {
    sim.addAttachment('att-signed', Buffer.from('signed bytes'), 'application/pdf', { redirect: 'signed' });
    const redirect = await fetch(`${sim.url}/api/v2/downloads/att-signed`, {
      headers: { authorization: `Bearer ${await token()}` },
      redirect: 'manual',
    });
    expect(redirect.status).toBe(303);
    const location = redirect.headers.get('location')!;
    expect(location).toMatch(/^\/signed-downloads\/att-signed\?/);
    expect(await (await fetch(`${sim.url}${location}`)).text()).toBe('signed bytes');
    expect(
      (await fetch(`${sim.url}${location.replace(/Signature=[0-9a-f]+/, `Signature=${'0'.repeat(64)}`)}`))
        .status,
    ).toBe(403);
    const withBearer = await fetch(`${sim.url}${location}`, { headers: { authorization: 'Bearer x' } });
    expect(withBearer.status).toBe(400);
  });

  it('answers a planned 429 with Retry-After, only for the planned route', async () => {
    sim.failNext({ route: 'receipt', status: 429 });
    const bearer = await token();
    const receipt = readFixture('genesys/inbound-receipt-request-failed.json');
    const post = () =>
      fetch(`${sim.url}/api/v2/conversations/messages/abc/inbound/open/receipt`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: receipt,
      });
    const limited = await post();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toMatchObject({ code: 'too.many.requests', status: 429 });
    const accepted = await post();
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual(JSON.parse(receipt.toString('utf8')));
  });

  it('refuses a receipt without a bearer token and records nothing', async () => {
    const before = sim.receipts.length;
    const response = await fetch(`${sim.url}/api/v2/conversations/messages/abc/inbound/open/receipt`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: readFixture('genesys/inbound-receipt-request-failed.json'),
    });
    expect(response.status).toBe(401);
    expect(sim.receipts).toHaveLength(before);
  });

  it('delays answers by the configured latency', async () => {
    sim.setLatency(120, { route: 'token' });
    const started = Date.now();
    await token();
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });

  describe('sendGenesysWebhook', () => {
    let receiver: Server;
    let url: string;
    const received: { body: Buffer; signature: string | undefined; contentType: string | undefined }[] = [];

    beforeAll(async () => {
      receiver = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          received.push({
            body: Buffer.concat(chunks),
            signature: request.headers['x-hub-signature-256'] as string | undefined,
            contentType: request.headers['content-type'],
          });
          response.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":true}');
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook/genesys`;
    });
    afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

    it('posts the raw fixture bytes (TABs included) with the BASE64 signature of exactly those bytes', async () => {
      const secret = 'integration-webhook-secret';
      const fixture = readFixture('genesys/inbound-message-text-request.json');
      const delivery = await sendGenesysWebhook(url, secret, fixture);
      expect(delivery).toMatchObject({ status: 200, body: '{"accepted":true}' });
      const [got] = received;
      expect(got!.body.equals(fixture)).toBe(true);
      expect(got!.contentType).toBe('application/json');
      expect(got!.signature).toBe(`sha256=${createHmac('sha256', secret).update(fixture).digest('base64')}`);
    });
  });
});
