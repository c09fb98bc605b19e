import type { RecordSendFailed, RecordSent } from './commands';
import { isFullySent } from './state';
import {
  givenMessage,
  imageWebhookReceived,
  mappingMissing,
  mappingResolved,
  mediaStored,
  messageSent,
  receiptWebhookReceived,
  requestSend,
  sendFailed,
  sendRequested,
  sentText,
  WA_ID,
  wamidOf,
  webhookReceived,
} from './test-fixtures';

const recordSent = (partIndex = 0, wamid = wamidOf(partIndex)): RecordSent => ({
  type: 'RecordSent',
  wamid,
  partIndex,
});

const sendFailure = (overrides: Partial<RecordSendFailed> = {}): RecordSendFailed => ({
  type: 'RecordSendFailed',
  stage: 'send',
  reason: 'MetaRejected',
  message: 'Meta refused the message',
  metaErrorCode: 131026,
  ...overrides,
});

const mapped = () => [webhookReceived(), mappingResolved()];

describe('outbound message: requesting the send', () => {
  it('requests the first send to the mapped WhatsApp id as attempt 1', () =>
    givenMessage(mapped())
      .when(requestSend())
      .then([sendRequested(1)]));

  it('carries the part count of a split text', () =>
    givenMessage(mapped())
      .when(requestSend({ partCount: 3 }))
      .then([sendRequested(1, 3)]));

  it('sends an attachment once its media is stored', () =>
    givenMessage([imageWebhookReceived(), mappingResolved(), mediaStored()])
      .when(requestSend({ metaMessageType: 'image' }))
      .then([
        { type: 'SendRequested', data: { waId: WA_ID, attempt: 1, partCount: 1, metaMessageType: 'image' } },
      ]));

  it('refuses to send an attachment whose media is not stored yet', () =>
    givenMessage([imageWebhookReceived(), mappingResolved()])
      .when(requestSend({ metaMessageType: 'image' }))
      .thenThrows('MediaNotStored'));

  it('refuses to send before the recipient is resolved', () =>
    givenMessage([webhookReceived()]).when(requestSend()).thenThrows('MessageNotMapped'));

  it('refuses to send a message without a recipient', () =>
    givenMessage([webhookReceived(), mappingMissing()])
      .when(requestSend())
      .thenThrows('MessageAlreadyFailed'));

  it('refuses to send a message that failed', () =>
    givenMessage([...mapped(), sendRequested(), sendFailed()])
      .when(requestSend())
      .thenThrows('MessageAlreadyFailed'));

  it('refuses to send a message again once every part was sent', () =>
    givenMessage(sentText()).when(requestSend()).thenThrows('MessageAlreadySent'));

  it('refuses to send a Genesys receipt', () =>
    givenMessage([receiptWebhookReceived()]).when(requestSend()).thenThrows('MessageNotSendable'));

  it('refuses to send a message it never received', () =>
    givenMessage([]).when(requestSend()).thenThrows('MessageNotReceived'));

  describe('when an earlier attempt has no recorded outcome', () => {
    it('refuses to send again: the attempt may have reached Meta', () =>
      givenMessage([...mapped(), sendRequested(1)])
        .when(requestSend())
        .thenThrows('SendOutcomeUnknown'));

    it('refuses to send again when only some parts were recorded as sent', () =>
      givenMessage([...mapped(), sendRequested(1, 2), messageSent(0, { partCount: 2 })])
        .when(requestSend({ partCount: 2 }))
        .thenThrows('SendOutcomeUnknown'));

    it('sends attempt 2 once the caller has reconciled that attempt 1 did not reach Meta', () =>
      givenMessage([...mapped(), sendRequested(1)])
        .when(requestSend({ isPreviousAttemptReconciled: true }))
        .then([sendRequested(2)]));

    it('keeps numbering attempts upwards', () =>
      givenMessage([...mapped(), sendRequested(1), sendRequested(2)])
        .when(requestSend({ isPreviousAttemptReconciled: true }))
        .then([sendRequested(3)]));

    it('resumes a partly sent message with the same part split', () =>
      givenMessage([...mapped(), sendRequested(1, 2), messageSent(0, { partCount: 2 })])
        .when(requestSend({ partCount: 2, isPreviousAttemptReconciled: true }))
        .then([sendRequested(2, 2)]));

    it('refuses to re-split a partly sent message', () =>
      givenMessage([...mapped(), sendRequested(1, 2), messageSent(0, { partCount: 2 })])
        .when(requestSend({ partCount: 3, isPreviousAttemptReconciled: true }))
        .thenThrows('PartCountChanged'));
  });
});

