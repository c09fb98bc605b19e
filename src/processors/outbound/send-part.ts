import { sendMessage } from '../../clients/meta';
import type { BackoffOptions } from '../../clients/meta/backoff';
import type { SendAnswer } from '../../commands/outbound-message/workflow';
import type { Logger } from '../../infra/logger';
import type { WhatsappCredentials } from '../../tenants/tenant-directory';
import type { MetaMessageBody } from '../../transform/meta-message';
import { planAfterSendError } from './send-error-plan';

export interface SendPartSettings {
  graphUrl: string;
  graphVersion: string;
  metaTimeoutMs: number;
}

export type SendOutcomeObserver = (
  outcome: 'sent' | 'failed' | 'retry' | 'unknown',
  metaCode?: number,
) => void;

/** Sends one part to Meta and answers what Meta's reply means for the workflow (see planAfterSendError). */
export const sendPart = async (
  part: { attempt: number; partIndex: number; body: MetaMessageBody },
  whatsapp: Pick<WhatsappCredentials, 'phoneNumberId' | 'accessToken'>,
  settings: SendPartSettings & { backoff: BackoffOptions },
  observe: SendOutcomeObserver,
  log: Logger,
): Promise<SendAnswer> => {
  const result = await sendMessage({
    graphUrl: settings.graphUrl,
    version: settings.graphVersion,
    phoneNumberId: whatsapp.phoneNumberId,
    accessToken: whatsapp.accessToken,
    body: part.body,
    timeoutMs: settings.metaTimeoutMs,
  });
  if (result.ok) {
    observe('sent');
    return { kind: 'accepted', wamid: result.wamid };
  }
  const { error } = result;
  const plan = planAfterSendError(error, part.attempt, settings.backoff);
  const context = {
    code: error.code,
    httpStatus: error.httpStatus,
    attempt: part.attempt,
    partIndex: part.partIndex,
  };
  const code = error.code !== undefined ? { code: error.code } : {};
  switch (plan.action) {
    case 'fail':
      observe('failed', error.code);
      return {
        kind: 'rejected',
        reason: plan.reason,
        title: error.title,
        ...code,
        ...(error.details ? { details: error.details } : {}),
      };
    case 'reconcile':
      observe('unknown', error.code);
      log.warn(
        { ...context, title: error.title },
        'send outcome unknown: waiting for Meta before any resend',
      );
      return { kind: 'unknown' };
    case 'retry':
      observe('retry', error.code);
      log.warn({ ...context, delayMs: plan.delayMs }, 'Meta did not take the message; backing off');
      return { kind: 'refused', delayMs: plan.delayMs, title: error.title, ...code };
  }
};
