import { createHash } from 'node:crypto';
import { MetaSimulator } from './meta-simulator';

const phoneNumberId = '106540352242922';
const token = 'EAAG-media-test-token';
const otherPhone = '106540352240000';
const otherToken = 'EAAG-other-number-token';
let clock = Date.parse('2026-12-06T10:00:00Z');
const sim = new MetaSimulator({
  phoneNumbers: { [phoneNumberId]: token, [otherPhone]: otherToken },
  now: () => clock,
});
const bytes = Buffer.from('\x89PNG\r\n\x1a\n not really a png, but bytes all the same');

beforeAll(() => sim.start());
beforeEach(() => {
  sim.clearFaults();
  sim.setMediaUrlTtl(5 * 60_000);
  sim.addMedia('1037543291543636', bytes, 'image/png', { phoneNumberId });
});
afterAll(() => sim.stop());

const get = (url: string, bearer: string | null = token) =>
  fetch(url, { headers: bearer === null ? {} : { authorization: `Bearer ${bearer}` } });

interface Lookup {
  messaging_product: string;
  url: string;
  mime_type: string;
  sha256: string;
  file_size: number;
  id: string;
}

const lookup = async (mediaId = '1037543291543636', bearer: string | null = token) => {
  const response = await get(`${sim.url}/v21.0/${mediaId}`, bearer);
  return { status: response.status, body: (await response.json()) as Lookup & { error?: { code: number } } };
};

describe('Meta simulator: inbound media', () => {
  it("answers a lookup in the shape of Meta's media reference, with a URL on its own origin", async () => {
    const { status, body } = await lookup();
    expect(status).toBe(200);
    expect(body).toEqual({
      messaging_product: 'whatsapp',
      url: expect.stringMatching(
        /^http:\/\/127\.0\.0\.1:\d+\/whatsapp_business\/attachments\/\?mid=1037543291543636&/,
      ),
      mime_type: 'image/png',
      sha256: createHash('sha256').update(bytes).digest('hex'),
      file_size: bytes.length,
      id: '1037543291543636',
    });
    expect(new URL(body.url).origin).toBe(sim.url);
  });

  it('serves the bytes with Content-Type and Content-Length to the bearer of the phone number', async () => {
    const { body } = await lookup();
    const response = await get(body.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('content-length')).toBe(String(bytes.length));
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);
  });

  it('refuses the download without a bearer, with a wrong one, and with another number’s', async () => {
    const { body } = await lookup();
    expect((await get(body.url, null)).status).toBe(401);
    expect((await get(body.url, 'EAAG-wrong')).status).toBe(401);
    expect((await get(body.url, otherToken)).status).toBe(401);
    expect((await get(body.url)).status).toBe(200);
  });

  it('refuses the lookup to a wrong token (190) and hides the media from another number (100)', async () => {
    const wrong = await lookup(undefined, 'EAAG-wrong');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error?.code).toBe(190);
    const other = await lookup(undefined, otherToken);
    expect(other.status).toBe(400);
    expect(other.body.error?.code).toBe(100);
    const unknown = await lookup('999999');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.code).toBe(100);
  });

  it('expires the URL after the configured time; a fresh lookup gives a working one', async () => {
    sim.setMediaUrlTtl(1_000);
    const { body } = await lookup();
    clock += 1_000;
    expect((await get(body.url)).status).toBe(404);
    const fresh = await lookup();
    expect(fresh.body.url).not.toBe(body.url);
    expect((await get(fresh.body.url)).status).toBe(200);
  });

  it('hands out an already expired URL when asked to, once', async () => {
    sim.expireNextMediaUrls(1);
    const first = await lookup();
    expect((await get(first.body.url)).status).toBe(404);
    const second = await lookup();
    expect((await get(second.body.url)).status).toBe(200);
  });

  it('states a declared size and serves chunked, without Content-Length, when told to lie', async () => {
    sim.addMedia('555', bytes, 'application/pdf', { phoneNumberId, declaredFileSize: 3, chunked: true });
    const { body } = await lookup('555');
    expect(body.file_size).toBe(3);
    const response = await get(body.url);
    expect(response.headers.get('content-length')).toBeNull();
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);
  });

  it('applies planned faults per media route and phone number', async () => {
    sim.failNext({ route: 'media-download', phoneNumberId, status: 503, body: 'busy' });
    sim.failNext({ route: 'media-lookup', phoneNumberId: otherPhone, status: 500 });
    const { status, body } = await lookup();
    expect(status).toBe(200);
    expect((await get(body.url)).status).toBe(503);
    expect((await get(body.url)).status).toBe(200);
    sim.failNext({ route: 'media-lookup', status: 429, retryAfterSeconds: 2 });
    const limited = await get(`${sim.url}/v21.0/1037543291543636`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
  });

  it('can hold a download open (timeout fault)', async () => {
    const { body } = await lookup();
    sim.timeoutNext(1, { route: 'media-download' });
    await expect(
      fetch(body.url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow();
    expect(sim.mediaDownloads.length).toBeGreaterThan(0);
  });
});
