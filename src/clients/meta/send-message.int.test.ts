import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startByteServer, type ByteServer } from '../../simulators/common/byte-server';
import { readFixture } from '../../simulators/common/fixtures';
import { MetaSimulator } from '../../simulators/meta/meta-simulator';
import { sendMessage, type MetaMessageBody, type SendMessageResult } from './send-message';

const phoneNumberId = '106540352242922';
const otherPhoneNumberId = '253928731128192';
const accessToken = 'EAAG-test-token-for-phone-a';
const otherAccessToken = 'EAAG-test-token-for-phone-b';
const secrets = [accessToken, otherAccessToken];

const textBody: MetaMessageBody = {
  messaging_product: 'whatsapp',
  to: '+16505551234',
  type: 'text',
  text: { body: 'Hello World' },
  biz_opaque_callback_data: 'c327c2078ca056db130c55ce648d9fa2',
};

const sim = new MetaSimulator({
  phoneNumbers: { [phoneNumberId]: accessToken, [otherPhoneNumberId]: otherAccessToken },
});
let media: ByteServer;
const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(2436, 7)]);

beforeAll(async () => {
  await sim.start();
  media = await startByteServer({
    '/media-outbound/t1/outbound/images/2026-03-25/a.png': { bytes: png, contentType: 'image/png' },
  });
});
afterEach(() => {
  sim.clearFaults();
  sim.sentMessages.length = 0;
});
afterAll(async () => {
  await sim.stop();
  await media.close();
});

const send = (
  overrides: { body?: MetaMessageBody; token?: string; phone?: string; timeoutMs?: number } = {},
) =>
  sendMessage({
    graphUrl: sim.url,
    version: 'v21.0',
    phoneNumberId: overrides.phone ?? phoneNumberId,
    accessToken: overrides.token ?? accessToken,
    body: overrides.body ?? textBody,
    timeoutMs: overrides.timeoutMs ?? 2_000,
  });

/** No token may appear anywhere in a failure: title, details, code, anything. */
const expectFailureWithoutSecrets = (result: SendMessageResult) => {
  expect(result.ok).toBe(false);
  const text = JSON.stringify(result);
  for (const secret of secrets) expect(text).not.toContain(secret);
};

