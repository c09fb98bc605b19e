/** Commands on a customer stream (inbound messages of one customer to one business number). */
import type { InboundPostedToGenesysData, InboundPostFailedData } from '../../events/schemas/inbound-posted';
import type { InboundMarkedReadData, InboundMarkReadFailedData } from '../../events/schemas/inbound-read';
import type { InboundReceiptReceivedData } from '../../events/schemas/inbound-receipt';

export type RecordInboundPosted = { type: 'RecordInboundPosted' } & InboundPostedToGenesysData;
export type RecordInboundPostFailed = { type: 'RecordInboundPostFailed' } & InboundPostFailedData;

export type RecordInboundMarkedRead = { type: 'RecordInboundMarkedRead' } & InboundMarkedReadData;
export type RecordInboundMarkReadFailed = { type: 'RecordInboundMarkReadFailed' } & InboundMarkReadFailedData;

/** Genesys' receipt about an inbound message (outbound webhook, `type: Receipt`, `direction: Inbound`). */
export type RecordInboundReceipt = { type: 'RecordInboundReceipt' } & InboundReceiptReceivedData;

export type CustomerCommand =
  | RecordInboundPosted
  | RecordInboundPostFailed
  | RecordInboundMarkedRead
  | RecordInboundMarkReadFailed
  | RecordInboundReceipt;
