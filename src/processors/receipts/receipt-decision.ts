/**
 * Which receipt an outbound event calls for, and whether the message still needs it. At most one receipt per
 * message and status: the stream's ReceiptPosted events say what was posted already.
 */
import type { OutboundState } from '../../commands/outbound-message/state';
import type { DecodedEvent } from '../../events/decode';
import type { OutboundEvent } from '../../events/schemas/outbound-events';
import type { PostedReceiptStatus, ReceiptFacts } from './receipt-body';
import { failureReason, MAPPING_MISSING_REASON } from './receipt-reasons';

export type WantedReceipt = Pick<ReceiptFacts, 'status' | 'time' | 'failure'>;

/** The event types that can call for a receipt. */
export const RECEIPT_TRIGGERS: ReadonlySet<string> = new Set([
  'Delivered',
  'Read',
  'MessageFailed',
  'MappingMissing',
]);

export const wantedReceipt = (event: DecodedEvent<OutboundEvent>): WantedReceipt | undefined => {
  switch (event.type) {
    case 'Delivered':
      return { status: 'Delivered', time: event.data.deliveredAt };
    case 'Read':
      // Genesys takes no Read receipt on this endpoint; a read part was delivered, so Delivered covers it
      // (normally posted already, for the Delivered event the decider records before every Read).
      return { status: 'Delivered', time: event.data.readAt };
    case 'MessageFailed':
      return {
        status: 'Failed',
        time: event.envelope.occurredAt,
        failure: { reason: failureReason(event.data), message: event.data.message },
      };
    case 'MappingMissing':
      return {
        status: 'Failed',
        time: event.envelope.occurredAt,
        failure: {
          reason: MAPPING_MISSING_REASON,
          message: 'No WhatsApp recipient is known for this conversation',
        },
      };
    default:
      return undefined;
  }
};

/**
 * A receipt is due when this status was never posted for the message. Failed is final: after it, a Delivered (of
 * another part of a split message) is not posted, so Genesys never sees a message go from failed to delivered.
 */
export const isReceiptDue = (status: PostedReceiptStatus, state: OutboundState): boolean =>
  state.message?.isSendable === true &&
  !state.receiptsPosted.includes(status) &&
  !(status === 'Delivered' && state.receiptsPosted.includes('Failed'));
