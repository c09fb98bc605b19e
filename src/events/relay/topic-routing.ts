import type { StoredEvent } from '../store/types';

/** Topic names of CONTRACT.md, before the deployment's KAFKA_TOPIC_PREFIX. One topic per aggregate family. */
export const OUTBOUND_MESSAGES_TOPIC = 'bridge.outbound-messages.v1';
export const CONVERSATIONS_TOPIC = 'bridge.conversations.v1';
/** Signed Meta webhooks as received (MetaWebhookReceived), for the status processor. */
export const META_WEBHOOKS_TOPIC = 'bridge.meta-webhooks.v1';

/**
 * Inbound customer messages (customer streams). Their events carry no conversation id in the envelope, so the
 * Kafka key is always the customer stream: one customer's messages stay on one partition, in order, even before
 * and after Genesys names the conversation.
 */
export const INBOUND_MESSAGES_TOPIC = 'bridge.inbound-messages.v1';

const routes: ReadonlyArray<{ streamPrefix: string; topic: string }> = [
  { streamPrefix: 'outbound-', topic: OUTBOUND_MESSAGES_TOPIC },
  { streamPrefix: 'conversation-', topic: CONVERSATIONS_TOPIC },
  { streamPrefix: 'meta-webhook-', topic: META_WEBHOOKS_TOPIC },
  { streamPrefix: 'customer-', topic: INBOUND_MESSAGES_TOPIC },
];

/** The Kafka topic an event belongs on, chosen by its stream's family; null for a stream no topic carries. */
export const topicRouter =
  (topicPrefix: string) =>
  (event: Pick<StoredEvent, 'streamId'>): string | null => {
    const route = routes.find(({ streamPrefix }) => event.streamId.startsWith(streamPrefix));
    return route ? `${topicPrefix}${route.topic}` : null;
  };

export interface TopicSpec {
  name: string;
  partitions: number;
}

/** Every topic the relay writes to, with the deployment's prefix and partition count. */
export const relayTopics = (topicPrefix: string, partitions: number): TopicSpec[] =>
  routes.map(({ topic }) => ({ name: `${topicPrefix}${topic}`, partitions }));
