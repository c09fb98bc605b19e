/**
 * Where the outbound media copy lives in object storage, following the original design:
 * `media-outbound/{tenant}/outbound/{images|documents|audio|video|stickers}/{yyyy-MM-dd}/{uuid}.{ext}`.
 */
import { MEDIA_STORAGE_FOLDERS, mimeEssence, type MediaKind } from './media-kinds';

export const MEDIA_OUTBOUND_PREFIX = 'media-outbound';

/** The extension we store each MIME type Meta accepts under (the one Meta's table lists for it). */
const EXTENSION_BY_MIME: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'video/3gp': '3gp',
  'audio/aac': 'aac',
  'audio/mp4': 'm4a',
  'audio/mpeg': 'mp3',
  'audio/amr': 'amr',
  'audio/ogg': 'ogg',
  'text/plain': 'txt',
  'application/pdf': 'pdf',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.ms-powerpoint': 'ppt',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
};

/** An extension we are willing to put in an object key: short, plain, no path tricks. */
const SAFE_EXTENSION = /^[a-z0-9]{1,10}$/;

const filenameExtension = (filename: string | undefined): string | undefined => {
  const dot = filename?.lastIndexOf('.') ?? -1;
  if (filename === undefined || dot <= 0) return undefined;
  const extension = filename.slice(dot + 1).toLowerCase();
  return SAFE_EXTENSION.test(extension) ? extension : undefined;
};

/**
 * The extension for a stored object: from the MIME type when we know it (the bytes are what the MIME says, the
 * name is whatever the agent's file was called), else from the file name when it is a plain one, else `bin`.
 */
export const extensionFor = (mime: string | undefined, filename?: string): string =>
  (mime === undefined ? undefined : EXTENSION_BY_MIME[mimeEssence(mime)]) ??
  filenameExtension(filename) ??
  'bin';

/** The MIME type a file name's extension implies, among those Meta accepts; for attachments that declare none. */
export const mimeForFilename = (filename: string | undefined): string | undefined => {
  const extension = filenameExtension(filename);
  if (extension === undefined) return undefined;
  if (extension === 'jpeg') return 'image/jpeg';
  return Object.entries(EXTENSION_BY_MIME).find(([, known]) => known === extension)?.[0];
};

const TENANT_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface MediaObjectKeyInput {
  tenantId: string;
  kind: MediaKind;
  /** The day in the key is this instant's UTC date. */
  storedAt: Date;
  uuid: string;
  mime?: string;
  filename?: string;
}

/**
 * Builds the object key. The tenant id and uuid come from our own records, never from a webhook, so a value that
 * could escape its folder is a bug and throws.
 */
export const mediaObjectKey = (input: MediaObjectKeyInput): string => {
  if (!TENANT_SEGMENT.test(input.tenantId))
    throw new Error(`mediaObjectKey: unsafe tenant id ${input.tenantId}`);
  if (!UUID.test(input.uuid)) throw new Error(`mediaObjectKey: not a uuid: ${input.uuid}`);
  if (Number.isNaN(input.storedAt.getTime())) throw new Error('mediaObjectKey: invalid date');
  const day = input.storedAt.toISOString().slice(0, 10);
  const folder = MEDIA_STORAGE_FOLDERS[input.kind];
  const extension = extensionFor(input.mime, input.filename);
  return `${MEDIA_OUTBOUND_PREFIX}/${input.tenantId}/outbound/${folder}/${day}/${input.uuid.toLowerCase()}.${extension}`;
};
