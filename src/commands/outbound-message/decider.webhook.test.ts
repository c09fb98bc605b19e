import { givenMessage, receiveWebhook, webhookReceived } from './test-fixtures';

const NO_CONTENT = { attachments: [], unhandledContent: [] };

describe('outbound message: receiving the Genesys webhook', () => {
  it('records a text message as sendable', () =>
    givenMessage([])
      .when(receiveWebhook())
      .then([webhookReceived({ isSendable: true })]));

  it('records a Structured message as sendable', () =>
    givenMessage([])
      .when(receiveWebhook({ messageType: 'Structured' }))
      .then([webhookReceived({ messageType: 'Structured', isSendable: true })]));

  it.each(['Receipt', 'Event'] as const)('records a %s for audit but never as sendable', (messageType) =>
    givenMessage([])
      .when(receiveWebhook({ messageType, content: NO_CONTENT }))
      .then([webhookReceived({ messageType, content: NO_CONTENT, isSendable: false })]),
  );

  it('keeps an older Genesys payload that carries no conversation id', () =>
    givenMessage([])
      .when(receiveWebhook({ conversationId: null }))
      .then([webhookReceived({ conversationId: null })]));

  it('ignores a Genesys retry of a message it already holds', () =>
    givenMessage([webhookReceived()]).when(receiveWebhook()).then([]));

  it('ignores a retry even when its body differs: the first webhook is the record', () =>
    givenMessage([webhookReceived()])
      .when(
        receiveWebhook({
          content: { ...NO_CONTENT, text: 'edited' },
          receivedAt: '2024-05-01T10:00:09.000Z',
        }),
      )
      .then([]));
});
