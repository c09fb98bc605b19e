/** Every event of a `customer-{tenant}-{phoneNumberId}-{customerKey}` (stream-ids.ts) stream. */
import type { EventOf } from './define';
import { inboundMessageReceivedEvent } from './inbound-message-received';
import { inboundPostedToGenesysEvent, inboundPostFailedEvent } from './inbound-posted';
import { inboundMarkedReadEvent, inboundMarkReadFailedEvent } from './inbound-read';
import { inboundReceiptReceivedEvent } from './inbound-receipt';

export const customerEventDefinitions = [
  inboundMessageReceivedEvent,
  inboundPostedToGenesysEvent,
  inboundPostFailedEvent,
  inboundMarkedReadEvent,
  inboundMarkReadFailedEvent,
  inboundReceiptReceivedEvent,
] as const;

export type CustomerEvent = EventOf<(typeof customerEventDefinitions)[number]>;
export type CustomerEventType = CustomerEvent['type'];
