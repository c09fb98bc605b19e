import { createHash } from 'node:crypto';
import { createS3, ensureBucket, type S3 } from '../../infra/s3';
import { MetaSimulator } from '../../simulators/meta';
import { createNamespace } from '../../../test/support/namespace';
import { storeInboundMedia, type InboundMediaDeps, type InboundMediaInput } from './inbound-media';

const endpoint = process.env.S3_ENDPOINT ?? 'http://127.0.0.1:9000';
const accessKey = process.env.S3_ACCESS_KEY ?? 'bridge-local';
const secretKey = process.env.S3_SECRET_KEY ?? 'bridge-local-secret-key';

const phoneNumberId = '106540352242922';
const token = 'EAAG-inbound-media-token';
const sim = new MetaSimulator({ phoneNumbers: { [phoneNumberId]: token } });
const ns = createNamespace('in-media');
const bucket = `t-${ns.id}-inmedia`;
let s3: S3;
let deps: InboundMediaDeps;

const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(20_000, 3)]);
const receivedAt = new Date('2026-12-05T09:15:00Z');
const input = (mediaId: string, overrides: Partial<InboundMediaInput> = {}): InboundMediaInput => ({
  tenantId: 'tenant/a',
  mediaId,
  kind: 'image',
  accessToken: token,
  phoneNumberId,
  wamid: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUE=',
  receivedAt,
  ...overrides,
});

const objectsIn = async (): Promise<string[]> => {
  const names: string[] = [];
  for await (const item of s3.listObjectsV2(bucket, '', true)) if (item.name) names.push(item.name);
  return names;
};

beforeAll(async () => {
  await sim.start();
  s3 = createS3(endpoint, accessKey, secretKey, 'us-east-1');
  await ensureBucket(s3, bucket, 'us-east-1');
  deps = {
    s3,
    publicS3: s3,
    settings: {
      bucket,
      urlTtlSeconds: 3600,
      maxBytes: 100_000,
      graphUrl: sim.url,
      graphVersion: 'v21.0',
      lookupTimeoutMs: 2000,
      downloadTimeoutMs: 2000,
      maxAttempts: 3,
      retryDelayMs: 1,
    },
  };
});
beforeEach(() => sim.clearFaults());
afterAll(async () => {
  for (const name of await objectsIn()) await s3.removeObject(bucket, name);
  await s3.removeBucket(bucket);
  await sim.stop();
});

