/**
 * Where an inbound media file lives in object storage, following the original design's layout:
 * `media-inbound/{tenant}/inbound/{images|documents|audio|video|stickers}/{yyyy-MM-dd}/{uuid}.{ext}`, where
 * `media-inbound` is the bucket (S3_INBOUND_MEDIA_BUCKET) and the rest the object key.
 */
import { keyPart } from '../../infra/key-part';
import { MEDIA_STORAGE_FOLDERS, mimeEssence, type MediaKind } from '../../transform/media-kinds';
import { extensionFor } from '../../transform/media-object-key';

/**
 * Types customers send that Meta's outbound table (media-object-key.ts) does not list. The customer's file name is
 * never used for the extension: it is whatever the sender typed, and the stored Content-Type is what counts.
 */
const INBOUND_EXTENSIONS: Readonly<Record<string, string>> = {
  'image/gif': 'gif',
  'image/heic': 'heic',
  'audio/opus': 'opus',
  'audio/wav': 'wav',
  'video/quicktime': 'mov',
  'text/csv': 'csv',
  'application/zip': 'zip',
  'application/json': 'json',
};

/** The extension for a MIME type: a known one, else `bin` (served with its Content-Type anyway). */
export const inboundExtensionFor = (mimeType: string | undefined): string => {
  if (mimeType === undefined) return 'bin';
  const known = extensionFor(mimeType);
  return known !== 'bin' ? known : (INBOUND_EXTENSIONS[mimeEssence(mimeType)] ?? 'bin');
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface InboundMediaKeyInput {
  tenantId: string;
  kind: MediaKind;
  /** The day in the key is this instant's UTC date (when the customer sent it, so a day's files stay together). */
  receivedAt: Date;
  uuid: string;
  mimeType?: string;
}

/** The object key inside the inbound bucket. The tenant part is escaped, so no tenant id can leave its folder. */
export const inboundMediaObjectKey = (input: InboundMediaKeyInput): string => {
  if (!UUID.test(input.uuid)) throw new Error(`inboundMediaObjectKey: not a uuid: ${input.uuid}`);
  if (Number.isNaN(input.receivedAt.getTime())) throw new Error('inboundMediaObjectKey: invalid date');
  const day = input.receivedAt.toISOString().slice(0, 10);
  const folder = MEDIA_STORAGE_FOLDERS[input.kind];
  return `${keyPart(input.tenantId)}/inbound/${folder}/${day}/${input.uuid.toLowerCase()}.${inboundExtensionFor(input.mimeType)}`;
};
