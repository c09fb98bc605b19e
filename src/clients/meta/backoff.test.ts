import { backoffFor, defaultBackoffPolicy } from './backoff';
import type { MetaError } from './meta-error';

const retryable: MetaError = {
  kind: 'retryable',
  httpStatus: 500,
  code: 131000,
  title: 'Something went wrong',
};
const rateLimited: MetaError = {
  kind: 'rate-limited',
  httpStatus: 429,
  code: 130429,
  title: 'Rate limit hit',
};
const delayOf = (error: MetaError, attempt: number, random = 0.5): number => {
  const decision = backoffFor(error, attempt, { random: () => random });
  if (!decision.resend) throw new Error(`expected a resend, got ${decision.reason}`);
  return decision.delayMs;
};

describe('backoffFor', () => {
  it('doubles the delay with each attempt', () => {
    expect(delayOf(retryable, 1, 0)).toBe(250);
    expect(delayOf(retryable, 2, 0)).toBe(500);
    expect(delayOf(retryable, 3, 0)).toBe(1000);
  });

  it('spreads the delay between half and all of the exponential step', () => {
    expect(delayOf(retryable, 3, 0)).toBe(1000);
    expect(delayOf(retryable, 3, 0.999999)).toBe(2000);
  });

  it('is deterministic for a given random source', () =>
    expect(delayOf(retryable, 4, 0.3)).toBe(delayOf(retryable, 4, 0.3)));

  it('never exceeds the cap, however many attempts', () => {
    expect(delayOf(retryable, 50, 0.999999)).toBe(defaultBackoffPolicy.retryableCapMs);
    expect(delayOf(rateLimited, 1000, 0.999999)).toBe(defaultBackoffPolicy.rateLimitedCapMs);
  });

  it('waits longer for a rate limit than for a transient fault', () =>
    expect(delayOf(rateLimited, 1)).toBeGreaterThan(delayOf(retryable, 1)));

  it('honours a Retry-After longer than its own schedule', () =>
    expect(delayOf({ ...rateLimited, retryAfterMs: 45_000 }, 1)).toBe(45_000));

  it('keeps its own schedule when Retry-After asks for less', () =>
    expect(delayOf({ ...retryable, retryAfterMs: 10 }, 3, 0)).toBe(1000));

  it('bounds an absurd Retry-After', () =>
    expect(delayOf({ ...rateLimited, retryAfterMs: 10 * 24 * 3600_000 }, 1)).toBe(
      defaultBackoffPolicy.maxRetryAfterMs,
    ));

  it('waits at least the pair-rate interval after 131056', () =>
    expect(delayOf({ kind: 'rate-limited', code: 131056, title: 'pair rate limit hit' }, 1, 0)).toBe(6000));

  it('never resends after a permanent error', () =>
    expect(backoffFor({ kind: 'permanent', code: 131026 }, 1)).toEqual({
      resend: false,
      reason: 'permanent',
    }));

  it('never resends when the outcome is unknown: the message may have been sent', () =>
    expect(backoffFor({ kind: 'unknown-outcome' }, 1)).toEqual({ resend: false, reason: 'unknown-outcome' }));

  it('refuses an attempt number below 1 as a programming error', () => {
    expect(() => backoffFor(retryable, 0)).toThrow(RangeError);
    expect(() => backoffFor(retryable, 1.5)).toThrow(RangeError);
  });
});
