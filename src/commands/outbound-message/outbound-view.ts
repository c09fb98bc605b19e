import type { DecodedEvent } from '../../events/decode';
import type { MediaStoredData } from '../../events/schemas/media-stored';
import type { OutboundEvent } from '../../events/schemas/outbound-events';
import type { WebhookReceivedData } from '../../events/schemas/webhook-received';

/** What the processor needs from a message's history beyond the decider's state: the facts it acts on. */
export interface OutboundView {
  webhook: WebhookReceivedData;
  media?: MediaStoredData;
  /** When the latest SendRequested was recorded: the start of its reconciliation window. */
  lastSendRequestedAt?: string;
}

export const outboundView = (history: readonly DecodedEvent<OutboundEvent>[]): OutboundView | undefined => {
  let view: OutboundView | undefined;
  for (const event of history) {
    if (event.type === 'WebhookReceived') view = { webhook: event.data };
    else if (view && event.type === 'MediaStored') view.media = event.data;
    else if (view && event.type === 'SendRequested') view.lastSendRequestedAt = event.envelope.recordedAt;
  }
  return view;
};
