/** Commands on a conversation link stream. */
import type { ConversationLinkedData } from '../../events/schemas/conversation-linked';

/**
 * Link a Genesys conversation to a WhatsApp id (admin API, State Manager API, or an inbound WhatsApp message).
 * Optional fields left out mean "unchanged", not "cleared".
 */
export type LinkConversation = { type: 'LinkConversation' } & ConversationLinkedData;

export type ConversationCommand = LinkConversation;
