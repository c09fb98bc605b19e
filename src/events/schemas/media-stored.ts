/** MediaStored: the message's attachment was copied from Genesys into our object store (and maybe to Meta). */
import { z } from 'zod';
import { externalId, isoInstant, MEDIA_KINDS, mimeType, webUrl } from './common';
import { defineEvent } from './define';

export const mediaStoredDataSchema = z.object({
  bucket: z.string().min(1).describe('Object-store bucket holding the copy.'),
  objectKey: z
    .string()
    .min(1)
    .describe('Object key, `{tenant}/outbound/{kind}/{yyyy-MM-dd}/{uuid}.{ext}` under the media prefix.'),
  url: webUrl().describe('Presigned GET URL handed to Meta; it expires at urlExpiresAt (24 h after signing).'),
  urlExpiresAt: isoInstant().describe('When the presigned URL stops working.'),
  mime: mimeType().describe('MIME type of the stored object.'),
  sizeBytes: z.int().nonnegative().describe('Size of the stored object in bytes.'),
  mediaKind: z.enum(MEDIA_KINDS).describe('WhatsApp media kind the attachment will be sent as.'),
  filename: z.string().min(1).max(1024).optional().describe('Original file name, shown for documents.'),
  genesysMediaId: externalId().optional().describe('Genesys id of the attachment this copy came from.'),
  metaMediaId: externalId()
    .optional()
    .describe('Meta media id, when the tenant uploads media to Meta instead of sending a link.'),
});

export type MediaStoredData = z.output<typeof mediaStoredDataSchema>;

export const mediaStoredEvent = defineEvent({
  type: 'MediaStored',
  version: 1,
  category: 'outbound-message',
  description: "The outbound message's attachment is stored and reachable by Meta.",
  schema: mediaStoredDataSchema,
});
