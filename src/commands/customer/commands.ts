/** Commands on a customer stream (inbound messages of one customer to one business number). */
import type { InboundPostedToGenesysData, InboundPostFailedData } from '../../events/schemas/inbound-posted';

export type RecordInboundPosted = { type: 'RecordInboundPosted' } & InboundPostedToGenesysData;
export type RecordInboundPostFailed = { type: 'RecordInboundPostFailed' } & InboundPostFailedData;

export type CustomerCommand = RecordInboundPosted | RecordInboundPostFailed;
