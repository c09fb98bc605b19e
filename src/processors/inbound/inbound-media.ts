/**
 * The seam to the inbound media module: turns the Meta media id of an inbound message into attachments Genesys can
 * download (a presigned URL of the object the media was copied to). The media module (fetchInboundMedia) is wired
 * in by the caller; without it, media messages reach the agent as text (caption or a label), never not at all.
 */
import type { InboundAttachment } from '../../clients/genesys';
import type { InboundMessageReceivedData } from '../../events/schemas/inbound-message-received';

export type InboundMediaResult =
  | { ok: true; attachments: InboundAttachment[] }
  /** `transient`: retried in the customer's lane; otherwise the message goes on with `note` for the agent. */
  | { ok: false; transient: boolean; note: string };

export interface InboundMediaResolver {
  resolve(tenantId: string, message: InboundMessageReceivedData): Promise<InboundMediaResult>;
}

/** No media module wired: no attachments, the text says what was sent. */
export const textOnlyMedia: InboundMediaResolver = {
  resolve: async () => ({ ok: true, attachments: [] }),
};

/** Genesys' attachment media types for WhatsApp's media kinds. */
export const genesysMediaType = (
  mediaKind: 'image' | 'video' | 'audio' | 'document' | 'sticker',
): InboundAttachment['mediaType'] =>
  mediaKind === 'image' || mediaKind === 'sticker'
    ? 'Image'
    : mediaKind === 'video'
      ? 'Video'
      : mediaKind === 'audio'
        ? 'Audio'
        : 'File';
