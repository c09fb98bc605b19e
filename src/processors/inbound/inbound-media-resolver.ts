/**
 * The seam to the inbound media module: turns the Meta media id of an inbound message into attachments Genesys can
 * download (a presigned URL of the object the media was copied to, by storeInboundMedia). Without a resolver,
 * media messages reach the agent as text (caption or a label), never not at all.
 */
import type { InboundAttachment } from '../../clients/genesys';
import type { InboundMessageReceivedData } from '../../events/schemas/inbound-message-received';
import type { TenantDirectory } from '../../tenants/tenant-directory';
import { storeInboundMedia, type InboundMediaDeps } from './inbound-media';

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

/**
 * The resolver `serve` wires: the media is copied from Meta into the inbound bucket with the tenant's WhatsApp
 * token, and Genesys gets a presigned URL of the copy. A file that cannot be fetched for good reaches the agent as a
 * note; a transient failure is retried in the customer's lane.
 */
export const storedMediaResolver = (deps: {
  directory: Pick<TenantDirectory, 'whatsapp'>;
  storage: InboundMediaDeps;
}): InboundMediaResolver => ({
  resolve: async (tenantId, message) => {
    const content = message.content;
    if (content.kind !== 'media') return { ok: true, attachments: [] };
    const whatsapp = await deps.directory.whatsapp(tenantId);
    if (!whatsapp) {
      return {
        ok: false,
        transient: false,
        note: `The customer sent a ${content.mediaKind} that could not be fetched.`,
      };
    }
    const outcome = await storeInboundMedia(deps.storage, {
      tenantId,
      mediaId: content.mediaId,
      kind: content.mediaKind,
      accessToken: whatsapp.accessToken,
      receivedAt: new Date(message.sentAt),
      phoneNumberId: message.phoneNumberId,
      wamid: message.wamid,
      mimeType: content.mime,
      ...(content.sha256 ? { sha256: content.sha256 } : {}),
      ...(content.filename ? { filename: content.filename } : {}),
    });
    if (!outcome.ok) {
      return {
        ok: false,
        transient: outcome.isTransient,
        note: `The customer sent a ${content.mediaKind} that could not be fetched (${outcome.reason}).`,
      };
    }
    const attachment: InboundAttachment = {
      mediaType: genesysMediaType(content.mediaKind),
      url: outcome.media.url,
      mime: outcome.media.mimeType,
      ...(outcome.media.filename ? { filename: outcome.media.filename } : {}),
    };
    return { ok: true, attachments: [attachment] };
  },
});
