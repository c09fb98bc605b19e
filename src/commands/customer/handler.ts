/** Runs a command on a customer stream (its id is the caller's: it names the tenant, number and customer). */
import { decodeCustomerEvent } from '../../events/decode';
import { deterministicEventId } from '../../events/deterministic-event-id';
import type { CustomerEvent } from '../../events/schemas/customer-events';
import type { EventStore } from '../../events/store/types';
import { handleCommand, type CommandResult, type HandleCommandOptions } from '../handler';
import type { CustomerCommand } from './commands';
import { customerDecider, type CustomerState } from './decider';

export type CustomerCommandOptions = Omit<
  HandleCommandOptions<CustomerEvent>,
  'decode' | 'tenantId' | 'conversationId' | 'eventIdFor'
> & {
  /** The conversation the events belong to, for audit replay; absent: none (the customer stream is the key). */
  conversationId?: string | null;
};

export const handleCustomerCommand = (
  store: EventStore,
  tenantId: string,
  streamId: string,
  command: CustomerCommand,
  options: CustomerCommandOptions = {},
): Promise<CommandResult<CustomerEvent, CustomerState>> =>
  handleCommand(store, customerDecider, streamId, command, {
    ...options,
    decode: decodeCustomerEvent,
    tenantId,
    // The Kafka key stays the customer stream (topic-routing.ts) unless the caller names the conversation.
    conversationId: options.conversationId ?? null,
    // One outcome per wamid at Genesys and one at Meta (read), whichever process records it.
    eventIdFor: (event) =>
      deterministicEventId(
        event.type === 'InboundReceiptReceived'
          ? `inbound-receipt:${tenantId}:${event.data.wamid}:${event.data.status}`
          : event.type === 'InboundMarkedRead' || event.type === 'InboundMarkReadFailed'
            ? `inbound-read:${tenantId}:${event.data.wamid}`
            : `inbound-outcome:${tenantId}:${event.data.wamid}`,
      ),
  });
