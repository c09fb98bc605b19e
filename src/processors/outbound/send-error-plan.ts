import { backoffFor, type MetaError } from '../../clients/meta';
import type { BackoffOptions } from '../../clients/meta/backoff';

/**
 * What the driver does after Meta's answer to a send was not a wamid:
 * - `fail`: Meta refused for good (permanent): the message ends with MessageFailed.
 * - `reconcile`: the outcome is unknown (timeout, reset after sending, a 5xx whose body does not prove refusal):
 *   Meta may have sent it. No resend until Meta's statuses have had the reconciliation window to name it.
 * - `retry`: Meta said it did not take the message (429, an error body that proves refusal): the attempt is
 *   settled and may be sent again after the backoff.
 */
export type SendErrorPlan =
  { action: 'fail'; reason: string } | { action: 'reconcile' } | { action: 'retry'; delayMs: number };

export const planAfterSendError = (
  error: Pick<MetaError, 'kind' | 'code' | 'retryAfterMs'>,
  attempt: number,
  options: BackoffOptions = {},
): SendErrorPlan => {
  if (error.kind === 'permanent')
    return { action: 'fail', reason: error.code !== undefined ? `meta_${error.code}` : 'MetaRefused' };
  if (error.kind === 'unknown-outcome') return { action: 'reconcile' };
  const decision = backoffFor(error, attempt, options);
  return { action: 'retry', delayMs: decision.resend ? decision.delayMs : 0 };
};
