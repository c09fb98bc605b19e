/** Every event of a `meta-webhook-{sha256}` stream. */
import type { EventOf } from './define';
import { metaWebhookReceivedEvent } from './meta-webhook-received';

export const metaWebhookEventDefinitions = [metaWebhookReceivedEvent] as const;

export type MetaWebhookEvent = EventOf<(typeof metaWebhookEventDefinitions)[number]>;
export type MetaWebhookEventType = MetaWebhookEvent['type'];
