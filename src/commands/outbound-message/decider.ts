/**
 * The rules of one outbound message, from the Genesys webhook to the receipts posted back. Pure: every fact a rule
 * needs is in the command or folded into the state.
 *
 * Convention: a command that repeats a fact already recorded (a retry after a crash, a Genesys or Meta
 * redelivery) decides nothing (`[]`); a command that the state makes impossible or unsafe is rejected with a
 * typed code. In particular RequestSend is always rejected rather than ignored when it must not send, so a caller
 * that overlooks a no-op can never call Meta twice.
 */
import type { OutboundEvent } from '../../events/schemas/outbound-events';
import type { Decider } from '../decider';
import type {
  OutboundMessageCommand,
  RecordMappingMissing,
  RecordMediaStored,
  RecordReceiptPosted,
  RecordSendFailed,
  RecordSendRefused,
  RecordSent,
  RequestSend,
  ResolveMapping,
} from './commands';
import { decideMetaStatus } from './meta-status';
import { rejectOutbound } from './rejections';
import { requiresTemplate } from './service-window';
import {
  evolveOutbound,
  initialOutboundState,
  isEnded,
  isFullySent,
  type OutboundState,
  type ReceivedMessage,
} from './state';

const isSendableType = (messageType: string): boolean =>
  messageType === 'Text' || messageType === 'Structured';

const requireSendable = (state: OutboundState): ReceivedMessage => {
  if (state.message === null)
    throw rejectOutbound('MessageNotReceived', 'No webhook was received for this message');
  if (!state.message.isSendable) {
    throw rejectOutbound(
      'MessageNotSendable',
      'Genesys receipts and events are recorded but never processed',
    );
  }
  return state.message;
};

const resolveMapping = (command: ResolveMapping, state: OutboundState): OutboundEvent[] => {
  const message = requireSendable(state);
  if (state.mapping !== null || isEnded(state)) return []; // the first decision stands
  if (command.resolvedBy === 'conversationId' && message.conversationId === null) {
    throw rejectOutbound('NoConversationId', 'Resolved by conversation id, but the webhook carried none');
  }
  const { type: _type, ...data } = command;
  return [{ type: 'MappingResolved', data }];
};

const recordMappingMissing = (command: RecordMappingMissing, state: OutboundState): OutboundEvent[] => {
  const message = requireSendable(state);
  if (state.mapping !== null || isEnded(state)) return [];
  return [
    {
      type: 'MappingMissing',
      data: {
        conversationId: message.conversationId,
        customerId: message.customerId,
        reason: command.reason,
      },
    },
  ];
};

const recordMediaStored = (command: RecordMediaStored, state: OutboundState): OutboundEvent[] => {
  const message = requireSendable(state);
  if (!message.hasAttachment) throw rejectOutbound('MessageHasNoAttachment', 'The message has no attachment');
  if (state.isMediaStored || isEnded(state)) return [];
  const { type: _type, ...data } = command;
  return [{ type: 'MediaStored', data }];
};

/** The customer's ids as the mapping named them, carried into the send's events. */
const addressOf = ({ waId, userId }: { waId?: string; userId?: string }) => ({
  ...(waId === undefined ? {} : { waId }),
  ...(userId === undefined ? {} : { userId }),
});

const requestSend = (command: RequestSend, state: OutboundState): OutboundEvent[] => {
  const message = requireSendable(state);
  if (isEnded(state)) throw rejectOutbound('MessageAlreadyFailed', 'The message failed and will not be sent');
  if (state.mapping?.kind !== 'resolved')
    throw rejectOutbound('MessageNotMapped', 'No recipient is known yet');
  const window = command.serviceWindow;
  if (window?.outcome === 'expired') {
    throw rejectOutbound('OutsideServiceWindow', 'The customer last wrote more than 24 hours ago');
  }
  if (window && requiresTemplate(window.outcome) && command.metaMessageType !== 'template') {
    throw rejectOutbound('OutsideServiceWindow', `Only a template may be sent (window: ${window.outcome})`);
  }
  // The tenant's default template replaces the agent's content, attachment included.
  if (message.hasAttachment && !state.isMediaStored && window?.outcome !== 'defaultTemplate') {
    throw rejectOutbound('MediaNotStored', 'The attachment must be stored before sending');
  }
  if (isFullySent(state)) throw rejectOutbound('MessageAlreadySent', 'Every part of the message was sent');
  if (state.isAwaitingSendOutcome && command.isPreviousAttemptReconciled !== true) {
    throw rejectOutbound(
      'SendOutcomeUnknown',
      `Attempt ${state.attempt} may have reached Meta; reconcile it before sending again`,
    );
  }
  // Parts already accepted are not sent again, so a retry must number its parts the same way.
  if (state.parts.length > 0 && command.partCount !== state.partCount) {
    throw rejectOutbound(
      'PartCountChanged',
      `Attempt ${state.attempt} was split into ${state.partCount} parts`,
    );
  }
  return [
    {
      type: 'SendRequested',
      data: {
        ...addressOf(state.mapping),
        attempt: state.attempt + 1,
        partCount: command.partCount,
        metaMessageType: command.metaMessageType,
        ...(window ? { serviceWindow: window } : {}),
        ...(command.runId !== undefined ? { runId: command.runId } : {}),
      },
    },
  ];
};

