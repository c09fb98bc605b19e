import type { MetaError } from '../../clients/meta';
import { nextReadMarkStep } from './read-mark-plan';

const policy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 };
const error = (kind: MetaError['kind'], retryAfterMs?: number): MetaError => ({
  kind,
  title: 'x',
  ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
});

describe('nextReadMarkStep', () => {
  it('gives up at once when Meta refuses for good', () => {
    expect(nextReadMarkStep(error('permanent'), 1, policy)).toEqual({ retry: false, reason: 'MetaRejected' });
  });

  it.each(['retryable', 'rate-limited', 'unknown-outcome'] as const)(
    'retries a %s failure with a doubling wait',
    (kind) => {
      expect(nextReadMarkStep(error(kind), 1, policy)).toEqual({ retry: true, delayMs: 100 });
      expect(nextReadMarkStep(error(kind), 2, policy)).toEqual({ retry: true, delayMs: 200 });
    },
  );

  it('honours Retry-After up to the cap', () => {
    expect(nextReadMarkStep(error('rate-limited', 700), 1, policy)).toEqual({ retry: true, delayMs: 700 });
    expect(nextReadMarkStep(error('rate-limited', 60_000), 1, policy)).toEqual({
      retry: true,
      delayMs: 1_000,
    });
  });

  it('gives up after the last try so the next message is not held', () => {
    expect(nextReadMarkStep(error('retryable'), 3, policy)).toEqual({
      retry: false,
      reason: 'MetaUnavailable',
    });
  });
});
