import { initialOutboundState, type OutboundState } from '../../commands/outbound-message/state';
import type { DecodedEvent } from '../../events/decode';
import type { OutboundEvent } from '../../events/schemas/outbound-events';
import type { ReceiptStatus } from '../../events/schemas/receipt-posted';
import { isReceiptDue, wantedReceipt } from './receipt-decision';

const decoded = (event: OutboundEvent, occurredAt = '2025-10-17T00:00:30.000Z') =>
  ({ ...event, version: 1, envelope: { occurredAt } }) as DecodedEvent<OutboundEvent>;

const stateWith = (receiptsPosted: ReceiptStatus[], isSendable = true): OutboundState => ({
  ...initialOutboundState(),
  message: { conversationId: 'c', customerId: 'cust', isSendable, hasAttachment: false },
  receiptsPosted,
});

describe('wantedReceipt', () => {
  it("asks for Delivered at Meta's delivery time", () =>
    expect(
      wantedReceipt(
        decoded({
          type: 'Delivered',
          data: { wamid: 'w', deliveredAt: '2025-10-17T00:00:26.000Z', isInferredFromRead: false },
        }),
      ),
    ).toEqual({ status: 'Delivered', time: '2025-10-17T00:00:26.000Z' }));

  it('asks for Delivered (not Read) for a read', () =>
    expect(
      wantedReceipt(decoded({ type: 'Read', data: { wamid: 'w', readAt: '2025-10-17T00:01:00.000Z' } })),
    ).toEqual({
      status: 'Delivered',
      time: '2025-10-17T00:01:00.000Z',
    }));

  it('asks for Failed with the mapped reason and the failure message', () =>
    expect(
      wantedReceipt(
        decoded({
          type: 'MessageFailed',
          data: {
            stage: 'delivery',
            reason: 'MetaDeliveryFailed',
            message: 'Re-engagement message',
            metaErrorCode: 131047,
            wamid: 'w',
          },
        }),
      ),
    ).toEqual({
      status: 'Failed',
      time: '2025-10-17T00:00:30.000Z',
      failure: { reason: 'MessageExpired', message: 'Re-engagement message' },
    }));

  it('asks for Failed / InvalidDestination when no WhatsApp mapping exists', () =>
    expect(
      wantedReceipt(
        decoded({
          type: 'MappingMissing',
          data: { conversationId: 'c', customerId: 'x', reason: 'NoMappingFound' },
        }),
      ),
    ).toMatchObject({ status: 'Failed', failure: { reason: 'InvalidDestination' } }));

  it('asks for nothing on other events', () =>
    expect(wantedReceipt(decoded({ type: 'ReceiptPosted', data: { status: 'Delivered' } }))).toBeUndefined());
});

describe('isReceiptDue', () => {
  it('is due once per status', () => {
    expect(isReceiptDue('Delivered', stateWith([]))).toBe(true);
    expect(isReceiptDue('Delivered', stateWith(['Delivered']))).toBe(false);
    expect(isReceiptDue('Failed', stateWith(['Delivered']))).toBe(true);
    expect(isReceiptDue('Failed', stateWith(['Failed']))).toBe(false);
  });

  it('posts no Delivered after a Failed', () =>
    expect(isReceiptDue('Delivered', stateWith(['Failed']))).toBe(false));

  it('posts nothing for a webhook that was never sendable', () =>
    expect(isReceiptDue('Failed', stateWith([], false))).toBe(false));
});
