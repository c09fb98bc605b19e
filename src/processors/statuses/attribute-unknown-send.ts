import type { OutboundState } from '../../commands/outbound-message/state';

export type Attribution =
  | { kind: 'record'; attempt: number; partIndex: number }
  | { kind: 'skip'; reason: 'NothingOutstanding' | 'AlreadyRecorded' | 'EarlierAttempt' };

/**
 * A Meta status may arrive before the send it reports is recorded: the driver's call timed out or crashed between
 * Meta's answer and its own append. Which part of which attempt did Meta accept? The driver sends an attempt's
 * parts one after the other and stops at the first whose answer it does not get, so it is the lowest part not
 * recorded yet of the attempt outstanding. A status older than that attempt's request reports an earlier attempt,
 * whose parts the later one sends again: attributing it would tell the driver a part was sent that this attempt
 * did not send. Meta's clock and ours differ a little, hence the tolerance; the reconciliation window before any
 * resend is far longer.
 */
export const attributeUnknownSend = (
  state: OutboundState,
  lastSendRequestedAt: string | undefined,
  status: { wamid: string; timestamp: string },
  clockToleranceMs = 5_000,
): Attribution => {
  if (state.parts.some((part) => part.wamid === status.wamid))
    return { kind: 'skip', reason: 'AlreadyRecorded' };
  if (!state.isAwaitingSendOutcome || state.attempt === 0)
    return { kind: 'skip', reason: 'NothingOutstanding' };
  const requestedAt = lastSendRequestedAt === undefined ? Number.NaN : Date.parse(lastSendRequestedAt);
  if (!(Number(status.timestamp) * 1000 >= requestedAt - clockToleranceMs)) {
    return { kind: 'skip', reason: 'EarlierAttempt' };
  }
  const recorded = new Set(state.parts.map((part) => part.partIndex));
  let partIndex = 0;
  while (recorded.has(partIndex)) partIndex++;
  return { kind: 'record', attempt: state.attempt, partIndex };
};
