/** Why a command on an outbound message can be refused. Each code is a state the caller can act on. */
import { CommandRejected } from '../command-rejected';

export type OutboundRejectionCode =
  /** No WebhookReceived yet: the command is for a message we do not know. */
  | 'MessageNotReceived'
  /** The message is a Genesys Receipt or Event: recorded, never processed or sent. */
  | 'MessageNotSendable'
  /** The mapping was resolved by conversation id, but the webhook had none. */
  | 'NoConversationId'
  | 'MessageHasNoAttachment'
  | 'MessageNotMapped'
  | 'MediaNotStored'
  | 'MessageAlreadySent'
  /** The message has failed or has no recipient; it will never be sent. */
  | 'MessageAlreadyFailed'
  /** A send attempt may have reached Meta; retrying without reconciling could deliver twice. */
  | 'SendOutcomeUnknown'
  /** A retry must keep the part split of the attempt whose parts were partly sent. */
  | 'PartCountChanged'
  | 'NoSendRequested'
  | 'NoSendInProgress'
  | 'PartIndexOutOfRange'
  | 'AttemptSuperseded'
  /** The part already has a different wamid: Meta accepted it twice, or the caller mixed up parts. */
  | 'PartAlreadySent'
  /** The wamid already belongs to another part of this message. */
  | 'WamidAlreadyUsed'
  /** A Meta status for a wamid that is none of this message's parts. */
  | 'UnknownWamid'
  | 'InvalidMetaTimestamp'
  /** Outside the customer's 24-hour window only a template may be sent. */
  | 'OutsideServiceWindow';

export type OutboundCommandRejected = CommandRejected<OutboundRejectionCode>;

export const rejectOutbound = (code: OutboundRejectionCode, message: string): OutboundCommandRejected =>
  new CommandRejected(code, message);
