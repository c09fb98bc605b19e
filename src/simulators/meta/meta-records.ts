import type { MediaFetch } from './media-fetch';
import type { MessageType } from './send-body';

/** A message the simulator accepted (and, in Meta's terms, sent). */
export interface SentMessage {
  wamid: string;
  phoneNumberId: string;
  /** `to` as sent, or the business-scoped user id of a send addressed by `recipient`. */
  to: string;
  /** The wa_id Meta answered; empty for a send addressed by business-scoped user id. */
  waId: string;
  /** The business-scoped user id of a send addressed by `recipient`. */
  userId?: string;
  type: MessageType;
  /** The request body as parsed JSON. */
  body: Record<string, unknown>;
  bizOpaqueCallbackData?: string;
  /** For link-based media: what the simulator fetched from the link. */
  media?: MediaFetch;
  receivedAt: Date;
}

/** A file uploaded through `POST /{phone-number-id}/media`. */
export interface UploadedMedia {
  id: string;
  phoneNumberId: string;
  /** The form's `type` field (Meta takes the MIME type from it). */
  type: string;
  filename: string;
  /** The file part's own Content-Type. */
  contentType: string;
  bytes: Buffer;
  size: number;
  sha256: string;
  receivedAt: Date;
}

/**
 * A `POST /{phone-number-id}/messages` with `status: 'read'`: Meta's "mark as read" call, with
 * `typing_indicator` when it also shows the customer that the business is typing.
 */
export interface ReadMark {
  phoneNumberId: string;
  /** The inbound wamid marked read. */
  messageId: string;
  typingIndicator?: string;
  receivedAt: Date;
}
