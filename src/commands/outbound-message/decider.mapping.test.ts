import {
  givenMessage,
  mappingMissing,
  mappingResolved,
  receiptWebhookReceived,
  sendFailed,
  webhookReceived,
  WA_ID,
} from './test-fixtures';
import { isEnded } from './state';

const resolve = (resolvedBy: 'conversationId' | 'customerId' = 'conversationId') => ({
  type: 'ResolveMapping' as const,
  waId: WA_ID,
  resolvedBy,
});
const missing = { type: 'RecordMappingMissing' as const, reason: 'NoMappingFound' };

describe('outbound message: resolving the recipient', () => {
  it('records the WhatsApp id found for a received message', () =>
    givenMessage([webhookReceived()])
      .when({ ...resolve(), contactName: 'Asha', phoneNumberId: '1234567' })
      .then([
        {
          type: 'MappingResolved',
          data: { waId: WA_ID, contactName: 'Asha', phoneNumberId: '1234567', resolvedBy: 'conversationId' },
        },
      ]));

  it('records a missing mapping with the conversation and customer ids that were looked up', () =>
    givenMessage([webhookReceived()]).when(missing).then([mappingMissing()]));

  it('accepts a mapping found by customer id when the webhook had no conversation id', () =>
    givenMessage([webhookReceived({ conversationId: null })])
      .when(resolve('customerId'))
      .then([{ type: 'MappingResolved', data: { waId: WA_ID, resolvedBy: 'customerId' } }]));

  it('refuses a mapping "found by conversation id" when the webhook had none', () =>
    givenMessage([webhookReceived({ conversationId: null })])
      .when(resolve('conversationId'))
      .thenThrows('NoConversationId'));

  it('refuses to resolve a message it never received', () =>
    givenMessage([]).when(resolve()).thenThrows('MessageNotReceived'));

  it('refuses to resolve a Genesys receipt, which is never sent', () =>
    givenMessage([receiptWebhookReceived()]).when(resolve()).thenThrows('MessageNotSendable'));

  it('refuses to record a missing mapping for a Genesys receipt', () =>
    givenMessage([receiptWebhookReceived()]).when(missing).thenThrows('MessageNotSendable'));

  it('keeps the first resolution when asked again', () =>
    givenMessage([webhookReceived(), mappingResolved()]).when(resolve('customerId')).then([]));

  it('keeps a resolution when a missing mapping is reported later', () =>
    givenMessage([webhookReceived(), mappingResolved()]).when(missing).then([]));

  it('keeps a missing mapping when a resolution is reported later', () =>
    givenMessage([webhookReceived(), mappingMissing()]).when(resolve()).then([]));

  it('ignores a mapping decision for a message that already failed', () =>
    givenMessage([webhookReceived(), sendFailed()]).when(resolve()).then([]));

  it('ends the message when no mapping exists', () =>
    givenMessage([webhookReceived()])
      .when(missing)
      .thenState((state) => expect(isEnded(state)).toBe(true)));
});
