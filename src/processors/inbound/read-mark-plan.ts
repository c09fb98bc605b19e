import type { MetaError } from '../../clients/meta';

export interface ReadMarkRetryPolicy {
  /** Tries of one read mark, the first included. */
  maxAttempts: number;
  /** First wait after a transient failure; doubles with each try. */
  baseDelayMs: number;
  /** Longest wait, a Retry-After included. */
  maxDelayMs: number;
}

/**
 * A few quick tries only: the mark waits in the customer's lane, so the customer's next message waits behind it.
 * Blue ticks a few seconds late are worth that; a long Meta outage is not, so the mark is then given up.
 */
export const defaultReadMarkRetryPolicy: ReadMarkRetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 5_000,
};

export type ReadMarkStep =
  { retry: true; delayMs: number } | { retry: false; reason: 'MetaRejected' | 'MetaUnavailable' };

/**
 * What to do after a failed read mark (`attempt` counts from 1). Marking twice is harmless at Meta, so an
 * unknown outcome is retried like any transient failure; only a refusal Meta would repeat ends it at once.
 */
export const nextReadMarkStep = (
  error: MetaError,
  attempt: number,
  policy: ReadMarkRetryPolicy = defaultReadMarkRetryPolicy,
): ReadMarkStep => {
  if (error.kind === 'permanent') return { retry: false, reason: 'MetaRejected' };
  if (attempt >= policy.maxAttempts) return { retry: false, reason: 'MetaUnavailable' };
  const backoff = policy.baseDelayMs * 2 ** (attempt - 1);
  return { retry: true, delayMs: Math.min(error.retryAfterMs ?? backoff, policy.maxDelayMs) };
};
