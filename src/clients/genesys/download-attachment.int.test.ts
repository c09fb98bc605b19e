import { genesysWithClient } from '../../../test/support/genesys-client';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startByteServer, type ByteServer } from '../../simulators/common/byte-server';
import { readFixture } from '../../simulators/common/fixtures';
import { downloadAttachment, type DownloadAttachmentRequest } from './download-attachment';

interface AttachmentWebhook {
  content: { attachment: { url: string; mime: string; contentSizeBytes: number } }[];
}
const attachmentOf = (fixture: string) =>
  (JSON.parse(readFixture(fixture).toString('utf8')) as AttachmentWebhook).content[0]!.attachment;

// The real URLs from the fixtures, byte for byte; requests reach the simulator through the origin override.
const documentUrl = attachmentOf('genesys/outbound-attachment-document.json').url;
const imageUrl = attachmentOf('genesys/outbound-attachment-image.json').url;
const signedHost = 'genesys-attachments.s3.amazonaws.com';
const downloadHosts = ['api-downloads.usw2.pure.cloud', 'api-downloads.mypurecloud.ie'];

const genesys = genesysWithClient('download-client', { signedUrlOrigin: `https://${signedHost}` });
const { sim } = genesys;
const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(10_231, 0x41)]);
const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(2_436, 3)]);
let elsewhere: ByteServer;
let endless: Server;
let endlessUrl: string;

