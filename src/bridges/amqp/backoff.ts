/** Exponential backoff with jitter for reconnecting to RabbitMQ and re-publishing refused messages. */

export interface BackoffOptions {
  /** Delay before the first retry. */
  initialMs: number;
  /** Ceiling of any delay: a broker back after a long outage is noticed within this time. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 100, maxMs: 5000 };

/**
 * Delay before retry number `attempt` (1-based): doubling from initialMs up to maxMs, then scaled by a random
 * factor in [0.5, 1]. The jitter keeps the bridge's replicas (and every other client of a restarted broker) from
 * reconnecting in lockstep.
 */
export const backoffDelay = (
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random = Math.random,
) => {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30); // 2^30 × any sane initialMs is far past any ceiling
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** exponent);
  return Math.round(ceiling * (0.5 + random() / 2));
};
