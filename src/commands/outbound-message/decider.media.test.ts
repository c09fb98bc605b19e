import { eventExamples } from '../../events/schemas/examples';
import type { RecordMediaStored } from './commands';
import {
  givenMessage,
  imageWebhookReceived,
  mappingMissing,
  mappingResolved,
  mediaStored,
  receiptWebhookReceived,
  webhookReceived,
} from './test-fixtures';

const recordMedia: RecordMediaStored = { type: 'RecordMediaStored', ...eventExamples.MediaStored };

describe('outbound message: storing the attachment', () => {
  it('records where the attachment was stored', () =>
    givenMessage([imageWebhookReceived(), mappingResolved()]).when(recordMedia).then([mediaStored()]));

  it('may store the attachment before the recipient is resolved', () =>
    givenMessage([imageWebhookReceived()]).when(recordMedia).then([mediaStored()]));

  it('records the attachment once: a second copy changes nothing', () =>
    givenMessage([imageWebhookReceived(), mediaStored()]).when(recordMedia).then([]));

  it('refuses media for a message without an attachment', () =>
    givenMessage([webhookReceived()]).when(recordMedia).thenThrows('MessageHasNoAttachment'));

  it('refuses media for a Genesys receipt', () =>
    givenMessage([receiptWebhookReceived()]).when(recordMedia).thenThrows('MessageNotSendable'));

  it('ignores media for a message that will not be sent', () =>
    givenMessage([imageWebhookReceived(), mappingMissing()]).when(recordMedia).then([]));
});
