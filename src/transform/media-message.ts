/**
 * One stored attachment → one Meta media message (image, video, audio, document or sticker).
 */
import { META_LIMITS } from './meta-limits';
import type { MetaMediaContent, MetaMediaSource } from './meta-message';
import {
  kindsForMediaType,
  kindTakesCaption,
  mediaKindFor,
  META_MEDIA_MAX_BYTES,
  type MediaKind,
} from './media-kinds';
import { mimeForFilename } from './media-object-key';
import type { OutboundAttachment, StoredMedia } from './outbound-content';
import { failure, type TransformFailure } from './transform-result';

export type MediaContentResult =
  | {
      ok: true;
      content: MetaMediaContent;
      /** False when a caption was offered but cannot ride on this media: the caller sends it as text. */
      isCaptionCarried: boolean;
      notes: string[];
    }
  | TransformFailure;

const sourceOf = (media: StoredMedia): MetaMediaSource | undefined => {
  if (media.link !== undefined && media.mediaId === undefined) return { link: media.link };
  if (media.mediaId !== undefined && media.link === undefined) return { id: media.mediaId };
  return undefined;
};

type KindResult = { ok: true; kind: MediaKind; notes: string[] } | TransformFailure;

/**
 * The attachment's kind, checked against the stored media. A MIME type the attachment declares (or its file name
 * implies) decides; without one, the kind the processor found when it stored the bytes is taken, if Genesys'
 * mediaType allows it.
 */
const resolveKind = (attachment: OutboundAttachment, media: StoredMedia): KindResult => {
  const mime = attachment.mime ?? mimeForFilename(attachment.filename ?? media.filename);
  if (mime !== undefined) {
    const declared = mediaKindFor(attachment.mediaType, mime);
    if (!declared.ok) return failure(declared.reason, declared.message);
    if (declared.kind !== media.kind) {
      return failure(
        'InvalidMedia',
        `the attachment is ${declared.kind} (${mime}) but was stored as ${media.kind}`,
      );
    }
    return { ok: true, kind: declared.kind, notes: [] };
  }
  const allowed = kindsForMediaType(attachment.mediaType);
  if (allowed.length === 0) {
    return failure(
      'UnsupportedMediaType',
      `Genesys mediaType ${attachment.mediaType} is not a WhatsApp media kind`,
    );
  }
  if (!allowed.includes(media.kind)) {
    return failure('InvalidMedia', `a ${attachment.mediaType} attachment cannot be sent as ${media.kind}`);
  }
  return {
    ok: true,
    kind: media.kind,
    notes: [
      `the attachment declares no MIME type; sent as ${media.kind}, as the stored media was classified`,
    ],
  };
};

const build = (
  kind: MediaKind,
  source: MetaMediaSource,
  caption: string | undefined,
  filename: string | undefined,
): MetaMediaContent => {
  const withCaption = caption === undefined ? {} : { caption };
  switch (kind) {
    case 'image':
      return { type: 'image', image: { ...source, ...withCaption } };
    case 'video':
      return { type: 'video', video: { ...source, ...withCaption } };
    case 'document':
      return {
        type: 'document',
        document: { ...source, ...withCaption, ...(filename === undefined ? {} : { filename }) },
      };
    case 'audio':
      return { type: 'audio', audio: source };
    case 'sticker':
      return { type: 'sticker', sticker: source };
  }
};

export const mediaContent = (
  attachment: OutboundAttachment,
  media: StoredMedia | undefined,
  caption: string | undefined,
): MediaContentResult => {
  if (media === undefined) {
    return failure('MediaNotStored', 'the message has an attachment; store it and pass the stored media');
  }
  const source = sourceOf(media);
  if (source === undefined)
    return failure('InvalidMedia', 'stored media needs exactly one of link and mediaId');

  const resolved = resolveKind(attachment, media);
  if (!resolved.ok) return resolved;
  const { kind } = resolved;
  const notes = [...resolved.notes];

  const size = attachment.contentSizeBytes;
  if (size !== undefined && size > META_MEDIA_MAX_BYTES[kind]) {
    return failure(
      'MediaTooLarge',
      `${kind} of ${size} bytes exceeds WhatsApp's limit of ${META_MEDIA_MAX_BYTES[kind]} bytes`,
    );
  }

  let isCaptionCarried = caption === undefined;
  let carriedCaption: string | undefined;
  if (caption !== undefined) {
    if (!kindTakesCaption(kind)) {
      notes.push(
        `WhatsApp ${kind} messages take no caption; the text is sent as a separate message after it`,
      );
    } else if (caption.length > META_LIMITS.caption) {
      notes.push(
        `the caption (${caption.length} characters) exceeds WhatsApp's ${META_LIMITS.caption}; ` +
          'it is sent as a separate message after the media',
      );
    } else {
      carriedCaption = caption;
      isCaptionCarried = true;
    }
  }

  const filename = media.filename ?? attachment.filename;
  if (filename !== undefined && kind !== 'document') {
    notes.push(`file name ${filename} is not shown: WhatsApp ${kind} messages have no file name`);
  }
  if (
    kind === 'audio' &&
    attachment.mime !== undefined &&
    attachment.mime.toLowerCase().startsWith('audio/ogg')
  ) {
    notes.push('WhatsApp plays audio/ogg only with the OPUS codec; Meta rejects other codecs');
  }

  return { ok: true, content: build(kind, source, carriedCaption, filename), isCaptionCarried, notes };
};
