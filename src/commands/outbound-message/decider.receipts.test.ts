import type { RecordReceiptPosted } from './commands';
import { givenMessage, receiptWebhookReceived, sentText } from './test-fixtures';

const receipt = (status: RecordReceiptPosted['status'], reason?: string): RecordReceiptPosted => ({
  type: 'RecordReceiptPosted',
  status,
  ...(reason === undefined ? {} : { reason }),
});

describe('outbound message: receipts posted to Genesys', () => {
  it('records a posted Delivered receipt', () =>
    givenMessage(sentText())
      .when(receipt('Delivered'))
      .then([{ type: 'ReceiptPosted', data: { status: 'Delivered' } }]));

  it('records a posted Failed receipt with its reason', () =>
    givenMessage(sentText())
      .when(receipt('Failed', 'GeneralError'))
      .then([{ type: 'ReceiptPosted', data: { status: 'Failed', reason: 'GeneralError' } }]));

  it('records each receipt status at most once', () =>
    givenMessage([...sentText(), { type: 'ReceiptPosted', data: { status: 'Delivered' } }])
      .when(receipt('Delivered'))
      .then([]));

  it('records a Read receipt after a Delivered one', () =>
    givenMessage([...sentText(), { type: 'ReceiptPosted', data: { status: 'Delivered' } }])
      .when(receipt('Read'))
      .then([{ type: 'ReceiptPosted', data: { status: 'Read' } }]));

  it('refuses a receipt for a message it never received', () =>
    givenMessage([]).when(receipt('Delivered')).thenThrows('MessageNotReceived'));

  it('refuses a receipt for a Genesys receipt', () =>
    givenMessage([receiptWebhookReceived()]).when(receipt('Delivered')).thenThrows('MessageNotSendable'));
});
