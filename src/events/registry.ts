/**
 * The catalogue of every event type the bridge has ever written, by type name. Decoding, encoding, topic routing
 * and JSON Schema generation all read this one table.
 */
import { conversationEventDefinitions, type ConversationEvent } from './schemas/conversation-events';
import { customerEventDefinitions, type CustomerEvent } from './schemas/customer-events';
import type { EventCategory, EventDefinition } from './schemas/define';
import { metaWebhookEventDefinitions, type MetaWebhookEvent } from './schemas/meta-webhook-events';
import { outboundEventDefinitions, type OutboundEvent } from './schemas/outbound-events';

/** Any event a decider emits or folds, as a `{ type, data }` pair at its current version. */
export type DomainEvent = OutboundEvent | ConversationEvent | MetaWebhookEvent | CustomerEvent;
export type DomainEventType = DomainEvent['type'];

export const eventDefinitions: readonly EventDefinition[] = [
  ...outboundEventDefinitions,
  ...conversationEventDefinitions,
  ...metaWebhookEventDefinitions,
  ...customerEventDefinitions,
];

const definitionsByType: ReadonlyMap<string, EventDefinition> = new Map(
  eventDefinitions.map((definition) => [definition.type, definition]),
);

export const findEventDefinition = (type: string): EventDefinition | undefined => definitionsByType.get(type);

export const isEventOfCategory = (type: string, category: EventCategory): boolean =>
  findEventDefinition(type)?.category === category;
