import {
  deliveryFailed,
  mappingMissing,
  mappingResolved,
  messageSent,
  receiptWebhookReceived,
  sendFailed,
  statusSent,
  WA_ID,
  wamidOf,
  webhookReceived,
} from './test-fixtures';
import {
  after,
  given,
  OTHER_RUN,
  recordedAt,
  refused,
  requested,
  RUN,
  SETTINGS,
  T0,
  TEXT,
} from './workflow-testing';
import { afterSend, maxPasses } from './workflow';

const mapped = () => [webhookReceived(), mappingResolved()];
/** A text long enough for Meta to take it as three parts (4096 characters each). */
const LONG_TEXT = { ...TEXT, text: 'x'.repeat(4096 * 2 + 10) };

describe('outbound workflow: before the send', () => {
  it('resolves the recipient of a new message', () =>
    given([webhookReceived()]).then({ type: 'ResolveMapping', conversationId: 'abc-123' }));

  it('does nothing with a Genesys receipt', () => given([receiptWebhookReceived()]).then({ type: 'Done' }));

  it('does nothing with a message that has no recipient', () =>
    given([webhookReceived(), mappingMissing()]).then({ type: 'Done' }));

  it('ends the message when the tenant has no WhatsApp credentials', () =>
    given(mapped())
      .with({ tenant: null })
      .then({ type: 'Record', command: { type: 'RecordSendFailed', reason: 'TenantCredentialsMissing' } }));

  it('ends the message when the stored webhook cannot be read', () =>
    given(mapped())
      .with({ content: undefined })
      .then({
        type: 'Record',
        command: { type: 'RecordSendFailed', stage: 'transform', reason: 'UnsupportedContent' },
      }));
});

describe('outbound workflow: requesting an attempt', () => {
  it('requests attempt 1 in this run’s name, planned as Meta parts', () =>
    given(mapped()).then({
      type: 'Record',
      command: { type: 'RequestSend', partCount: 1, metaMessageType: 'text', runId: RUN },
    }));

  it('numbers the parts of a long text', () =>
    given(mapped())
      .with({ content: LONG_TEXT })
      .then({ command: { type: 'RequestSend', partCount: 3 } }));

  it('is done once every part is sent, or the message failed', () => {
    given([...mapped(), requested(1, RUN), messageSent(0)]).then({ type: 'Done' });
    given([...mapped(), requested(1, RUN), sendFailed()]).then({ type: 'Done' });
  });

  it('is done when a part failed at delivery after every part was accepted', () =>
    given([...mapped(), requested(1, RUN), messageSent(0), deliveryFailed(0)]).then({ type: 'Done' }));
});

describe('outbound workflow: sending the parts of an attempt', () => {
  it('sends the first part of the attempt this run requested', () =>
    given([...mapped(), requested(1, RUN)]).then({ type: 'SendPart', attempt: 1, partIndex: 0 }));

  it('sends the next part after an accepted one, whatever others appended in between', () =>
    given([...mapped(), requested(1, RUN, 3), messageSent(0, { partCount: 3 }), statusSent(1, 0)])
      .with({ content: LONG_TEXT })
      .then({ type: 'SendPart', attempt: 1, partIndex: 1 }));

  it('does not send the parts of an attempt another run requested', () =>
    given([...mapped(), recordedAt(requested(1, OTHER_RUN), T0)])
      .at(after(5_000))
      .then({ type: 'Wait', reason: 'Reconciliation' }));

  it('does not send the parts of an attempt recorded before runs were named', () =>
    given([
      ...mapped(),
      { type: 'SendRequested', data: { waId: WA_ID, attempt: 1, partCount: 1, metaMessageType: 'text' } },
    ]).then({ type: 'Wait', reason: 'Reconciliation' }));
});

describe('outbound workflow: an attempt whose outcome is unknown', () => {
  it('looks again every window/50 (at least a second) while the window lasts', () =>
    given([...mapped(), requested(1, OTHER_RUN)])
      .at(after(10_000))
      .then({ type: 'Wait', ms: 1_200, reason: 'Reconciliation' }));

  it('waits only for what is left of the window', () =>
    given([...mapped(), requested(1, OTHER_RUN)])
      .at(after(59_500))
      .then({ type: 'Wait', ms: 500, reason: 'Reconciliation' }));

  it('requests a new attempt once the window has passed with no status naming the send', () =>
    given([...mapped(), requested(1, OTHER_RUN)])
      .at(after(60_000))
      .then({ command: { type: 'RequestSend', runId: RUN, isPreviousAttemptReconciled: true } }));

  it('waits when this run lost the answer to its own part', () =>
    given([...mapped(), requested(1, RUN)])
      .knowing({ type: 'PartLost', attempt: 1, partIndex: 0 })
      .at(after(1_000))
      .then({ type: 'Wait', reason: 'Reconciliation' }));

  it('sends the remaining parts at once when Meta’s status recorded the lost part', () =>
    given([...mapped(), requested(1, RUN, 3), messageSent(0, { partCount: 3 })])
      .with({ content: LONG_TEXT })
      .knowing({ type: 'PartLost', attempt: 1, partIndex: 0 })
      .at(after(1_000))
      .then({ type: 'SendPart', attempt: 1, partIndex: 1 }));

  it('is done when the status recorded the only part of another run’s attempt', () =>
    given([...mapped(), requested(1, OTHER_RUN), messageSent(0)]).then({ type: 'Done' }));
});

