import type { OutboundEvent } from '../../events/schemas/outbound-events';
import {
  delivered,
  deliveryFailed,
  givenMessage,
  mappingResolved,
  messageSent,
  metaStatus,
  metaTime,
  read,
  sendRequested,
  sentText,
  statusSent,
  wamidOf,
  webhookReceived,
} from './test-fixtures';

const twoParts = (): OutboundEvent[] => [
  webhookReceived(),
  mappingResolved(),
  sendRequested(1, 2),
  messageSent(0, { partCount: 2 }),
  messageSent(1, { partCount: 2 }),
];

describe('outbound message: Meta statuses move forward only', () => {
  it("records Meta's sent status with its time as an ISO instant", () =>
    givenMessage(sentText())
      .when(metaStatus('sent', 1))
      .then([statusSent(1)]));

  it('converts a real Meta timestamp exactly', () =>
    givenMessage(sentText())
      .when(metaStatus('sent', 0, { timestamp: '1603059201' }))
      .then([{ type: 'StatusSent', data: { wamid: wamidOf(0), sentAt: '2020-10-18T22:13:21.000Z' } }]));

  it('records delivered after sent', () =>
    givenMessage([...sentText(), statusSent(1)])
      .when(metaStatus('delivered', 2))
      .then([delivered(2)]));

  it('records delivered when Meta skipped sent', () =>
    givenMessage(sentText())
      .when(metaStatus('delivered', 2))
      .then([delivered(2)]));

  it('records read after delivered', () =>
    givenMessage([...sentText(), delivered(2)])
      .when(metaStatus('read', 30))
      .then([read(30)]));

  it('infers delivery from a read that arrives before delivered, at the read time', () =>
    givenMessage([...sentText(), statusSent(1)])
      .when(metaStatus('read', 30))
      .then([delivered(30, 0, true), read(30)]));

  it.each<[string, OutboundEvent[], 'sent' | 'delivered' | 'read']>([
    ['sent after sent', [statusSent(1)], 'sent'],
    ['sent after delivered', [delivered(2)], 'sent'],
    ['delivered after delivered', [delivered(2)], 'delivered'],
    ['delivered after read', [delivered(2), read(30)], 'delivered'],
    ['read after read', [delivered(2), read(30)], 'read'],
    ['sent after read', [delivered(2), read(30)], 'sent'],
  ])('ignores %s', (_name, history, status) =>
    givenMessage([...sentText(), ...history])
      .when(metaStatus(status, 40))
      .then([]),
  );

  it('passes on the recipient id Meta reports', () =>
    givenMessage(sentText())
      .when(metaStatus('delivered', 2, { recipientId: '919876543210' }))
      .then([
        {
          type: 'Delivered',
          data: {
            wamid: wamidOf(0),
            deliveredAt: metaTime(2).iso,
            recipientId: '919876543210',
            isInferredFromRead: false,
          },
        },
      ]));

  it('tracks each part of a split message on its own', () =>
    givenMessage([...twoParts(), delivered(2, 0), read(30, 0)])
      .when(metaStatus('delivered', 3, { wamid: wamidOf(1) }))
      .then([delivered(3, 1)]));
});

describe('outbound message: Meta failed status', () => {
  const metaError = { code: 131026, title: 'Message undeliverable', details: 'Receiver is incapable' };

  it('records a failure after sent as a delivery failure with Meta error details', () =>
    givenMessage([...sentText(), statusSent(1)])
      .when(metaStatus('failed', 5, { error: metaError }))
      .then([
        {
          type: 'MessageFailed',
          data: {
            stage: 'delivery',
            reason: 'MetaDeliveryFailed',
            message: 'Message undeliverable',
            wamid: wamidOf(0),
            metaErrorCode: 131026,
            metaErrorTitle: 'Message undeliverable',
            metaErrorDetails: 'Receiver is incapable',
          },
        },
      ]));

  it('prefers the Meta error message over its title as the human text', () =>
    givenMessage(sentText())
      .when(
        metaStatus('failed', 5, {
          error: { code: 131047, title: 'Re-engagement message', message: 'More than 24h' },
        }),
      )
      .then([
        {
          type: 'MessageFailed',
          data: {
            stage: 'delivery',
            reason: 'MetaDeliveryFailed',
            message: 'More than 24h',
            wamid: wamidOf(0),
            metaErrorCode: 131047,
            metaErrorTitle: 'Re-engagement message',
          },
        },
      ]));

  it('records a failure that comes without an error object', () =>
    givenMessage(sentText())
      .when(metaStatus('failed', 5))
      .then([
        {
          type: 'MessageFailed',
          data: {
            stage: 'delivery',
            reason: 'MetaDeliveryFailed',
            message: 'Meta reported the message as failed',
            wamid: wamidOf(0),
          },
        },
      ]));

  it('ignores a failure after delivery: the customer has the message', () =>
    givenMessage([...sentText(), delivered(2)])
      .when(metaStatus('failed', 5))
      .then([]));

  it('ignores a failure after read', () =>
    givenMessage([...sentText(), delivered(2), read(30)])
      .when(metaStatus('failed', 40))
      .then([]));

  it.each(['sent', 'delivered', 'read', 'failed'] as const)(
    'ignores %s after failed: failed is final',
    (status) =>
      givenMessage([...sentText(), deliveryFailed()])
        .when(metaStatus(status, 50))
        .then([]),
  );

  it('records a failure of one part while another part was delivered', () =>
    givenMessage([...twoParts(), delivered(2, 0)])
      .when(metaStatus('failed', 5, { wamid: wamidOf(1) }))
      .then([
        {
          type: 'MessageFailed',
          data: {
            stage: 'delivery',
            reason: 'MetaDeliveryFailed',
            message: 'Meta reported the message as failed',
            wamid: wamidOf(1),
          },
        },
      ]));
});

describe('outbound message: statuses that cannot apply', () => {
  it('refuses a status for a wamid that is not a part of this message', () =>
    givenMessage(sentText())
      .when(metaStatus('delivered', 2, { wamid: 'wamid.someone-else' }))
      .thenThrows('UnknownWamid'));

  it('refuses a status before Meta accepted any part', () =>
    givenMessage([webhookReceived(), mappingResolved(), sendRequested()])
      .when(metaStatus('delivered', 2))
      .thenThrows('UnknownWamid'));

  it('refuses a status for a message it never received', () =>
    givenMessage([]).when(metaStatus('delivered', 2)).thenThrows('MessageNotReceived'));

  it.each(['2024-05-01T10:00:00Z', '-5', '', '17145576.5'])('refuses the timestamp %j', (timestamp) =>
    givenMessage(sentText())
      .when(metaStatus('delivered', 0, { timestamp }))
      .thenThrows('InvalidMetaTimestamp'),
  );
});
