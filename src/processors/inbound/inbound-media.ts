import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { downloadMedia, lookupMedia, simulatorOriginFor } from '../../clients/meta';
import type { Config } from '../../infra/config';
import type { S3 } from '../../infra/s3';
import type { MediaKind } from '../../transform/media-kinds';
import {
  attemptDelayMs,
  downloadFailure,
  lookupFailure,
  mediaFailure,
  type InboundMediaFailure,
} from './inbound-media-failure';
import { inboundMediaObjectKey } from './inbound-media-key';

export interface InboundMediaSettings {
  bucket: string;
  urlTtlSeconds: number;
  maxBytes: number;
  graphUrl: string;
  graphVersion: string;
  lookupTimeoutMs: number;
  downloadTimeoutMs: number;
  /** Lookup-and-download attempts, each with a fresh URL. */
  maxAttempts: number;
  /** First wait between attempts, doubled each time. */
  retryDelayMs: number;
}

export const inboundMediaSettingsFrom = (
  config: Pick<
    Config,
    | 'S3_INBOUND_MEDIA_BUCKET'
    | 'INBOUND_MEDIA_URL_TTL_SECONDS'
    | 'INBOUND_MEDIA_MAX_BYTES'
    | 'INBOUND_MEDIA_DOWNLOAD_TIMEOUT_MS'
    | 'INBOUND_MEDIA_DOWNLOAD_ATTEMPTS'
    | 'META_GRAPH_VERSION'
    | 'META_REQUEST_TIMEOUT_MS'
  >,
  graphUrl: string,
): InboundMediaSettings => ({
  bucket: config.S3_INBOUND_MEDIA_BUCKET,
  urlTtlSeconds: config.INBOUND_MEDIA_URL_TTL_SECONDS,
  maxBytes: config.INBOUND_MEDIA_MAX_BYTES,
  graphUrl,
  graphVersion: config.META_GRAPH_VERSION,
  lookupTimeoutMs: config.META_REQUEST_TIMEOUT_MS,
  downloadTimeoutMs: config.INBOUND_MEDIA_DOWNLOAD_TIMEOUT_MS,
  maxAttempts: config.INBOUND_MEDIA_DOWNLOAD_ATTEMPTS,
  retryDelayMs: 500,
});

export interface InboundMediaDeps {
  /** Writes to the store (S3_ENDPOINT). */
  s3: S3;
  /** Signs URLs for the address Genesys reaches the store at (S3_PUBLIC_ENDPOINT); sends no request. */
  publicS3: S3;
  settings: InboundMediaSettings;
  /** Tests only. */
  newUuid?: () => string;
  now?: () => Date;
}

export interface InboundMediaInput {
  tenantId: string;
  /** The media id in the inbound message (`image.id`, `document.id`, …). */
  mediaId: string;
  kind: MediaKind;
  /** The tenant's WhatsApp token: used for the lookup and, as Meta requires, for the download. */
  accessToken: string;
  /** The business number the message came to; kept in the object's metadata. */
  phoneNumberId?: string;
  /** The inbound message's wamid, kept in the object's metadata. */
  wamid?: string;
  /** What the webhook said; Meta's lookup answer wins. */
  mimeType?: string;
  /** What the webhook said; the downloaded bytes must match the lookup's (and this one when given). */
  sha256?: string;
  /** The customer's file name (documents); metadata only, never part of the key. */
  filename?: string;
  /** When the customer sent it: the day in the object key. */
  receivedAt: Date;
}

export interface StoredInboundMedia {
  bucket: string;
  objectKey: string;
  /** Presigned GET on the public endpoint: what goes into the Genesys attachment. */
  url: string;
  urlExpiresAt: string;
  mimeType: string;
  sizeBytes: number;
  sha256: string;
  mediaId: string;
  kind: MediaKind;
  filename?: string;
  /** Lookup-and-download attempts it took (1 when nothing went wrong). */
  attempts: number;
}

export type InboundMediaOutcome = { ok: true; media: StoredInboundMedia } | InboundMediaFailure;

/**
 * Meta states a file's SHA-256 in hex (media lookup reference) or base64 (what real webhooks carry); either
 * encoding of the same digest matches.
 */
export const sameDigest = (stated: string, digest: Buffer): boolean => {
  const value = stated.trim();
  return value.toLowerCase() === digest.toString('hex') || value === digest.toString('base64');
};

/** S3 user metadata travels in HTTP headers: ASCII only, so anything else is percent-encoded. */
const headerSafe = (value: string) => encodeURIComponent(value);

/**
 * Moves one inbound media file from Meta to our object store and answers a presigned URL for Genesys:
 * lookup (a fresh 5-minute URL) → download with the tenant's bearer, capped at the Genesys limit before and
 * during the transfer, checked against Meta's sha256 → put with metadata → presign. Transient failures are retried
 * inside the call, each time with a fresh lookup; what remains comes back as a typed failure, never thrown.
 */