describe('outbound message: recording what Meta accepted', () => {
  it('records the wamid of a one-part message with its recipient and attempt', () =>
    givenMessage([...mapped(), sendRequested()])
      .when(recordSent())
      .then([messageSent()]));

  it('records the wamid of the attempt that was reconciled', () =>
    givenMessage([...mapped(), sendRequested(1), sendRequested(2)])
      .when(recordSent())
      .then([messageSent(0, { attempt: 2 })]));

  it('records each part of a split message and is fully sent after the last', () => {
    const history = [...mapped(), sendRequested(1, 2), messageSent(0, { partCount: 2 })];
    givenMessage(history)
      .when(recordSent(1))
      .then([messageSent(1, { partCount: 2 })]);
    givenMessage(history)
      .when(recordSent(1))
      .thenState((state) => expect(isFullySent(state)).toBe(true));
  });

  it('is not fully sent while a part is missing', () =>
    givenMessage([...mapped(), sendRequested(1, 2)])
      .when(recordSent(0))
      .thenState((state) => expect(isFullySent(state)).toBe(false)));

  it('ignores the same wamid reported again for a part', () =>
    givenMessage(sentText()).when(recordSent()).then([]));

  it('refuses a second, different wamid for a part already sent', () =>
    givenMessage(sentText()).when(recordSent(0, 'wamid.other')).thenThrows('PartAlreadySent'));

  it("refuses a wamid that is already another part's", () =>
    givenMessage([...mapped(), sendRequested(1, 2), messageSent(0, { partCount: 2 })])
      .when(recordSent(1, wamidOf(0)))
      .thenThrows('WamidAlreadyUsed'));

  it('refuses a part index beyond the part count', () =>
    givenMessage([...mapped(), sendRequested(1, 2)])
      .when(recordSent(2))
      .thenThrows('PartIndexOutOfRange'));

  it('refuses a sent part before any send was requested', () =>
    givenMessage(mapped()).when(recordSent()).thenThrows('NoSendRequested'));

  it('records a send reconciled from Meta for the attempt still outstanding', () =>
    givenMessage([...mapped(), sendRequested(1), sendRequested(2)])
      .when({ ...recordSent(), attempt: 2 })
      .then([messageSent(0, { attempt: 2 })]));

  it('refuses a send reconciled for an attempt that another has superseded', () =>
    givenMessage([...mapped(), sendRequested(1), sendRequested(2)])
      .when({ ...recordSent(), attempt: 1 })
      .thenThrows('AttemptSuperseded'));
});

describe('outbound message: recording a permanent failure', () => {
  it('records Meta refusing the send', () =>
    givenMessage([...mapped(), sendRequested()])
      .when(sendFailure())
      .then([sendFailed()]));

  it('records a media failure before any send', () =>
    givenMessage([imageWebhookReceived(), mappingResolved()])
      .when(
        sendFailure({
          stage: 'media',
          reason: 'MediaTooLarge',
          message: 'Over 5 MB',
          metaErrorCode: undefined,
        }),
      )
      .then([
        { type: 'MessageFailed', data: { stage: 'media', reason: 'MediaTooLarge', message: 'Over 5 MB' } },
      ]));

  it('keeps the first failure: failed is final', () =>
    givenMessage([...mapped(), sendRequested(), sendFailed()])
      .when(sendFailure({ reason: 'Other' }))
      .then([]));

  it('ignores a failure for a message without a recipient', () =>
    givenMessage([webhookReceived(), mappingMissing()])
      .when(sendFailure({ stage: 'transform' }))
      .then([]));

  it('refuses a send failure when no send is in progress', () =>
    givenMessage(mapped()).when(sendFailure()).thenThrows('NoSendInProgress'));

  it('refuses a failure once every part was sent', () =>
    givenMessage(sentText()).when(sendFailure()).thenThrows('MessageAlreadySent'));

  it('settles an unknown outcome, so the message cannot be sent again', () =>
    givenMessage([...mapped(), sendRequested()])
      .when(sendFailure())
      .thenState((state) => expect(state.isAwaitingSendOutcome).toBe(false)));
});
