/** Every event of an `outbound-{tenant}-{genesysMessageId}` (stream-ids.ts) stream. */
import { deliveredEvent } from './delivered';
import type { EventOf } from './define';
import { mappingMissingEvent } from './mapping-missing';
import { mappingResolvedEvent } from './mapping-resolved';
import { mediaStoredEvent } from './media-stored';
import { messageFailedEvent } from './message-failed';
import { messageSentEvent } from './message-sent';
import { readEvent } from './read';
import { receiptPostedEvent } from './receipt-posted';
import { sendRefusedEvent } from './send-refused';
import { sendRequestedEvent } from './send-requested';
import { statusSentEvent } from './status-sent';
import { webhookReceivedEvent } from './webhook-received';

export const outboundEventDefinitions = [
  webhookReceivedEvent,
  mappingResolvedEvent,
  mappingMissingEvent,
  mediaStoredEvent,
  sendRequestedEvent,
  sendRefusedEvent,
  messageSentEvent,
  messageFailedEvent,
  statusSentEvent,
  deliveredEvent,
  readEvent,
  receiptPostedEvent,
] as const;

export type OutboundEvent = EventOf<(typeof outboundEventDefinitions)[number]>;
export type OutboundEventType = OutboundEvent['type'];
