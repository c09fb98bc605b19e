import { backoffFor } from '../../clients/meta';
import type { BackoffOptions } from '../../clients/meta/backoff';
import type { MediaMoveAnswer } from '../../commands/outbound-message/workflow';
import type { MediaOutcome } from './media-mover';

/** A media transfer's outcome for the workflow: a retryable failure carries its backoff (`failures` so far, + 1). */
export const mediaMoveAnswer = (
  outcome: MediaOutcome,
  failures: number,
  options: BackoffOptions,
): MediaMoveAnswer => {
  if (outcome.ok) return outcome;
  const retryAfter = outcome.retryAfterMs ? { retryAfterMs: outcome.retryAfterMs } : {};
  const delay = backoffFor({ kind: 'retryable', ...retryAfter }, failures + 1, options);
  const { retryAfterMs: _retryAfterMs, ...failure } = outcome;
  return { ...failure, delayMs: delay.resend ? delay.delayMs : 0 };
};