beforeAll(async () => {
  sim.addAttachment('pce1234456', pdf, 'application/pdf');
  sim.addAttachment('pce9ac7dc17eab202a3', png, 'image/png', { redirect: 'signed' });
  elsewhere = await startByteServer({ '/stolen': { bytes: Buffer.from('internal data') } });
  sim.addAttachment('to-elsewhere', pdf, 'application/pdf', { redirect: `${elsewhere.url}/stolen` });
  // Streams without Content-Length and never ends on its own: only the byte cap can stop the download.
  endless = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/octet-stream' });
    const chunk = Buffer.alloc(64 * 1024, 1);
    const timer = setInterval(() => response.write(chunk), 1);
    response.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => endless.listen(0, '127.0.0.1', resolve));
  endlessUrl = `http://127.0.0.1:${(endless.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await elsewhere.close();
  endless.closeAllConnections();
  await new Promise<void>((resolve) => endless.close(() => resolve()));
});

const download = (overrides: Partial<DownloadAttachmentRequest> = {}) =>
  downloadAttachment({
    url: documentUrl,
    accessToken: genesys.accessToken(),
    allowedHosts: downloadHosts,
    originOverride: sim.url,
    maxBytes: 1024 * 1024,
    timeoutMs: 2_000,
    ...overrides,
  });

const expectNoToken = (result: unknown) =>
  expect(JSON.stringify(result)).not.toContain(genesys.accessToken());

describe('downloadAttachment against the Genesys simulator', () => {
  it('downloads the fixture attachment with the bearer token', async () => {
    const result = await download();
    expect(result).toEqual({ ok: true, bytes: pdf, mime: 'application/pdf', size: pdf.length });
    const request = sim.requests.at(-1)!;
    expect(request.path).toBe('/api/v2/downloads/pce1234456');
    expect(request.headers.authorization).toBe(`Bearer ${genesys.accessToken()}`);
  });

  it('follows the signed redirect to an allowed host without handing it the bearer token', async () => {
    const before = sim.requests.length;
    const result = await download({ url: imageUrl, allowedHosts: [...downloadHosts, signedHost] });
    expect(result).toEqual({ ok: true, bytes: png, mime: 'image/png', size: png.length });
    const [first, second] = sim.requests.slice(before);
    expect(first!.headers.authorization).toBe(`Bearer ${genesys.accessToken()}`);
    expect(second!.path).toBe('/signed-downloads/pce9ac7dc17eab202a3');
    expect(second!.headers.authorization).toBeUndefined();
  });

  it('refuses a signed redirect to a host outside the allowlist, after one request only', async () => {
    const before = sim.requests.length;
    const result = await download({ url: imageUrl });
    expect(result).toMatchObject({ ok: false, error: { kind: 'forbidden-host' } });
    expect(sim.requests.length - before).toBe(1);
  });

  it('refuses a URL on a foreign host without making any request', async () => {
    const before = sim.requests.length;
    const result = await download({ url: 'https://evil.example/api/v2/downloads/pce1234456' });
    expect(result).toMatchObject({ ok: false, error: { kind: 'forbidden-host' } });
    expect(sim.requests.length).toBe(before);
  });

  it('refuses a URL pointing at a reachable internal server: no request reaches it', async () => {
    const result = await download({ url: `${elsewhere.url}/stolen`, originOverride: undefined });
    expect(result).toMatchObject({ ok: false, error: { kind: 'forbidden-host' } });
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('refuses plain http without an origin override', async () => {
    const before = sim.requests.length;
    const result = await download({ url: documentUrl.replace('https:', 'http:'), originOverride: undefined });
    expect(result).toMatchObject({ ok: false, error: { kind: 'forbidden-host' } });
    expect(sim.requests.length).toBe(before);
  });

  it('refuses a redirect to a foreign host and never follows it', async () => {
    const before = sim.requests.length;
    const result = await download({
      url: 'https://api-downloads.usw2.pure.cloud/api/v2/downloads/to-elsewhere',
    });
    expect(result).toMatchObject({ ok: false, error: { kind: 'forbidden-host' } });
    expect(sim.requests.length - before).toBe(1);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('gives up on a redirect loop', async () => {
    const loop = 'https://api-downloads.usw2.pure.cloud/api/v2/downloads/loop';
    sim.addAttachment('loop', pdf, 'application/pdf', { redirect: loop });
    expect(await download({ url: loop })).toMatchObject({
      ok: false,
      error: { kind: 'permanent', title: expect.stringContaining('too many redirects') },
    });
  });

  it('accepts an attachment of exactly maxBytes', async () =>
    expect(await download({ maxBytes: pdf.length })).toMatchObject({ ok: true, size: pdf.length }));

  it('refuses an attachment over maxBytes (declared length)', async () =>
    expect(await download({ maxBytes: pdf.length - 1 })).toMatchObject({
      ok: false,
      error: { kind: 'too-large' },
    }));

  it('stops reading a body without length once it passes maxBytes', async () => {
    const started = Date.now();
    const result = await download({ originOverride: endlessUrl, maxBytes: 256 * 1024, timeoutMs: 5_000 });
    expect(result).toMatchObject({ ok: false, error: { kind: 'too-large' } });
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('answers unauthorized when the token is no longer accepted, and works again with a new one', async () => {
    const stale = await download({ accessToken: 'stale-token-value' });
    expect(stale).toMatchObject({ ok: false, error: { kind: 'unauthorized', httpStatus: 401 } });
    expect(JSON.stringify(stale)).not.toContain('stale-token-value');
  });

  it('answers permanent for an attachment Genesys does not know', async () =>
    expect(
      await download({ url: 'https://api-downloads.usw2.pure.cloud/api/v2/downloads/unknown' }),
    ).toMatchObject({ ok: false, error: { kind: 'permanent', httpStatus: 404, code: 'not.found' } }));

  it('answers rate-limited with Retry-After, retryable for 5xx and timeouts', async () => {
    sim.failNext({ route: 'download', key: 'pce1234456', status: 429, retryAfterSeconds: 2 });
    const limited = await download();
    expect(limited).toMatchObject({ ok: false, error: { kind: 'rate-limited', retryAfterMs: 2000 } });
    sim.failNext({ route: 'download', status: 502 });
    expect(await download()).toMatchObject({ ok: false, error: { kind: 'retryable', httpStatus: 502 } });
    sim.timeoutNext(1, { route: 'download' });
    const timedOut = await download({ timeoutMs: 200 });
    expect(timedOut).toMatchObject({ ok: false, error: { kind: 'retryable' } });
    for (const result of [limited, timedOut]) expectNoToken(result);
  });
});