describe('outbound workflow: a refusal', () => {
  it('waits out the backoff after a refusal, not the reconciliation window, even in a new run', () =>
    given([...mapped(), requested(1, OTHER_RUN), refused(1, after(2_000))])
      .at(after(500))
      .then({ type: 'Wait', ms: 1_500, reason: 'Backoff' }));

  it('requests the next attempt once the backoff is over, as settled, not reconciled', () => {
    const scenario = given([...mapped(), requested(1, OTHER_RUN), refused(1, after(2_000))]).at(after(2_000));
    scenario.then({ command: { type: 'RequestSend', runId: RUN } });
    expect(scenario.step()).not.toHaveProperty('command.isPreviousAttemptReconciled');
  });

  it('resends only the parts Meta has not taken: the part count stays', () =>
    given([...mapped(), requested(1, RUN, 3), messageSent(0, { partCount: 3 }), refused(1, T0, 1)])
      .with({ content: LONG_TEXT })
      .then({ command: { type: 'RequestSend', partCount: 3 } }));

  it('gives the message back to the consumer after this run’s attempts, not failing it', () =>
    given([
      ...mapped(),
      requested(1, RUN),
      refused(1, T0),
      requested(2, RUN),
      refused(2, T0),
      requested(3, RUN),
      refused(3, T0),
    ]).then({ type: 'GiveUp' }));

  it('does not count other runs’ attempts against this run', () =>
    given([
      ...mapped(),
      requested(1, OTHER_RUN),
      refused(1, T0),
      requested(2, OTHER_RUN),
      refused(2, T0),
      requested(3, OTHER_RUN),
      refused(3, T0),
    ]).then({ command: { type: 'RequestSend', runId: RUN } }));
});

describe('outbound workflow: a part Meta took', () => {
  const took = (partIndex: number, attempt = 1) => ({
    type: 'PartAccepted' as const,
    wamid: wamidOf(partIndex),
    attempt,
    partIndex,
  });

  it('records it before anything else, even past the pass limit', () =>
    given([...mapped(), requested(1, RUN, 3)])
      .with({ content: LONG_TEXT })
      .knowing(took(0))
      .withRun({ pass: maxPasses(SETTINGS) })
      .then({
        type: 'Record',
        command: { type: 'RecordSent', wamid: wamidOf(0), attempt: 1, partIndex: 0 },
      }));

  it('sends the next part once it is on the stream', () =>
    given([...mapped(), requested(1, RUN, 3), messageSent(0, { partCount: 3 })])
      .with({ content: LONG_TEXT })
      .knowing(took(0))
      .then({ type: 'SendPart', partIndex: 1 }));

  it('leaves it to Meta’s status when that recorded it first', () =>
    given([...mapped(), requested(1, RUN), messageSent(0)])
      .knowing(took(0))
      .then({ type: 'Done' }));

  it('leaves it when another attempt has started since', () =>
    given([...mapped(), requested(1, RUN), requested(2, OTHER_RUN)])
      .knowing(took(0, 1))
      .at(after(1_000))
      .then({ type: 'Wait', reason: 'Reconciliation' }));
});

describe('outbound workflow: the pass limit', () => {
  const limit = maxPasses(SETTINGS);

  it('ends a message that did not settle within its passes', () =>
    given(mapped())
      .withRun({ pass: limit })
      .then({ command: { type: 'RecordSendFailed', stage: 'transform', reason: 'DriverPassLimit' } }));

  it('ends a refused message as failed at the send stage', () =>
    given([...mapped(), requested(1, RUN), refused(1, after(1_000))])
      .withRun({ pass: limit })
      .then({ command: { type: 'RecordSendFailed', stage: 'send', reason: 'DriverPassLimit' } }));

  it('never fails a message Meta may have taken', () =>
    given([...mapped(), requested(1, RUN)])
      .withRun({ pass: limit })
      .then({ type: 'Done', reason: 'PassLimit' }));

  it('stays below the limit one pass earlier', () =>
    given(mapped())
      .withRun({ pass: limit - 1 })
      .then({ command: { type: 'RequestSend' } }));
});

describe('outbound workflow: Meta’s answer to a part', () => {
  // The action as the executor performed it: its own fields must not leak into the command.
  const part = { type: 'SendPart', attempt: 2, partIndex: 1, body: { type: 'text' } } as const;

  it('remembers an accepted part under its attempt before anything is recorded', () =>
    expect(afterSend(part as never, { kind: 'accepted', wamid: wamidOf(1) }, T0)).toEqual({
      type: 'PartAccepted',
      wamid: wamidOf(1),
      attempt: 2,
      partIndex: 1,
    }));

  it('records a refusal with the instant the backoff ends', () =>
    expect(
      afterSend(
        part as never,
        { kind: 'refused', delayMs: 3_000, code: 130429, title: 'Rate limit hit' },
        T0,
      ),
    ).toEqual({
      type: 'Record',
      command: {
        type: 'RecordSendRefused',
        attempt: 2,
        partIndex: 1,
        metaErrorCode: 130429,
        metaErrorTitle: 'Rate limit hit',
        refusedAt: T0.toISOString(),
        retryAt: after(3_000).toISOString(),
      },
    }));

  it('fails the message on a permanent refusal', () =>
    expect(
      afterSend(
        part as never,
        { kind: 'rejected', reason: 'meta_131026', code: 131026, title: 'Undeliverable' },
        T0,
      ),
    ).toMatchObject({
      command: { type: 'RecordSendFailed', stage: 'send', reason: 'meta_131026', metaErrorCode: 131026 },
    }));

  it('records nothing for an unknown outcome: the run only learns it lost the part', () =>
    expect(afterSend(part as never, { kind: 'unknown' }, T0)).toEqual({
      type: 'PartLost',
      attempt: 2,
      partIndex: 1,
    }));
});
