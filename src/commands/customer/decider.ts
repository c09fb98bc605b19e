/**
 * The rules of a customer stream: each inbound message reaches Genesys at most once. A message settles once —
 * posted (InboundPostedToGenesys) or refused for good (InboundPostFailed) — and a second outcome for the same wamid
 * decides nothing, so a redelivered Kafka message or a retry racing its original never records two posts.
 * Once posted, a message is marked read at Meta at most once: a read outcome (InboundMarkedRead or
 * InboundMarkReadFailed) needs a post before it and decides nothing a second time. Genesys' receipts about a
 * message (InboundReceiptReceived) are recorded for any message the stream received.
 */
import type { CustomerEvent } from '../../events/schemas/customer-events';
import { CommandRejected } from '../command-rejected';
import type { Decider } from '../decider';
import type { CustomerCommand } from './commands';

export type CustomerRejectionCode = 'UnknownInboundMessage' | 'InboundMessageNotPosted';

export interface CustomerState {
  /** Every wamid recorded on the stream. */
  received: ReadonlySet<string>;
  /** Wamids with an outcome at Genesys. */
  settled: ReadonlyMap<string, 'posted' | 'failed'>;
  /** The Genesys conversation of the last posted message: a ConversationLinked is due when it changes. */
  conversationId: string | undefined;
  /** Wamids with a read outcome at Meta. */
  readSettled: ReadonlyMap<string, 'marked' | 'failed'>;
}

export const initialCustomerState = (): CustomerState => ({
  received: new Set(),
  settled: new Map(),
  conversationId: undefined,
  readSettled: new Map(),
});

export const decideCustomer = (command: CustomerCommand, state: CustomerState): CustomerEvent[] => {
  if (!state.received.has(command.wamid)) {
    throw new CommandRejected<CustomerRejectionCode>(
      'UnknownInboundMessage',
      'No InboundMessageReceived on this stream has that wamid',
    );
  }
  if (command.type === 'RecordInboundMarkedRead' || command.type === 'RecordInboundMarkReadFailed')
    return decideRead(command, state);
  if (command.type === 'RecordInboundReceipt') {
    // Genesys' word, recorded as it comes; its repeats are one event each (handler.ts derives the id).
    const { type: _type, ...data } = command;
    return [{ type: 'InboundReceiptReceived', data }];
  }
  if (state.settled.has(command.wamid)) return [];
  const { type, ...data } = command;
  return type === 'RecordInboundPosted'
    ? [
        {
          type: 'InboundPostedToGenesys',
          data: data as Extract<CustomerEvent, { type: 'InboundPostedToGenesys' }>['data'],
        },
      ]
    : [
        {
          type: 'InboundPostFailed',
          data: data as Extract<CustomerEvent, { type: 'InboundPostFailed' }>['data'],
        },
      ];
};

const decideRead = (
  command: Extract<CustomerCommand, { type: 'RecordInboundMarkedRead' | 'RecordInboundMarkReadFailed' }>,
  state: CustomerState,
): CustomerEvent[] => {
  if (state.settled.get(command.wamid) !== 'posted') {
    // Marked read only once Genesys has it: the blue ticks tell the customer someone can see the message.
    throw new CommandRejected<CustomerRejectionCode>(
      'InboundMessageNotPosted',
      'That inbound message has not reached Genesys',
    );
  }
  if (state.readSettled.has(command.wamid)) return [];
  if (command.type === 'RecordInboundMarkedRead')
    return [{ type: 'InboundMarkedRead', data: { wamid: command.wamid } }];
  const { type: _type, ...data } = command;
  return [{ type: 'InboundMarkReadFailed', data }];
};

export const evolveCustomer = (state: CustomerState, event: CustomerEvent): CustomerState => {
  switch (event.type) {
    case 'InboundMessageReceived':
      return { ...state, received: new Set(state.received).add(event.data.wamid) };
    case 'InboundPostedToGenesys':
      return {
        ...state,
        settled: new Map(state.settled).set(event.data.wamid, 'posted'),
        conversationId: event.data.conversationId ?? state.conversationId,
      };
    case 'InboundPostFailed':
      return { ...state, settled: new Map(state.settled).set(event.data.wamid, 'failed') };
    case 'InboundMarkedRead':
      return { ...state, readSettled: new Map(state.readSettled).set(event.data.wamid, 'marked') };
    case 'InboundMarkReadFailed':
      return { ...state, readSettled: new Map(state.readSettled).set(event.data.wamid, 'failed') };
    case 'InboundReceiptReceived':
      return state;
  }
};

export const customerDecider: Decider<CustomerCommand, CustomerEvent, CustomerState> = {
  decide: decideCustomer,
  evolve: evolveCustomer,
  initialState: initialCustomerState,
};
