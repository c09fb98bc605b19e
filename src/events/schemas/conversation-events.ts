/** Every event of a `conversation-{tenant}-{conversationId}` (stream-ids.ts) stream. */
import { conversationLinkedEvent } from './conversation-linked';
import type { EventOf } from './define';

export const conversationEventDefinitions = [conversationLinkedEvent] as const;

export type ConversationEvent = EventOf<(typeof conversationEventDefinitions)[number]>;
export type ConversationEventType = ConversationEvent['type'];