const recordSendRefused = (command: RecordSendRefused, state: OutboundState): OutboundEvent[] => {
  requireSendable(state);
  if (command.attempt !== state.attempt) {
    throw rejectOutbound(
      'AttemptSuperseded',
      `The refusal belonged to attempt ${command.attempt}; the latest attempt is ${state.attempt}`,
    );
  }
  if (state.refusal?.attempt === command.attempt) return []; // the first answer stands
  if (!state.isAwaitingSendOutcome) {
    throw rejectOutbound('NoSendInProgress', 'A refusal was reported with no send in progress');
  }
  if (state.parts.some((part) => part.partIndex === command.partIndex)) {
    throw rejectOutbound('PartAlreadySent', `Part ${command.partIndex} was accepted by Meta`);
  }
  const { type: _type, ...data } = command;
  return [{ type: 'SendRefused', data }];
};

const recordSent = (command: RecordSent, state: OutboundState): OutboundEvent[] => {
  requireSendable(state);
  if (state.attempt === 0 || state.mapping?.kind !== 'resolved') {
    throw rejectOutbound('NoSendRequested', 'A part was reported sent before any send was requested');
  }
  if (command.attempt !== undefined && command.attempt !== state.attempt) {
    throw rejectOutbound(
      'AttemptSuperseded',
      `The send belonged to attempt ${command.attempt}; attempt ${state.attempt} has started since`,
    );
  }
  if (command.partIndex >= state.partCount) {
    throw rejectOutbound(
      'PartIndexOutOfRange',
      `Part ${command.partIndex} of ${state.partCount} does not exist`,
    );
  }
  const samePart = state.parts.find((part) => part.partIndex === command.partIndex);
  if (samePart) {
    if (samePart.wamid === command.wamid) return [];
    throw rejectOutbound('PartAlreadySent', `Part ${command.partIndex} was already sent under another wamid`);
  }
  if (state.parts.some((part) => part.wamid === command.wamid)) {
    throw rejectOutbound('WamidAlreadyUsed', 'The wamid already belongs to another part of this message');
  }
  return [
    {
      type: 'MessageSent',
      data: {
        wamid: command.wamid,
        partIndex: command.partIndex,
        partCount: state.partCount,
        ...addressOf(state.mapping),
        attempt: state.attempt,
      },
    },
  ];
};

const recordSendFailed = (command: RecordSendFailed, state: OutboundState): OutboundEvent[] => {
  requireSendable(state);
  if (isEnded(state)) return []; // failed is final; the first failure stands
  if (isFullySent(state)) throw rejectOutbound('MessageAlreadySent', 'Every part of the message was sent');
  const isRefused = state.refusal !== null && state.refusal.attempt === state.attempt;
  if (command.stage === 'send' && !state.isAwaitingSendOutcome && !isRefused) {
    throw rejectOutbound('NoSendInProgress', 'A send failure was reported with no send in progress');
  }
  const { type: _type, ...data } = command;
  return [{ type: 'MessageFailed', data }];
};

const recordReceiptPosted = (command: RecordReceiptPosted, state: OutboundState): OutboundEvent[] => {
  requireSendable(state);
  if (state.receiptsPosted.includes(command.status)) return []; // at most once per receipt status
  const { type: _type, ...data } = command;
  return [{ type: 'ReceiptPosted', data }];
};

export const decideOutbound = (command: OutboundMessageCommand, state: OutboundState): OutboundEvent[] => {
  switch (command.type) {
    case 'ReceiveWebhook': {
      // A Genesys retry of a message we already hold changes nothing; the caller answers `duplicate: true`.
      if (state.message !== null) return [];
      const { type: _type, ...data } = command;
      return [
        { type: 'WebhookReceived', data: { ...data, isSendable: isSendableType(command.messageType) } },
      ];
    }
    case 'ResolveMapping':
      return resolveMapping(command, state);
    case 'RecordMappingMissing':
      return recordMappingMissing(command, state);
    case 'RecordMediaStored':
      return recordMediaStored(command, state);
    case 'RequestSend':
      return requestSend(command, state);
    case 'RecordSent':
      return recordSent(command, state);
    case 'RecordSendRefused':
      return recordSendRefused(command, state);
    case 'RecordSendFailed':
      return recordSendFailed(command, state);
    case 'RecordMetaStatus':
      return decideMetaStatus(command, state);
    case 'RecordReceiptPosted':
      return recordReceiptPosted(command, state);
  }
};

export const outboundMessageDecider: Decider<OutboundMessageCommand, OutboundEvent, OutboundState> = {
  decide: decideOutbound,
  evolve: evolveOutbound,
  initialState: initialOutboundState,
};
