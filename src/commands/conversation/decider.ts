/**
 * The rules of a conversation link. Re-linking is normal (the State Manager API and inbound messages repeat it
 * all the time), so an identical link decides nothing; any change — a new wa_id or business-scoped user id, a
 * new contact name, a new business number — is recorded as a complete snapshot of the link.
 */
import type { ConversationLinkedData } from '../../events/schemas/conversation-linked';
import type { ConversationEvent } from '../../events/schemas/conversation-events';
import { CommandRejected } from '../command-rejected';
import type { Decider } from '../decider';
import type { ConversationCommand, LinkConversation } from './commands';

export type ConversationRejectionCode = 'ConversationMismatch';

export interface ConversationState {
  link: ConversationLinkedData | null;
}

export const initialConversationState = (): ConversationState => ({ link: null });

/** Fields a command may leave out to mean "unchanged". The customer's ids follow their own rule (customerOf). */
const DETAIL_FIELDS = ['contactName', 'phoneNumberId', 'displayPhoneNumber'] as const;
const LINK_FIELDS = ['waId', 'userId', ...DETAIL_FIELDS] as const;

const sameWaId = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && a.replace(/^\+/, '') === b.replace(/^\+/, '');

/**
 * The customer after the command. A command that names the linked customer by one of its ids keeps the other id
 * it leaves out (a customer first known by a business-scoped id who later shares a number is one customer). A
 * command naming another customer replaces both ids: keeping the previous customer's other id would let a reply
 * reach the wrong person.
 */
const customerOf = (current: ConversationLinkedData | null, command: LinkConversation) => {
  const isSameCustomer =
    current !== null &&
    (sameWaId(command.waId, current.waId) ||
      (command.userId !== undefined && command.userId === current.userId));
  const waId = command.waId ?? (isSameCustomer ? current.waId : undefined);
  const userId = command.userId ?? (isSameCustomer ? current.userId : undefined);
  return { ...(waId !== undefined ? { waId } : {}), ...(userId !== undefined ? { userId } : {}) };
};

/** The link after the command: provided fields replace, omitted optional fields keep what we knew. */
const mergedLink = (
  current: ConversationLinkedData | null,
  command: LinkConversation,
): ConversationLinkedData => {
  const { waId: _waId, userId: _userId, ...details } = current ?? { conversationId: command.conversationId };
  const merged: ConversationLinkedData = {
    ...details,
    conversationId: command.conversationId,
    ...customerOf(current, command),
  };
  for (const field of DETAIL_FIELDS) {
    const value = command[field];
    if (value !== undefined) merged[field] = value;
  }
  return merged;
};

const isSameLink = (a: ConversationLinkedData, b: ConversationLinkedData): boolean =>
  LINK_FIELDS.every((field) => a[field] === b[field]);

export const decideConversation = (
  command: ConversationCommand,
  state: ConversationState,
): ConversationEvent[] => {
  const current = state.link;
  // The stream is keyed by conversation id; a command for another conversation is a routing bug.
  if (current !== null && current.conversationId !== command.conversationId) {
    throw new CommandRejected<ConversationRejectionCode>(
      'ConversationMismatch',
      'The command names another conversation than its stream',
    );
  }
  const next = mergedLink(current, command);
  if (current !== null && isSameLink(current, next)) return [];
  return [{ type: 'ConversationLinked', data: next }];
};

export const evolveConversation = (
  _state: ConversationState,
  event: ConversationEvent,
): ConversationState => {
  switch (event.type) {
    case 'ConversationLinked':
      return { link: event.data };
  }
};

export const conversationDecider: Decider<ConversationCommand, ConversationEvent, ConversationState> = {
  decide: decideConversation,
  evolve: evolveConversation,
  initialState: initialConversationState,
};
