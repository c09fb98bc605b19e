import type { MetaError } from './meta-error';

export interface BackoffPolicy {
  /** First delay for a `retryable` error; doubles with each attempt. */
  retryableBaseMs: number;
  retryableCapMs: number;
  /** Rate limits clear more slowly than transient faults: start higher, allow longer waits. */
  rateLimitedBaseMs: number;
  rateLimitedCapMs: number;
  /**
   * Meta's pair rate limit allows about one message every 6 seconds to the same customer (Cloud API
   * "Throughput" / pair rate limits); waiting less for a 131056 only earns another 131056.
   */
  pairRateLimitFloorMs: number;
  /** A Retry-After beyond this is treated as this: a broken header must not park a conversation for days. */
  maxRetryAfterMs: number;
}

export const defaultBackoffPolicy: BackoffPolicy = {
  retryableBaseMs: 500,
  retryableCapMs: 30_000,
  rateLimitedBaseMs: 2_000,
  rateLimitedCapMs: 120_000,
  pairRateLimitFloorMs: 6_000,
  maxRetryAfterMs: 15 * 60_000,
};

export type BackoffDecision =
  | { resend: true; delayMs: number }
  /** `unknown-outcome`: the message may have been sent; reconcile from Meta's status webhook instead. */
  | { resend: false; reason: 'permanent' | 'unknown-outcome' };

export interface BackoffOptions {
  /** A number in [0, 1); injected so the function stays pure and testable. */
  random?: () => number;
  policy?: BackoffPolicy;
}

const pairRateLimitCode = 131056;

/**
 * How long to wait before sending again after `attempt` failed tries (1 = the first send failed).
 * Exponential with "equal jitter" (half fixed, half random) so that retries of many conversations spread out but
 * never collapse to zero; never shorter than what Meta asked for (Retry-After) or the pair-rate interval.
 */
export const backoffFor = (
  error: Pick<MetaError, 'kind' | 'code' | 'retryAfterMs'>,
  attempt: number,
  options: BackoffOptions = {},
): BackoffDecision => {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be an integer >= 1`);
  if (error.kind === 'permanent' || error.kind === 'unknown-outcome')
    return { resend: false, reason: error.kind };

  const policy = options.policy ?? defaultBackoffPolicy;
  const random = options.random ?? Math.random;
  const [base, cap] =
    error.kind === 'rate-limited'
      ? [policy.rateLimitedBaseMs, policy.rateLimitedCapMs]
      : [policy.retryableBaseMs, policy.retryableCapMs];

  // 2 ** 60 would overflow the useful range long before; the cap applies anyway.
  const exponential = Math.min(cap, base * 2 ** Math.min(attempt - 1, 30));
  const jittered = exponential / 2 + (random() * exponential) / 2;

  const askedFor = Math.min(error.retryAfterMs ?? 0, policy.maxRetryAfterMs);
  const pairFloor = error.code === pairRateLimitCode ? policy.pairRateLimitFloorMs : 0;
  return { resend: true, delayMs: Math.round(Math.max(jittered, askedFor, pairFloor)) };
};
