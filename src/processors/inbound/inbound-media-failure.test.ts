import {
  attemptDelayMs,
  downloadFailure,
  lookupFailure,
  MAX_ATTEMPT_DELAY_MS,
} from './inbound-media-failure';

describe('lookupFailure', () => {
  it('retries whatever did not prove a refusal, keeping Retry-After', () => {
    for (const kind of ['retryable', 'rate-limited', 'unknown-outcome'] as const)
      expect(lookupFailure({ kind, title: 't', retryAfterMs: 3000 })).toEqual({
        ok: false,
        reason: 'MediaLookupFailed',
        isTransient: true,
        message: 't',
        retryAfterMs: 3000,
      });
  });

  it('tells a missing media from a refused token', () => {
    expect(lookupFailure({ kind: 'permanent', httpStatus: 404, title: 'gone' })).toMatchObject({
      reason: 'MediaNotFound',
      isTransient: false,
    });
    expect(lookupFailure({ kind: 'permanent', httpStatus: 400, code: 100, title: 'x' }).reason).toBe(
      'MediaNotFound',
    );
    expect(lookupFailure({ kind: 'permanent', httpStatus: 401, code: 190, title: 'x' })).toMatchObject({
      reason: 'MediaAccessDenied',
      isTransient: false,
    });
  });
});

describe('downloadFailure', () => {
  it.each([
    ['forbidden-url', 'ForbiddenMediaHost', false, false],
    ['too-large', 'MediaTooLarge', false, false],
    ['permanent', 'MediaUnavailable', false, false],
    ['unavailable', 'MediaUnavailable', false, true],
    ['transient', 'MediaDownloadFailed', true, true],
  ] as const)('%s → %s (transient %s), retried with a fresh URL: %s', (kind, reason, isTransient, retry) => {
    const decision = downloadFailure({ kind, title: 'x' });
    expect(decision.failure).toMatchObject({ reason, isTransient });
    expect(decision.retry).toBe(retry);
  });
});

describe('attemptDelayMs', () => {
  it('doubles from the base, honours a longer Retry-After, and is capped', () => {
    expect([1, 2, 3].map((attempt) => attemptDelayMs(attempt, 100))).toEqual([100, 200, 400]);
    expect(attemptDelayMs(1, 100, 2000)).toBe(2000);
    expect(attemptDelayMs(1, 100, 60_000)).toBe(MAX_ATTEMPT_DELAY_MS);
    expect(attemptDelayMs(20, 100)).toBe(MAX_ATTEMPT_DELAY_MS);
  });
});
