import type { DecodedEvent } from '../../events/decode';
import type { MediaStoredData } from '../../events/schemas/media-stored';
import type { OutboundEvent } from '../../events/schemas/outbound-events';
import type { WebhookReceivedData } from '../../events/schemas/webhook-received';
import type { OutboundContent } from '../../transform/outbound-content';

/** What the processor needs from a message's history beyond the decider's state: the facts it acts on. */
export interface OutboundView {
  webhook: WebhookReceivedData;
  /** The message as the transform reads it; undefined when the stored body could not be translated. */
  content: OutboundContent | undefined;
  media?: MediaStoredData;
  /** When the latest SendRequested was recorded: the start of its reconciliation window. */
  lastSendRequestedAt?: string;
}

/** The event's content with the message's type and sendability, which the event keeps beside it. */
export const outboundContent = (webhook: WebhookReceivedData): OutboundContent | undefined =>
  webhook.content === null
    ? undefined
    : { messageType: webhook.messageType, isSendable: webhook.isSendable, ...webhook.content };

export const outboundView = (history: readonly DecodedEvent<OutboundEvent>[]): OutboundView | undefined => {
  let view: OutboundView | undefined;
  for (const event of history) {
    if (event.type === 'WebhookReceived')
      view = { webhook: event.data, content: outboundContent(event.data) };
    else if (view && event.type === 'MediaStored') view.media = event.data;
    else if (view && event.type === 'SendRequested') view.lastSendRequestedAt = event.envelope.recordedAt;
  }
  return view;
};
