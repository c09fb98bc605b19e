/** Commands on a customer stream (inbound messages of one customer to one business number). */
import type { InboundPostedToGenesysData, InboundPostFailedData } from '../../events/schemas/inbound-posted';
import type { InboundMarkedReadData, InboundMarkReadFailedData } from '../../events/schemas/inbound-read';

export type RecordInboundPosted = { type: 'RecordInboundPosted' } & InboundPostedToGenesysData;
export type RecordInboundPostFailed = { type: 'RecordInboundPostFailed' } & InboundPostFailedData;

export type RecordInboundMarkedRead = { type: 'RecordInboundMarkedRead' } & InboundMarkedReadData;
export type RecordInboundMarkReadFailed = { type: 'RecordInboundMarkReadFailed' } & InboundMarkReadFailedData;

export type CustomerCommand =
  RecordInboundPosted | RecordInboundPostFailed | RecordInboundMarkedRead | RecordInboundMarkReadFailed;
