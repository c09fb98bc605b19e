/**
 * Why a message failed, in Genesys' receipt reason codes. The codes are Genesys' (help.mypurecloud.com, "WhatsApp
 * delivery receipts": MessageExpired, RateLimited, MessageNotAllowed, GeneralError, UnsupportedMessage,
 * UnknownMessage, InvalidMessageStructure, InvalidDestination, ServerError, MediaTypeNotAllowed,
 * InvalidMediaContentLength, RecipientOptedOut); the Meta codes are from Meta's Cloud API error-code table.
 */
import type { MessageFailedData } from '../../events/schemas/message-failed';

export type GenesysReceiptReason =
  | 'MessageExpired'
  | 'RateLimited'
  | 'MessageNotAllowed'
  | 'GeneralError'
  | 'UnsupportedMessage'
  | 'UnknownMessage'
  | 'InvalidMessageStructure'
  | 'InvalidDestination'
  | 'ServerError'
  | 'MediaTypeNotAllowed'
  | 'InvalidMediaContentLength'
  | 'RecipientOptedOut';

const byMetaCode: ReadonlyMap<number, GenesysReceiptReason> = new Map([
  [131047, 'MessageExpired'], // re-engagement: more than 24 h since the customer last wrote
  [130429, 'RateLimited'], // throughput of the business number reached
  [131056, 'RateLimited'], // too many messages to one customer (pair rate limit)
  [131026, 'InvalidDestination'], // undeliverable: not a WhatsApp user, or cannot receive
  [131051, 'UnsupportedMessage'], // unsupported message type
  [131053, 'MediaTypeNotAllowed'], // media upload error (unsupported or unreadable media)
]);

/** The bridge's own failure reasons (MessageFailed.reason) that have a closer Genesys code than GeneralError. */
const byBridgeReason: ReadonlyMap<string, GenesysReceiptReason> = new Map([
  ['InvalidRecipient', 'InvalidDestination'],
  ['UnsupportedMediaType', 'MediaTypeNotAllowed'],
  ['MediaTooLarge', 'InvalidMediaContentLength'],
  ['UnsupportedContent', 'UnsupportedMessage'],
  ['NothingToSend', 'UnsupportedMessage'],
  ['MessageTooLong', 'InvalidMessageStructure'],
  ['TemplateNameMissing', 'InvalidMessageStructure'],
  ['TemplateLanguageMissing', 'InvalidMessageStructure'],
  // Refused before sending: outside the 24-hour window (outbound-message/service-window.ts).
  ['MessageExpired', 'MessageExpired'],
  // The bridge itself could not process the message (processing-failure.ts).
  ['ProcessingFailed', 'ServerError'],
]);

/** Meta's code wins when Meta gave one; then the bridge's reason; otherwise GeneralError. */
export const failureReason = (
  failure: Pick<MessageFailedData, 'reason' | 'metaErrorCode'>,
): GenesysReceiptReason =>
  (failure.metaErrorCode !== undefined ? byMetaCode.get(failure.metaErrorCode) : undefined) ??
  byBridgeReason.get(failure.reason) ??
  'GeneralError';

/**
 * MappingMissing (NoMappingFound): the bridge knows no WhatsApp id for the conversation, so from Genesys' side the
 * message had no reachable destination. InvalidDestination says that and tells the agent the customer cannot be
 * reached this way; GeneralError would hide it.
 */
export const MAPPING_MISSING_REASON: GenesysReceiptReason = 'InvalidDestination';
