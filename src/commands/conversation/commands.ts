/** Commands on a conversation link stream. */
import type { ConversationLinkedData } from '../../events/schemas/conversation-linked';

/**
 * Link a Genesys conversation to a customer's WhatsApp id and/or business-scoped user id (admin API, State Manager
 * API, or an inbound WhatsApp message). Optional fields left out mean "unchanged", not "cleared" — except the
 * customer's other id when the command names a different customer (see the decider).
 */
export type LinkConversation = { type: 'LinkConversation' } & ConversationLinkedData;

export type ConversationCommand = LinkConversation;
