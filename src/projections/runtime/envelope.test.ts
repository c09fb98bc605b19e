import { parseEnvelope } from './envelope';

const event = {
  eventId: '6f1c1f7e-3f0c-4c39-9d55-0c4b3e1f2a10',
  type: 'MessageSent',
  version: 1,
  streamId: 'outbound-t-m',
  streamPosition: 3,
  globalPosition: '42',
  transactionId: '777',
  tenantId: 't',
  conversationId: 'c',
  occurredAt: '2024-01-01T00:00:00.000Z',
  recordedAt: '2024-01-01T00:00:00.000Z',
  causationId: null,
  correlationId: 'x',
  metadata: { correlationId: 'x' },
  data: { wamid: 'w' },
};
const encode = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('parseEnvelope', () => {
  it('reads the envelope the relay writes', () => {
    expect(parseEnvelope(encode(event))).toEqual({ ok: true, event });
  });

  it('refuses a message without a value', () => {
    expect(parseEnvelope(null)).toMatchObject({ ok: false, error: 'message has no value' });
  });

  it('refuses text that is not JSON and keeps the text', () => {
    expect(parseEnvelope(Buffer.from('{oops'))).toMatchObject({ ok: false, payload: '{oops' });
  });

  it('names every field that does not fit, and keeps the parsed JSON', () => {
    const bad = { ...event, streamPosition: 0, eventId: 'nope' };
    const parsed = parseEnvelope(encode(bad));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toContain('eventId');
    expect(parsed.error).toContain('streamPosition');
    expect(parsed.payload).toEqual(bad);
  });
});