describe('storeInboundMedia against the Meta simulator and S3Proxy', () => {
  it('stores an image under the design key with its metadata, and presigns a URL serving the same bytes', async () => {
    sim.addMedia('img-1', jpeg, 'image/jpeg', { phoneNumberId });
    const outcome = await storeInboundMedia(deps, input('img-1', { filename: 'façade.jpg' }));
    if (!outcome.ok) throw new Error(`${outcome.reason}: ${outcome.message}`);
    const { media } = outcome;
    const sha256 = createHash('sha256').update(jpeg).digest('hex');
    expect(media).toMatchObject({
      bucket,
      mimeType: 'image/jpeg',
      sizeBytes: jpeg.length,
      sha256,
      mediaId: 'img-1',
      kind: 'image',
      attempts: 1,
    });
    expect(media.objectKey).toMatch(/^tenant%2Fa\/inbound\/images\/2026-12-05\/[0-9a-f-]{36}\.jpg$/);
    const stat = await s3.statObject(bucket, media.objectKey);
    expect(stat.size).toBe(jpeg.length);
    expect(stat.metaData).toMatchObject({
      'content-type': 'image/jpeg',
      wamid: encodeURIComponent('wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUE='),
      mediaid: 'img-1',
      phonenumberid: phoneNumberId,
      sha256,
      direction: 'inbound',
      originalfilename: encodeURIComponent('façade.jpg'),
    });
    const served = await fetch(media.url);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(jpeg);
    const expires = Date.parse(media.urlExpiresAt) - Date.now();
    expect(expires).toBeGreaterThan(3500_000);
    expect(expires).toBeLessThanOrEqual(3600_000);
    expect(new URL(media.url).searchParams.get('X-Amz-Expires')).toBe('3600');
  });

  it('retries with a fresh lookup when the URL expired between lookup and download', async () => {
    sim.addMedia('img-2', jpeg, 'image/jpeg', { phoneNumberId });
    sim.expireNextMediaUrls(1);
    const lookupsBefore = sim.requests.filter((request) => request.path === '/v21.0/img-2').length;
    const outcome = await storeInboundMedia(deps, input('img-2'));
    expect(outcome).toMatchObject({ ok: true, media: { attempts: 2 } });
    const lookups = sim.requests.filter((request) => request.path === '/v21.0/img-2');
    expect(lookups.length - lookupsBefore).toBe(2);
    const urls = sim.mediaDownloads.slice(-2).map((request) => request.url);
    expect(urls[0]).not.toBe(urls[1]);
  });

  it('retries a transient 5xx on the download, then succeeds', async () => {
    sim.addMedia('doc-1', Buffer.from('%PDF-1.4 tiny'), 'application/pdf', { phoneNumberId });
    sim.failNext({ route: 'media-download', phoneNumberId, status: 503, body: 'busy' });
    const outcome = await storeInboundMedia(deps, input('doc-1', { kind: 'document' }));
    expect(outcome).toMatchObject({ ok: true, media: { attempts: 2, mimeType: 'application/pdf' } });
    if (outcome.ok)
      expect(outcome.media.objectKey).toMatch(/\/inbound\/documents\/2026-12-05\/[0-9a-f-]{36}\.pdf$/);
  });

  it('gives up after the attempts on a lasting 5xx, as a transient failure', async () => {
    sim.addMedia('img-3', jpeg, 'image/jpeg', { phoneNumberId });
    sim.failNext({ route: 'media-download', phoneNumberId, status: 500, count: 3 });
    expect(await storeInboundMedia(deps, input('img-3'))).toMatchObject({
      ok: false,
      reason: 'MediaDownloadFailed',
      isTransient: true,
    });
  });

  it('is refused with a wrong bearer, storing nothing', async () => {
    sim.addMedia('img-4', jpeg, 'image/jpeg', { phoneNumberId });
    const before = await objectsIn();
    expect(await storeInboundMedia(deps, input('img-4', { accessToken: 'EAAG-wrong' }))).toMatchObject({
      ok: false,
      reason: 'MediaAccessDenied',
      isTransient: false,
    });
    expect(await objectsIn()).toEqual(before);
  });

  it('refuses a file over the limit by its stated size, without downloading or storing', async () => {
    sim.addMedia('vid-1', Buffer.alloc(150_000, 1), 'video/mp4', { phoneNumberId });
    const before = await objectsIn();
    const downloads = sim.mediaDownloads.length;
    expect(await storeInboundMedia(deps, input('vid-1', { kind: 'video' }))).toMatchObject({
      ok: false,
      reason: 'MediaTooLarge',
      isTransient: false,
    });
    expect(sim.mediaDownloads.length).toBe(downloads);
    expect(await objectsIn()).toEqual(before);
  });

  it('refuses a file over the limit by Content-Length when the lookup understated it', async () => {
    sim.addMedia('vid-2', Buffer.alloc(150_000, 1), 'video/mp4', { phoneNumberId, declaredFileSize: 10 });
    const before = await objectsIn();
    expect(await storeInboundMedia(deps, input('vid-2', { kind: 'video' }))).toMatchObject({
      ok: false,
      reason: 'MediaTooLarge',
      message: expect.stringMatching(/announced 150000 bytes/),
    });
    expect(await objectsIn()).toEqual(before);
  });

  it('aborts a file over the limit by its actual bytes (no Content-Length, understated size)', async () => {
    sim.addMedia('vid-3', Buffer.alloc(150_000, 1), 'video/mp4', {
      phoneNumberId,
      declaredFileSize: 10,
      chunked: true,
    });
    const before = await objectsIn();
    expect(await storeInboundMedia(deps, input('vid-3', { kind: 'video' }))).toMatchObject({
      ok: false,
      reason: 'MediaTooLarge',
      message: expect.stringMatching(/aborted/),
    });
    expect(await objectsIn()).toEqual(before);
  });

  it('gives a permanent 404 on the lookup as a typed failure, without retrying', async () => {
    sim.failNext({ route: 'media-lookup', status: 404, metaErrorCode: 100, count: 3 });
    const lookupsBefore = sim.requests.filter((request) => request.path === '/v21.0/gone').length;
    expect(await storeInboundMedia(deps, input('gone'))).toEqual({
      ok: false,
      reason: 'MediaNotFound',
      isTransient: false,
      message: expect.any(String),
    });
    expect(sim.requests.filter((request) => request.path === '/v21.0/gone').length - lookupsBefore).toBe(1);
  });

  it('refuses bytes that do not match the sha256 the webhook stated', async () => {
    sim.addMedia('img-5', jpeg, 'image/jpeg', { phoneNumberId });
    const before = await objectsIn();
    const wrong = createHash('sha256').update('something else').digest('base64');
    expect(await storeInboundMedia(deps, input('img-5', { sha256: wrong }))).toMatchObject({
      ok: false,
      reason: 'MediaChecksumMismatch',
      isTransient: false,
    });
    expect(await objectsIn()).toEqual(before);
    const right = createHash('sha256').update(jpeg).digest('base64');
    expect(await storeInboundMedia(deps, input('img-5', { sha256: right }))).toMatchObject({ ok: true });
  });

  it('reports a store that cannot be written as a transient failure', async () => {
    sim.addMedia('img-6', jpeg, 'image/jpeg', { phoneNumberId });
    const missing = { ...deps, settings: { ...deps.settings, bucket: `${bucket}-absent` } };
    expect(await storeInboundMedia(missing, input('img-6'))).toMatchObject({
      ok: false,
      reason: 'MediaStoreFailed',
      isTransient: true,
    });
  });
});
