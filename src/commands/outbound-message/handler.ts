/** Runs a command on the stream of one outbound Genesys message. */
import { decodeOutboundEvent } from '../../events/decode';
import type { OutboundEvent } from '../../events/schemas/outbound-events';
import { outboundStreamId } from '../../events/schemas/stream-ids';
import type { EventStore } from '../../events/store/types';
import { handleCommand, type CommandResult, type HandleCommandOptions } from '../handler';
import type { OutboundMessageCommand } from './commands';
import { outboundMessageDecider } from './decider';
import type { OutboundState } from './state';

export interface OutboundMessageRef {
  tenantId: string;
  genesysMessageId: string;
}

export type OutboundCommandOptions = Omit<HandleCommandOptions<OutboundEvent>, 'decode' | 'tenantId'>;

export const handleOutboundMessageCommand = (
  store: EventStore,
  message: OutboundMessageRef,
  command: OutboundMessageCommand,
  options: OutboundCommandOptions = {},
): Promise<CommandResult<OutboundEvent, OutboundState>> =>
  handleCommand(
    store,
    outboundMessageDecider,
    outboundStreamId(message.tenantId, message.genesysMessageId),
    command,
    {
      // The webhook names the conversation; later commands inherit it from the stream's first event.
      ...(command.type === 'ReceiveWebhook' ? { conversationId: command.conversationId } : {}),
      ...options,
      decode: decodeOutboundEvent,
      tenantId: message.tenantId,
    },
  );
