/** Runs a command on the link stream of one Genesys conversation. */
import { decodeConversationEvent } from '../../events/decode';
import type { ConversationEvent } from '../../events/schemas/conversation-events';
import { conversationStreamId } from '../../events/schemas/stream-ids';
import type { EventStore } from '../../events/store/types';
import { handleCommand, type CommandResult, type HandleCommandOptions } from '../handler';
import type { ConversationCommand } from './commands';
import { conversationDecider, type ConversationState } from './decider';

export type ConversationCommandOptions = Omit<
  HandleCommandOptions<ConversationEvent>,
  'decode' | 'tenantId' | 'conversationId'
>;

export const handleConversationCommand = (
  store: EventStore,
  tenantId: string,
  command: ConversationCommand,
  options: ConversationCommandOptions = {},
): Promise<CommandResult<ConversationEvent, ConversationState>> =>
  handleCommand(store, conversationDecider, conversationStreamId(tenantId, command.conversationId), command, {
    ...options,
    decode: decodeConversationEvent,
    tenantId,
    conversationId: command.conversationId,
  });
