/** Runs a command on the stream of one outbound Genesys message. */
import { decodeOutboundEvent } from '../../events/decode';
import type { OutboundEvent } from '../../events/schemas/outbound-events';
import { outboundStreamId } from '../../events/schemas/stream-ids';
import type { EventStore } from '../../events/store/types';
import { handleCommands, type CommandResult, type HandleCommandOptions } from '../handler';
import type { OutboundMessageCommand } from './commands';
import { outboundMessageDecider } from './decider';
import type { OutboundState } from './state';

export interface OutboundMessageRef {
  tenantId: string;
  genesysMessageId: string;
}

export type OutboundCommandOptions = Omit<HandleCommandOptions<OutboundEvent>, 'decode' | 'tenantId'>;

/** One command, or several decided in turn and appended together (see handleCommands). */
export const handleOutboundMessageCommand = (
  store: EventStore,
  message: OutboundMessageRef,
  command: OutboundMessageCommand | readonly OutboundMessageCommand[],
  options: OutboundCommandOptions = {},
): Promise<CommandResult<OutboundEvent, OutboundState>> => {
  const commands = Array.isArray(command) ? command : [command as OutboundMessageCommand];
  const webhook = commands.find((each) => each.type === 'ReceiveWebhook');
  return handleCommands(
    store,
    outboundMessageDecider,
    outboundStreamId(message.tenantId, message.genesysMessageId),
    commands,
    {
      // The webhook names the conversation; later commands inherit it from the stream's first event.
      ...(webhook ? { conversationId: webhook.conversationId } : {}),
      ...options,
      decode: decodeOutboundEvent,
      tenantId: message.tenantId,
    },
  );
};