describe('sendMessage against the Meta simulator', () => {
  it('sends to a business-scoped user id by `recipient`, and returns the user id Meta answered', async () => {
    const { to: _to, ...rest } = textBody;
    const result = await send({ body: { ...rest, recipient: 'US.13491208655302741918' } });
    const [sent] = sim.sentMessages;
    expect(result).toEqual({ ok: true, wamid: sent!.wamid, userId: 'US.13491208655302741918' });
    expect(sent).toMatchObject({ userId: 'US.13491208655302741918', waId: '' });
    expect(sent!.body).not.toHaveProperty('to');
  });

  it('is refused by Meta with neither `to` nor a well-formed `recipient`', async () => {
    const { to: _to, ...rest } = textBody;
    expect(await send({ body: { ...rest, recipient: 'not-a-bsuid' } })).toMatchObject({
      ok: false,
      error: { httpStatus: 400 },
    });
    expect(await send({ body: rest as MetaMessageBody })).toMatchObject({
      ok: false,
      error: { httpStatus: 400 },
    });
    expect(sim.sentMessages).toHaveLength(0);
  });

  it('sends a text and returns the wamid and wa_id Meta answered', async () => {
    const result = await send();
    const [sent] = sim.sentMessages;
    expect(result).toEqual({ ok: true, wamid: sent!.wamid, waId: '16505551234' });
    expect(sent!.wamid).toMatch(/^wamid\.[A-Za-z0-9+/]+=*$/);
    expect(sent!.body).toEqual(textBody);
    const request = sim.requests.at(-1)!;
    expect(request.path).toBe(`/v21.0/${phoneNumberId}/messages`);
    expect(request.headers.authorization).toBe(`Bearer ${accessToken}`);
    expect(request.headers['content-type']).toBe('application/json');
  });

  it.each([429, 400])(
    'reads the 130429 fixture body (HTTP %i) as a rate limit, with Meta details and trace id',
    async (status) => {
      sim.failNext({ status, body: readFixture('meta/error-130429.json').toString('utf8') });
      const result = await send();
      expectFailureWithoutSecrets(result);
      expect(result).toEqual({
        ok: false,
        error: {
          kind: 'rate-limited',
          code: 130429,
          httpStatus: status,
          title: '(#130429) Rate limit hit',
          details:
            'Message failed to send because there were too many messages sent from this phone number in a short period of time',
          fbtraceId: 'Az8or2yhqkZfEZ-_4Qn_Bam',
        },
      });
    },
  );

  it('passes a Retry-After on as retryAfterMs', async () => {
    sim.failNext({ metaErrorCode: 131056, retryAfterSeconds: 7 });
    const result = await send();
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'rate-limited', code: 131056, retryAfterMs: 7000 },
    });
  });

  it.each([
    [131000, 500],
    [131016, 503],
  ])('classifies Meta code %i (HTTP %i) as retryable', async (code, status) => {
    sim.failNext({ metaErrorCode: code });
    const result = await send();
    expectFailureWithoutSecrets(result);
    expect(result).toMatchObject({ ok: false, error: { kind: 'retryable', code, httpStatus: status } });
  });

  it('classifies a bare 502 from a proxy as an unknown outcome: Meta may have taken the message', async () => {
    sim.failNext({ status: 502, body: '<html>Bad Gateway</html>' });
    expect(await send()).toMatchObject({ ok: false, error: { kind: 'unknown-outcome', httpStatus: 502 } });
  });

  it('classifies 131026 (undeliverable) as permanent', async () => {
    sim.failNext({ metaErrorCode: 131026 });
    const result = await send();
    expectFailureWithoutSecrets(result);
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'permanent', code: 131026, httpStatus: 400, title: '(#131026) Message Undeliverable' },
    });
  });

  it('answers unknown-outcome on a timeout, because Meta may have sent the message anyway', async () => {
    sim.timeoutNext(1, { processed: true });
    const started = Date.now();
    const result = await send({ timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expectFailureWithoutSecrets(result);
    expect(result).toMatchObject({ ok: false, error: { kind: 'unknown-outcome' } });
    expect(sim.sentMessages).toHaveLength(1); // it was sent: a blind resend would duplicate it
  });

  it('answers unknown-outcome when the connection is reset after the request was sent', async () => {
    sim.resetNext(1, { processed: true });
    const result = await send();
    expectFailureWithoutSecrets(result);
    expect(result).toMatchObject({ ok: false, error: { kind: 'unknown-outcome' } });
    expect(sim.sentMessages).toHaveLength(1);
  });

  it('answers retryable when the connection is refused: nothing was sent', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await sendMessage({
      graphUrl: `http://127.0.0.1:${port}`,
      version: 'v21.0',
      phoneNumberId,
      accessToken,
      body: textBody,
      timeoutMs: 2_000,
    });
    expectFailureWithoutSecrets(result);
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'retryable', title: expect.stringContaining('ECONNREFUSED') },
    });
  });

  it('answers unknown-outcome for a 2xx without a wamid', async () => {
    sim.failNext({ status: 200, body: '{"messaging_product":"whatsapp"}' });
    expect(await send()).toMatchObject({ ok: false, error: { kind: 'unknown-outcome', httpStatus: 200 } });
  });

  it('refuses a wrong token with code 190, permanently, never echoing either token', async () => {
    const wrong = 'EAAG-wrong-token-value';
    const result = await send({ token: wrong });
    expectFailureWithoutSecrets(result);
    expect(JSON.stringify(result)).not.toContain(wrong);
    expect(result).toMatchObject({ ok: false, error: { kind: 'permanent', code: 190, httpStatus: 401 } });
    expect(sim.sentMessages).toHaveLength(0);
  });

  it('scrubs the token when Meta echoes it back in an error', async () => {
    sim.failNext({
      status: 401,
      body: {
        error: { message: `Malformed access token ${accessToken}`, type: 'OAuthException', code: 190 },
      },
    });
    const result = await send();
    expectFailureWithoutSecrets(result);
    expect(result).toMatchObject({ ok: false, error: { title: 'Malformed access token [redacted]' } });
  });

  it("refuses another phone number's token for this phone number", async () => {
    const result = await send({ token: otherAccessToken });
    expectFailureWithoutSecrets(result);
    expect(result).toMatchObject({ ok: false, error: { kind: 'permanent', code: 100, httpStatus: 400 } });
  });

  it('keeps a fault planned for one phone number away from another', async () => {
    sim.failNext({ metaErrorCode: 130429, phoneNumberId: otherPhoneNumberId });
    expect((await send()).ok).toBe(true);
    expect(await send({ phone: otherPhoneNumberId, token: otherAccessToken })).toMatchObject({
      ok: false,
      error: { code: 130429 },
    });
  });

  it('waits out simulated latency within its timeout, and gives up beyond it', async () => {
    sim.setLatency(150);
    expect((await send({ timeoutMs: 2_000 })).ok).toBe(true);
    expect(await send({ timeoutMs: 50 })).toMatchObject({ ok: false, error: { kind: 'unknown-outcome' } });
    // The simulator still handles the request it was too slow to answer: exactly the unknown outcome.
    await sim.waitForMessages(2, 2_000);
  });

  it('sends an image by link: Meta fetches the link itself, without credentials', async () => {
    const link = `${media.url}/media-outbound/t1/outbound/images/2026-03-25/a.png`;
    const result = await send({
      body: {
        messaging_product: 'whatsapp',
        to: '+16505551234',
        type: 'image',
        image: { link, caption: 'Header' },
      },
    });
    expect(result.ok).toBe(true);
    expect(sim.sentMessages[0]!.media).toEqual({
      link,
      ok: true,
      status: 200,
      length: png.length,
      sha256: createHash('sha256').update(png).digest('hex'),
      contentType: 'image/png',
    });
    expect(media.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: '/media-outbound/t1/outbound/images/2026-03-25/a.png',
    });
    expect(media.requests.at(-1)!.headers.authorization).toBeUndefined();
  });

  it('fails the send with 131053 (permanent) when Meta cannot fetch the link', async () => {
    const result = await send({
      body: {
        messaging_product: 'whatsapp',
        to: '+16505551234',
        type: 'document',
        document: { link: `${media.url}/missing.pdf`, filename: 'file.pdf' },
      },
    });
    expectFailureWithoutSecrets(result);
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'permanent', code: 131053, details: expect.stringContaining('http code 404') },
    });
    expect(sim.sentMessages).toHaveLength(0);
  });
});
