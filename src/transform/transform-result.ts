import type { MetaMessageBody, MetaMessageContent } from './meta-message';

/** Why a Genesys message cannot become Meta messages: a code a processor can switch on and record. */
export type TransformFailureReason =
  /** Receipt and Event messages are recorded, never sent. */
  | 'NotSendable'
  /** No text, media, template or interactive content at all. */
  | 'NothingToSend'
  /** The wa_id is not a phone number Meta can address. */
  | 'InvalidRecipient'
  | 'InvalidCallbackData'
  /** A MIME type Meta does not accept for that kind of media, or none at all. */
  | 'UnsupportedMediaType'
  | 'MediaTooLarge'
  /** The message has an attachment but no stored media was given: media is stored before sending. */
  | 'MediaNotStored'
  /** The stored media is of another kind than the attachment, or names neither or both of link and mediaId. */
  | 'InvalidMedia'
  /** Content WhatsApp has no form for, or a combination of contents we do not split (see the message). */
  | 'UnsupportedContent'
  /** The text would need more parts than one message may have (MAX_PARTS_PER_MESSAGE). */
  | 'MessageTooLong'
  | 'TemplateNameMissing'
  | 'TemplateLanguageMissing';

export type TransformFailure = { ok: false; reason: TransformFailureReason; message: string };

/** `notes` name every piece of the Genesys message that was not carried over as it was, and why. */
export type TransformResult = { ok: true; messages: MetaMessageBody[]; notes: string[] } | TransformFailure;

export const failure = (reason: TransformFailureReason, message: string): TransformFailure => ({
  ok: false,
  reason,
  message,
});

/** Contents planned for one piece of a message, before they are addressed, and what was not carried. */
export interface PlannedContents {
  contents: MetaMessageContent[];
  notes: string[];
}
