import { createHash } from 'node:crypto';
import { MetaSimulator } from '../../simulators/meta/meta-simulator';
import { sendMessage } from './send-message';
import { uploadMedia } from './upload-media';

const phoneNumberId = '106540352242922';
const accessToken = 'EAAG-upload-test-token';
const sim = new MetaSimulator({ phoneNumbers: { [phoneNumberId]: accessToken } });
const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(10_231, 0x20)]);

beforeAll(() => sim.start());
afterEach(() => sim.clearFaults());
afterAll(() => sim.stop());

const upload = (token = accessToken) =>
  uploadMedia({
    graphUrl: sim.url,
    version: 'v21.0',
    phoneNumberId,
    accessToken: token,
    bytes: pdf,
    mime: 'application/pdf',
    filename: 'file.pdf',
    timeoutMs: 2_000,
  });

describe('uploadMedia against the Meta simulator', () => {
  it('uploads the exact bytes as multipart and returns the media id', async () => {
    const result = await upload();
    const stored = sim.uploadedMedia.at(-1)!;
    expect(result).toEqual({ ok: true, mediaId: stored.id });
    expect(stored.id).toMatch(/^\d{15,}$/);
    expect(stored).toMatchObject({
      phoneNumberId,
      type: 'application/pdf',
      filename: 'file.pdf',
      contentType: 'application/pdf',
      size: pdf.length,
      sha256: createHash('sha256').update(pdf).digest('hex'),
    });
    expect(sim.requests.at(-1)!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
  });

  it('lets a message refer to the uploaded media by id', async () => {
    const uploaded = await upload();
    if (!uploaded.ok) throw new Error('upload failed');
    const sent = await sendMessage({
      graphUrl: sim.url,
      version: 'v21.0',
      phoneNumberId,
      accessToken,
      body: {
        messaging_product: 'whatsapp',
        to: '16505551234',
        type: 'document',
        document: { id: uploaded.mediaId, filename: 'file.pdf' },
      },
      timeoutMs: 2_000,
    });
    expect(sent.ok).toBe(true);
  });

  it('refuses a message naming a media id that was never uploaded (permanent, code 100)', async () => {
    const sent = await sendMessage({
      graphUrl: sim.url,
      version: 'v21.0',
      phoneNumberId,
      accessToken,
      body: { messaging_product: 'whatsapp', to: '16505551234', type: 'image', image: { id: '999' } },
      timeoutMs: 2_000,
    });
    expect(sent).toMatchObject({ ok: false, error: { kind: 'permanent', code: 100 } });
  });

  it('refuses a wrong token with code 190 and never echoes it', async () => {
    const result = await upload('EAAG-not-the-token');
    expect(result).toMatchObject({ ok: false, error: { kind: 'permanent', code: 190, httpStatus: 401 } });
    expect(JSON.stringify(result)).not.toContain('EAAG-not-the-token');
  });

  it('uses the same error model: a 131016 is retryable, a timeout unknown-outcome', async () => {
    sim.failNext({ metaErrorCode: 131016, route: 'media' });
    expect(await upload()).toMatchObject({ ok: false, error: { kind: 'retryable', code: 131016 } });
    sim.timeoutNext(1, { route: 'media' });
    const timedOut = await uploadMedia({
      graphUrl: sim.url,
      version: 'v21.0',
      phoneNumberId,
      accessToken,
      bytes: pdf,
      mime: 'application/pdf',
      filename: 'file.pdf',
      timeoutMs: 200,
    });
    expect(timedOut).toMatchObject({ ok: false, error: { kind: 'unknown-outcome' } });
    expect(JSON.stringify(timedOut)).not.toContain(accessToken);
  });
});