export const storeInboundMedia = async (
  deps: InboundMediaDeps,
  input: InboundMediaInput,
): Promise<InboundMediaOutcome> => {
  const { settings } = deps;
  const simulatorOrigin = simulatorOriginFor(settings.graphUrl);
  let failure: InboundMediaFailure | undefined;
  for (let attempt = 1; attempt <= settings.maxAttempts; attempt += 1) {
    if (failure) await sleep(attemptDelayMs(attempt - 1, settings.retryDelayMs, failure.retryAfterMs));
    const lookup = await lookupMedia({
      graphUrl: settings.graphUrl,
      version: settings.graphVersion,
      mediaId: input.mediaId,
      accessToken: input.accessToken,
      // No phone_number_id: Meta documents it as "the number the media was uploaded on", which a customer's
      // media never was; the token already limits the lookup to the tenant's business account.
      timeoutMs: settings.lookupTimeoutMs,
    });
    if (!lookup.ok) {
      failure = lookupFailure(lookup.error);
      if (!failure.isTransient) return failure;
      continue;
    }
    const info = lookup.media;
    if (info.fileSize > settings.maxBytes)
      return mediaFailure(
        'MediaTooLarge',
        false,
        `${info.fileSize} bytes is over the ${settings.maxBytes} byte attachment limit`,
      );

    const download = await downloadMedia({
      url: info.url,
      accessToken: input.accessToken,
      maxBytes: settings.maxBytes,
      timeoutMs: settings.downloadTimeoutMs,
      ...(simulatorOrigin === undefined ? {} : { simulatorOrigin }),
    });
    if (!download.ok) {
      const decision = downloadFailure(download.error);
      failure = decision.failure;
      if (!decision.retry) return failure;
      continue;
    }

    const digest = createHash('sha256').update(download.bytes).digest();
    const sha256 = digest.toString('hex');
    const stated = [info.sha256, input.sha256].filter((value) => value !== undefined);
    if (!stated.every((value) => sameDigest(value, digest))) {
      // Corrupted in transit, or not the file Meta described: never handed to an agent as the customer's.
      failure = mediaFailure(
        'MediaChecksumMismatch',
        false,
        'The downloaded bytes do not match the stated sha256',
      );
      continue;
    }

    const mimeType = info.mimeType || input.mimeType || download.mimeType;
    return store(deps, input, { bytes: download.bytes, sha256, mimeType, attempt });
  }
  return failure ?? mediaFailure('MediaDownloadFailed', true, 'No download attempt was made');
};

const store = async (
  deps: InboundMediaDeps,
  input: InboundMediaInput,
  file: { bytes: Buffer; sha256: string; mimeType: string; attempt: number },
): Promise<InboundMediaOutcome> => {
  const { settings } = deps;
  const storedAt = deps.now?.() ?? new Date();
  const objectKey = inboundMediaObjectKey({
    tenantId: input.tenantId,
    kind: input.kind,
    receivedAt: input.receivedAt,
    uuid: deps.newUuid?.() ?? randomUUID(),
    mimeType: file.mimeType,
  });
  let url: string;
  try {
    await deps.s3.putObject(settings.bucket, objectKey, file.bytes, file.bytes.length, {
      'Content-Type': file.mimeType,
      'X-Amz-Meta-Tenantid': headerSafe(input.tenantId),
      'X-Amz-Meta-Wamid': headerSafe(input.wamid ?? ''),
      'X-Amz-Meta-Mediaid': headerSafe(input.mediaId),
      'X-Amz-Meta-Phonenumberid': headerSafe(input.phoneNumberId ?? ''),
      'X-Amz-Meta-Sha256': file.sha256,
      'X-Amz-Meta-Originalfilename': headerSafe(input.filename ?? ''),
      'X-Amz-Meta-Direction': 'inbound',
      'X-Amz-Meta-Receivedat': input.receivedAt.toISOString(),
    });
    url = await deps.publicS3.presignedGetObject(
      settings.bucket,
      objectKey,
      settings.urlTtlSeconds,
      {},
      storedAt,
    );
  } catch (error) {
    return mediaFailure(
      'MediaStoreFailed',
      true,
      `Object storage: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return {
    ok: true,
    media: {
      bucket: settings.bucket,
      objectKey,
      url,
      urlExpiresAt: new Date(storedAt.getTime() + settings.urlTtlSeconds * 1000).toISOString(),
      mimeType: file.mimeType,
      sizeBytes: file.bytes.length,
      sha256: file.sha256,
      mediaId: input.mediaId,
      kind: input.kind,
      ...(input.filename === undefined ? {} : { filename: input.filename }),
      attempts: file.attempt,
    },
  };
};
