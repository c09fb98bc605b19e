import { metaWebhookReceivedDataSchema, type MetaStatusRecord } from './meta-webhook-received';
import { metaWebhookId, splitText, toMetaWebhookParts } from './meta-webhook-parts';

const status = (index: number, extra: Partial<MetaStatusRecord> = {}): MetaStatusRecord => ({
  wamid: `wamid.${String(index).padStart(8, '0')}`,
  status: 'delivered',
  isIgnored: false,
  timestamp: '1714557602',
  recipientId: '919876543210',
  phoneNumberId: '106540352242922',
  ...extra,
});

const received = (rawBody: string, statuses: MetaStatusRecord[]) => ({
  rawBody,
  signature: `sha256=${'0'.repeat(64)}`,
  receivedAt: '2024-05-01T10:00:00.000Z',
  statuses,
});

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');
const hasLoneSurrogate = (text: string) =>
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

describe('toMetaWebhookParts', () => {
  it('keeps a webhook that fits in one part as it is', () => {
    const statuses = [status(1), status(2)];
    const parts = toMetaWebhookParts(received('{"object":"x"}', statuses));
    expect(parts).toEqual([
      {
        webhookId: metaWebhookId('{"object":"x"}'),
        part: 0,
        partCount: 1,
        rawBody: '{"object":"x"}',
        signature: `sha256=${'0'.repeat(64)}`,
        receivedAt: '2024-05-01T10:00:00.000Z',
        statuses,
      },
    ]);
  });

  it('keeps a full batch of 1000 statuses in one part', () => {
    const statuses = Array.from({ length: 1000 }, (_, i) => status(i));
    const raw = JSON.stringify({ statuses });
    expect(toMetaWebhookParts(received(raw, statuses))).toHaveLength(1);
  });

  it('splits a webhook too large for one part: body and statuses reassemble exactly, every part fits', () => {
    const longError = 'é'.repeat(400);
    const statuses = Array.from({ length: 1000 }, (_, i) =>
      status(i, { status: 'failed', errors: [{ code: 131047, title: longError, details: longError }] }),
    );
    const raw = JSON.stringify({ statuses, note: '👋 olá' });
    const budget = 300_000;
    const parts = toMetaWebhookParts(received(raw, statuses), budget);

    expect(parts.length).toBeGreaterThan(1);
    expect(parts.map((part) => part.rawBody).join('')).toBe(raw);
    expect(parts.flatMap((part) => part.statuses)).toEqual(statuses);
    parts.forEach((part, index) => {
      expect(part).toMatchObject({ part: index, partCount: parts.length, webhookId: metaWebhookId(raw) });
      expect(jsonBytes(part.rawBody) + jsonBytes(part.statuses)).toBeLessThanOrEqual(budget);
      expect(metaWebhookReceivedDataSchema.safeParse(part).success).toBe(true);
    });
  });
});

describe('splitText', () => {
  it('never cuts a surrogate pair in two', () => {
    const text = 'a😀'.repeat(1000);
    const pieces = splitText(text, 101);
    expect(pieces.join('')).toBe(text);
    for (const piece of pieces) {
      expect(hasLoneSurrogate(piece)).toBe(false);
      expect(jsonBytes(piece)).toBeLessThanOrEqual(101);
    }
  });

  it('accounts for escaping when sizing pieces', () => {
    const text = '\u0001"\n'.repeat(500);
    const pieces = splitText(text, 64);
    expect(pieces.join('')).toBe(text);
    for (const piece of pieces) expect(jsonBytes(piece)).toBeLessThanOrEqual(64);
  });
});
