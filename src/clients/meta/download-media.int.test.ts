import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MetaSimulator } from '../../simulators/meta';
import { downloadMedia } from './download-media';
import { lookupMedia } from './lookup-media';

const phoneNumberId = '106540352242922';
const token = 'EAAG-download-test-token';
const sim = new MetaSimulator({ phoneNumbers: { [phoneNumberId]: token } });
const bytes = Buffer.alloc(4096, 7);

/** A loopback server answering whatever the test sets, recording the headers it got. */
interface Planned {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer;
}
let answer: (url: string) => Planned = () => ({ status: 404 });
const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
const other: Server = createServer((request, response) => {
  seen.push({ url: request.url ?? '', headers: request.headers });
  const planned = answer(request.url ?? '');
  response.writeHead(planned.status, planned.headers).end(planned.body);
});
let otherOrigin = '';

beforeAll(async () => {
  await sim.start();
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
});
beforeEach(() => {
  sim.clearFaults();
  seen.length = 0;
  sim.addMedia('42', bytes, 'image/jpeg', { phoneNumberId });
});
afterAll(async () => {
  await sim.stop();
  other.closeAllConnections();
  await new Promise((resolve) => other.close(resolve));
});

const urlFor = async (mediaId = '42') => {
  const lookup = await lookupMedia({
    graphUrl: sim.url,
    version: 'v21.0',
    mediaId,
    accessToken: token,
    phoneNumberId,
    timeoutMs: 2000,
  });
  if (!lookup.ok) throw new Error(lookup.error.title);
  return lookup.media;
};

const download = (url: string, overrides: Partial<Parameters<typeof downloadMedia>[0]> = {}) =>
  downloadMedia({
    url,
    accessToken: token,
    maxBytes: 1_000_000,
    timeoutMs: 2000,
    simulatorOrigin: sim.url,
    ...overrides,
  });

describe('lookupMedia', () => {
  it('reads the lookup answer and sends the bearer and phone_number_id', async () => {
    const media = await urlFor();
    expect(media).toMatchObject({ id: '42', mimeType: 'image/jpeg', fileSize: bytes.length });
    expect(media.sha256).toMatch(/^[0-9a-f]{64}$/);
    const request = sim.requests.at(-1)!;
    expect(request.path).toBe('/v21.0/42');
    expect(request.url).toContain('phone_number_id=106540352242922');
    expect(request.headers.authorization).toBe(`Bearer ${token}`);
  });

  it('gives unknown media as a permanent Graph error and a 5xx as retryable-or-unknown', async () => {
    const unknown = await lookupMedia({
      graphUrl: sim.url,
      version: 'v21.0',
      mediaId: '1',
      accessToken: token,
      timeoutMs: 2000,
    });
    expect(unknown).toMatchObject({ ok: false, error: { kind: 'permanent', code: 100 } });
    sim.failNext({ route: 'media-lookup', status: 503, metaErrorCode: 2 });
    const busy = await lookupMedia({
      graphUrl: sim.url,
      version: 'v21.0',
      mediaId: '42',
      accessToken: token,
      timeoutMs: 2000,
    });
    expect(busy).toMatchObject({ ok: false, error: { kind: 'retryable', httpStatus: 503 } });
  });
});

describe('downloadMedia', () => {
  it('downloads with the bearer', async () => {
    const result = await download((await urlFor()).url);
    expect(result).toMatchObject({ ok: true, mimeType: 'image/jpeg', size: bytes.length });
    if (result.ok) expect(result.bytes).toEqual(bytes);
    expect(sim.mediaDownloads.at(-1)!.headers.authorization).toBe(`Bearer ${token}`);
  });

  it('answers unavailable to a wrong bearer and to an expired URL', async () => {
    const { url } = await urlFor();
    expect(await download(url, { accessToken: 'EAAG-wrong' })).toMatchObject({
      ok: false,
      error: { kind: 'unavailable', httpStatus: 401 },
    });
    sim.expireNextMediaUrls(1);
    expect(await download((await urlFor()).url)).toMatchObject({
      ok: false,
      error: { kind: 'unavailable', httpStatus: 404 },
    });
  });

  it('refuses before sending anything when the stated size or Content-Length is over the cap', async () => {
    const before = sim.mediaDownloads.length;
    const { url } = await urlFor();
    expect(await download(url, { maxBytes: 100, expectedSize: bytes.length })).toMatchObject({
      ok: false,
      error: { kind: 'too-large' },
    });
    expect(sim.mediaDownloads.length).toBe(before);
    expect(await download(url, { maxBytes: 100 })).toMatchObject({ ok: false, error: { kind: 'too-large' } });
  });

  it('aborts during the transfer when a body without Content-Length grows past the cap', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 1);
    sim.addMedia('43', big, 'video/mp4', { phoneNumberId, chunked: true, declaredFileSize: 10 });
    const media = await urlFor('43');
    expect(media.fileSize).toBe(10);
    const result = await download(media.url, { maxBytes: 64 * 1024, expectedSize: media.fileSize });
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'too-large', title: expect.stringMatching(/aborted/) },
    });
  });

  it('gives 5xx, 429 and a timeout as transient', async () => {
    const { url } = await urlFor();
    sim.failNext({ route: 'media-download', status: 502, body: 'bad gateway' });
    expect(await download(url)).toMatchObject({ ok: false, error: { kind: 'transient', httpStatus: 502 } });
    sim.failNext({ route: 'media-download', status: 429, retryAfterSeconds: 3 });
    expect(await download(url)).toMatchObject({
      ok: false,
      error: { kind: 'transient', retryAfterMs: 3000 },
    });
    sim.timeoutNext(1, { route: 'media-download' });
    expect(await download(url, { timeoutMs: 200 })).toMatchObject({
      ok: false,
      error: { kind: 'transient' },
    });
  });

  it('never fetches a URL off Meta’s CDN, nor plain http without a simulator origin', async () => {
    expect(await download(`${otherOrigin}/x`)).toMatchObject({ ok: false, error: { kind: 'forbidden-url' } });
    const { url } = await urlFor();
    expect(
      await downloadMedia({ url, accessToken: token, maxBytes: 1_000_000, timeoutMs: 2000 }),
    ).toMatchObject({
      ok: false,
      error: { kind: 'forbidden-url', title: expect.stringMatching(/https only/) },
    });
    expect(seen).toHaveLength(0);
  });

  it('refuses a redirect to a foreign host without following it', async () => {
    answer = () => ({ status: 302, headers: { location: 'https://evil.example/steal' } });
    const result = await download(`${otherOrigin}/start`, { simulatorOrigin: otherOrigin });
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'forbidden-url', title: expect.stringMatching(/redirected/) },
    });
    expect(seen).toHaveLength(1);
  });

  it('follows a redirect within the allowed origin, with the bearer', async () => {
    answer = (url): Planned =>
      url === '/start'
        ? { status: 302, headers: { location: '/final' } }
        : { status: 200, headers: { 'content-type': 'audio/ogg' }, body: Buffer.from('ogg') };
    const result = await download(`${otherOrigin}/start`, { simulatorOrigin: otherOrigin });
    expect(result).toMatchObject({ ok: true, mimeType: 'audio/ogg', size: 3 });
    expect(seen.map((request) => request.headers.authorization)).toEqual([
      `Bearer ${token}`,
      `Bearer ${token}`,
    ]);
  });
});
