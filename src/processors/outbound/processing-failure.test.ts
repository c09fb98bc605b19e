import { foldEvents } from '../../commands/decider';
import { outboundMessageDecider } from '../../commands/outbound-message/decider';
import {
  givenMessage,
  imageWebhookReceived,
  mappingMissing,
  mappingResolved,
  mediaStored,
  messageSent,
  receiptWebhookReceived,
  sendFailed,
  sendRequested,
  webhookReceived,
} from '../../commands/outbound-message/test-fixtures';
import type { OutboundEvent } from '../../events/schemas/outbound-events';
import { PROCESSING_FAILED, processingFailure } from './processing-failure';

const unreadableKey = Object.assign(new Error('Unsupported state or unable to authenticate data'), {
  name: 'CipherError',
});

/** Given the message's events, when processing failed permanently, then the message ends so (or not at all). */
const given = (events: OutboundEvent[]) => ({
  whenProcessingFails: () => ({
    thenFailsAt: (stage: string) => {
      const command = processingFailure(foldEvents(outboundMessageDecider, events), unreadableKey);
      expect(command).toMatchObject({ stage, reason: PROCESSING_FAILED });
      expect(command!.message).not.toContain('authenticate');
      // The rules accept it: the message ends with MessageFailed, which the receipt processor posts as Failed.
      const { type: _type, ...data } = command!;
      givenMessage(events)
        .when(command!)
        .then([{ type: 'MessageFailed', data }]);
    },
    thenNothing: () =>
      expect(processingFailure(foldEvents(outboundMessageDecider, events), unreadableKey)).toBeUndefined(),
  }),
});

describe('ending a message after a permanent processing failure', () => {
  it('fails at the mapping stage before the recipient is known', () =>
    given([webhookReceived()]).whenProcessingFails().thenFailsAt('mapping'));

  it('fails at the media stage while the attachment is not stored', () =>
    given([imageWebhookReceived(), mappingResolved()]).whenProcessingFails().thenFailsAt('media'));

  it('fails at the transform stage once everything needed to send is there', () =>
    given([imageWebhookReceived(), mappingResolved(), mediaStored()])
      .whenProcessingFails()
      .thenFailsAt('transform'));

  it('fails at the send stage while a send is outstanding', () =>
    given([webhookReceived(), mappingResolved(), sendRequested()]).whenProcessingFails().thenFailsAt('send'));

  it('leaves a message alone that was sent, ended or never sendable', () => {
    given([webhookReceived(), mappingResolved(), sendRequested(), messageSent()])
      .whenProcessingFails()
      .thenNothing();
    given([webhookReceived(), mappingResolved(), sendRequested(), sendFailed()])
      .whenProcessingFails()
      .thenNothing();
    given([webhookReceived(), mappingMissing()]).whenProcessingFails().thenNothing();
    given([receiptWebhookReceived()]).whenProcessingFails().thenNothing();
  });
});
