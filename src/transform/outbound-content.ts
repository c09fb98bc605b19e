/**
 * What the transform reads: the sendable parts of a Genesys outbound message. `summarizeWebhook`'s summary
 * (src/contracts/genesys/outbound-webhook.ts) is one of these as it is; declaring the shape here keeps this pure code
 * free of the HTTP layer, and lets a processor rebuild it from a stored `WebhookReceived` event.
 */
import type { MediaKind } from '../events/schemas/common';

export interface OutboundAttachment {
  /** Genesys `mediaType`: Image, Video, Audio, File or Link. */
  mediaType: string;
  url: string;
  mime?: string;
  filename?: string;
  contentSizeBytes?: number;
  /** A caption the agent gave the attachment. */
  text?: string;
}

export interface OutboundTemplateParameter {
  name?: string;
  text: string;
}

export interface OutboundTemplate {
  /** Genesys documents it as "namespace@name" for WhatsApp. */
  id?: string;
  language?: string;
  headerText?: string;
  headerMedia?: OutboundAttachment;
  headerParameters: readonly OutboundTemplateParameter[];
  bodyText?: string;
  bodyParameters: readonly OutboundTemplateParameter[];
  footerText?: string;
}

export interface OutboundQuickReply {
  text: string;
  payload?: string;
  image?: string;
}

export interface OutboundCardAction {
  /** `Postback` (a reply) or `Link` (opens url). */
  type?: string;
  text?: string;
  payload?: string;
  url?: string;
}

export interface OutboundCard {
  title: string;
  description?: string;
  image?: string;
  video?: string;
  defaultAction?: OutboundCardAction;
  /** Absent: the card has no buttons. */
  actions?: readonly OutboundCardAction[];
}

export interface OutboundContent {
  messageType: string;
  isSendable: boolean;
  text?: string;
  attachments: readonly OutboundAttachment[];
  template?: OutboundTemplate;
  quickReplies?: readonly OutboundQuickReply[];
  cards?: readonly OutboundCard[];
  /** contentType of content items nothing here can carry (Location, ButtonResponse, …). */
  unhandledContent?: readonly string[];
}

/** The customer, as resolved from the conversation mapping. */
/**
 * Whom a message goes to: a WhatsApp id (phone number), or — for a customer known only by a business-scoped user
 * id (Meta, 2026: usernames hide the number) — that id.
 */
export type Recipient = { waId: string; userId?: undefined } | { userId: string; waId?: undefined };

/**
 * The attachment after the processor stored it: Meta fetches `link` (a presigned URL) or uses `mediaId` (an
 * upload to Meta). Exactly one of the two.
 */
export interface StoredMedia {
  kind: MediaKind;
  link?: string;
  mediaId?: string;
  filename?: string;
  /** Overrides the caption the attachment carries. */
  caption?: string;
}

export interface TransformOptions {
  /** Put on every part as `biz_opaque_callback_data`; the caller passes the Genesys message id. */
  bizOpaqueCallbackData?: string;
  /**
   * The tenant's fallback for a Notification whose template carries no id (name) or language, as the shared
   * go-gcloudcx fixture does. Without it such a template fails with TemplateNameMissing/TemplateLanguageMissing.
   */
  templateDefaults?: { name?: string; languageCode?: string };
  /** Label of the button that opens a list message (Meta requires one, max 20 characters). Default "Options". */
  listButtonLabel?: string;
}
