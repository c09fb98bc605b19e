/**
 * Which WhatsApp media kind a Genesys attachment becomes, and Meta's limits per kind.
 *
 * Source: WhatsApp Cloud API "Supported media types" (audio: aac, amr, mpeg, mp4, ogg with OPUS only; documents:
 * txt, pdf, Word, Excel, PowerPoint; images: jpeg, png; stickers: webp; video: mp4 and 3gp with H.264 + AAC).
 * Genesys' `mediaType` says what the agent sent; the MIME type must be one Meta accepts for *that* kind. A
 * mismatch (an "Image" that is video/mp4, a "File" that is image/png) is refused rather than guessed at:
 * Meta checks the MIME type of what it downloads, and a guess that is wrong fails later and less clearly.
 */
import type { MediaKind } from '../events/schemas/common';

export type { MediaKind };

const WORD = [
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
];
const EXCEL = [
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
];
const POWERPOINT = [
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
];

/** The MIME types Meta accepts per kind. */
export const META_MIME_TYPES: Readonly<Record<MediaKind, readonly string[]>> = {
  image: ['image/jpeg', 'image/png'],
  // video/3gpp is the IANA name; Meta's table writes video/3gp. Both name the same container.
  video: ['video/mp4', 'video/3gpp', 'video/3gp'],
  // audio/ogg only with the OPUS codec; the codec is not visible in the MIME essence, so Meta has the last word.
  audio: ['audio/aac', 'audio/mp4', 'audio/mpeg', 'audio/amr', 'audio/ogg'],
  document: ['text/plain', 'application/pdf', ...WORD, ...EXCEL, ...POWERPOINT],
  sticker: ['image/webp'],
};

const MB = 1024 * 1024;
const KB = 1024;

/**
 * Meta's maximum size per kind. Stickers: 100 KB static, 500 KB animated; we cannot tell the two apart without
 * decoding the file, so the larger limit applies and Meta refuses an oversized static sticker itself.
 */
export const META_MEDIA_MAX_BYTES: Readonly<Record<MediaKind, number>> = {
  image: 5 * MB,
  video: 16 * MB,
  audio: 16 * MB,
  document: 100 * MB,
  sticker: 500 * KB,
};

/** The folder of each kind in the media object key (the original design's layout). */
export const MEDIA_STORAGE_FOLDERS: Readonly<Record<MediaKind, string>> = {
  image: 'images',
  video: 'video',
  audio: 'audio',
  document: 'documents',
  sticker: 'stickers',
};

/** Meta lets image, video and document messages carry a caption; audio and stickers cannot. */
export const kindTakesCaption = (kind: MediaKind): boolean =>
  kind === 'image' || kind === 'video' || kind === 'document';

/** The kinds a Genesys mediaType may become (Image may be a sticker when it is a webp). */
const KINDS_BY_MEDIA_TYPE: Readonly<Record<string, readonly MediaKind[]>> = {
  Image: ['image', 'sticker'],
  Video: ['video'],
  Audio: ['audio'],
  File: ['document'],
};

/** The kinds a Genesys mediaType may become; none for Link or a mediaType Genesys may add later. */
export const kindsForMediaType = (mediaType: string): readonly MediaKind[] =>
  KINDS_BY_MEDIA_TYPE[mediaType] ?? [];

export type MediaKindResult =
  { ok: true; kind: MediaKind } | { ok: false; reason: 'UnsupportedMediaType'; message: string };

/** `image/PNG; x=y` → `image/png`. */
export const mimeEssence = (mime: string): string => (mime.split(';')[0] ?? '').trim().toLowerCase();

export const mediaKindFor = (mediaType: string, mime: string): MediaKindResult => {
  const essence = mimeEssence(mime);
  const kinds = kindsForMediaType(mediaType);
  if (kinds.length === 0) {
    return {
      ok: false,
      reason: 'UnsupportedMediaType',
      message: `Genesys mediaType ${mediaType} is not a WhatsApp media kind`,
    };
  }
  const kind = kinds.find((candidate) => META_MIME_TYPES[candidate].includes(essence));
  if (kind === undefined) {
    const accepted = kinds.flatMap((candidate) => META_MIME_TYPES[candidate]).join(', ');
    return {
      ok: false,
      reason: 'UnsupportedMediaType',
      message: `WhatsApp does not accept ${essence || 'an empty MIME type'} as ${mediaType}; it accepts ${accepted}`,
    };
  }
  return { ok: true, kind };
};
