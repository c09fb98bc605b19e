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

  it('falls back on the HTTP status for 4xx codes it does not know', () => {
    expect(classifyMetaAnswer(429, undefined)).toBe('rate-limited');
    expect(classifyMetaAnswer(400, 131008)).toBe('permanent');
    expect(classifyMetaAnswer(400, 1)).toBe('retryable');
  });

  describe('a 5xx is an unknown outcome unless its body proves Meta did not take the message', () => {
    it.each([500, 502, 503, 504])('a bare %i (no Graph error body) may follow a send', (status) =>
      expect(classifyMetaAnswer(status, undefined)).toBe('unknown-outcome'),
    );

    it('an unknown code, or code 1 ("possible server error"), proves nothing', () => {
      expect(classifyMetaAnswer(503, 999_999)).toBe('unknown-outcome');
      expect(classifyMetaAnswer(500, 1)).toBe('unknown-outcome');
    });

    it.each([
      [500, 131000],
      [503, 131016],
      [503, 2],
    ])('HTTP %i with code %i says the message failed to send: retryable', (status, code) =>
      expect(classifyMetaAnswer(status, code)).toBe('retryable'),
    );

    it('throttling and permanent codes are refusals whatever the status', () => {
      expect(classifyMetaAnswer(503, 130429)).toBe('rate-limited');
      expect(classifyMetaAnswer(500, 131026)).toBe('permanent');
    });
  });
});
