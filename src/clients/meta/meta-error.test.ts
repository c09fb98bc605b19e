import { classifyMetaAnswer, kindForMetaCode } from './meta-error';

describe('Meta error classification', () => {
  it.each([130429, 131056, 4, 80007])('code %i is a rate limit', (code) =>
    expect(kindForMetaCode(code)).toBe('rate-limited'),
  );

  it.each([131000, 131016])('code %i is retryable', (code) =>
    expect(kindForMetaCode(code)).toBe('retryable'),
  );

  it.each([131047, 131026, 131051, 100, 190, 131053])('code %i is permanent', (code) =>
    expect(kindForMetaCode(code)).toBe('permanent'),
  );

  it('lets a known code win over the HTTP status', () => {
    // Meta has answered throughput errors with HTTP 400 as well as 429: the code is what counts.
    expect(classifyMetaAnswer(400, 130429)).toBe('rate-limited');
    expect(classifyMetaAnswer(400, 131000)).toBe('retryable');
    expect(classifyMetaAnswer(500, 100)).toBe('permanent');
  });

  it('falls back on the HTTP status for codes it does not know', () => {
    expect(classifyMetaAnswer(503, 999_999)).toBe('retryable');
    expect(classifyMetaAnswer(429, undefined)).toBe('rate-limited');
    expect(classifyMetaAnswer(400, 131008)).toBe('permanent');
    expect(classifyMetaAnswer(502, undefined)).toBe('retryable');
  });

  it('treats a bare gateway timeout as an unknown outcome: Meta may have acted behind the gateway', () =>
    expect(classifyMetaAnswer(504, undefined)).toBe('unknown-outcome'));
});
