/** Every event of a `customer-{tenant}-{phoneNumberId}-{customerKey}` (stream-ids.ts) stream. */
import type { EventOf } from './define';
import { inboundMessageReceivedEvent } from './inbound-message-received';
import { inboundPostedToGenesysEvent, inboundPostFailedEvent } from './inbound-posted';

export const customerEventDefinitions = [
  inboundMessageReceivedEvent,
  inboundPostedToGenesysEvent,
  inboundPostFailedEvent,
] as const;

export type CustomerEvent = EventOf<(typeof customerEventDefinitions)[number]>;
export type CustomerEventType = CustomerEvent['type'];
