/** Genesys outbound message → Meta WhatsApp messages, and the media rules both sides of that need. Pure code. */
export { toMetaMessages } from './to-meta-messages';
export type {
  OutboundAttachment,
  OutboundCard,
  OutboundCardAction,
  OutboundContent,
  OutboundQuickReply,
  OutboundTemplate,
  OutboundTemplateParameter,
  Recipient,
  StoredMedia,
  TransformOptions,
} from './outbound-content';
export type { TransformFailure, TransformFailureReason, TransformResult } from './transform-result';
export type * from './meta-message';
export { META_LIMITS } from './meta-limits';
export {
  kindsForMediaType,
  kindTakesCaption,
  mediaKindFor,
  META_MEDIA_MAX_BYTES,
  META_MIME_TYPES,
  MEDIA_STORAGE_FOLDERS,
  mimeEssence,
  type MediaKind,
  type MediaKindResult,
} from './media-kinds';
export {
  extensionFor,
  MEDIA_OUTBOUND_PREFIX,
  mediaObjectKey,
  mimeForFilename,
  type MediaObjectKeyInput,
} from './media-object-key';
export { splitText } from './split-text';
export { toE164 } from './recipient';
export { DEFAULT_LIST_BUTTON_LABEL } from './plan-contents';
export { metaLanguageCode, templateNameFromId } from './template-message';
