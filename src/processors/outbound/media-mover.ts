import { randomUUID } from 'node:crypto';
import type { Client as S3 } from 'minio';
import {
  checkAttachmentUrl,
  defaultDownloadHosts,
  downloadAttachment,
  urlFromTemplate,
  type GenesysError,
} from '../../clients/genesys';
import { uploadMedia } from '../../clients/meta';
import type { MediaStoredData } from '../../events/schemas/media-stored';
import type { GenesysAttachment } from '../../events/schemas/webhook-received';
import type { TenantDirectory, WhatsappCredentials } from '../../tenants/tenant-directory';
import type { TenantRecord } from '../../tenants/tenant-repository';
import { META_MEDIA_MAX_BYTES, mediaKindFor } from '../../transform/media-kinds';
import { MEDIA_OUTBOUND_PREFIX, mediaObjectKey, mimeForFilename } from '../../transform/media-object-key';
import type { GenesysTokenCache } from './genesys-token-cache';

/** The original design hands Meta a presigned GET URL valid 24 hours. */
export const PRESIGNED_URL_SECONDS = 86400;

export interface MediaMoverSettings {
  bucket: string;
  loginUrlTemplate: string;
  downloadHosts?: string[] | undefined;
  downloadOriginOverride?: string | undefined;
  graphUrl: string;
  graphVersion: string;
  genesysTimeoutMs: number;
  metaTimeoutMs: number;
}

export type MediaOutcome =
  | { ok: true; data: MediaStoredData }
  | { ok: false; isRetryable: boolean; reason: string; message: string; retryAfterMs?: number };

const permanent = (reason: string, message: string): MediaOutcome => ({
  ok: false,
  isRetryable: false,
  reason,
  message,
});

const fromGenesysError = (error: GenesysError): MediaOutcome => {
  switch (error.kind) {
    case 'forbidden-host':
      return permanent('ForbiddenAttachmentHost', error.title);
    case 'too-large':
      return permanent('MediaTooLarge', error.title);
    case 'permanent':
      return permanent('AttachmentUnavailable', error.title);
    default:
      return {
        ok: false,
        isRetryable: true,
        reason: 'AttachmentDownloadFailed',
        message: error.title,
        ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
      };
  }
};

/** S3 user metadata travels in HTTP headers: ASCII only, so names with accents are percent-encoded. */
const headerSafe = (value: string) => encodeURIComponent(value);

/**
 * Moves an attachment from Genesys to our object store: checks Meta's type and size limits before any transfer,
 * downloads with the tenant's Genesys token (only from allowed hosts), stores it with its metadata under the
 * original design's key layout, and signs a 24 h GET URL on the public endpoint. Tenants in `upload` media mode
 * also get the bytes uploaded to Meta, whose link fetches fail in the wild (error 131053).
 */
export class MediaMover {
  constructor(
    private readonly s3: S3,
    private readonly publicS3: S3,
    private readonly directory: Pick<TenantDirectory, 'genesysOAuth'>,
    private readonly tokens: GenesysTokenCache,
    private readonly settings: MediaMoverSettings,
  ) {}

  async move(
    tenant: TenantRecord,
    conversationId: string | null,
    attachment: GenesysAttachment,
    whatsapp: WhatsappCredentials,
  ): Promise<MediaOutcome> {
    const mime = attachment.mime ?? mimeForFilename(attachment.filename);
    if (!mime)
      return permanent(
        'UnsupportedMediaType',
        'The attachment declares no MIME type and its name implies none',
      );
    const kind = mediaKindFor(attachment.mediaType, mime);
    if (!kind.ok) return permanent(kind.reason, kind.message);
    const maxBytes = META_MEDIA_MAX_BYTES[kind.kind];
    if (attachment.contentSizeBytes !== undefined && attachment.contentSizeBytes > maxBytes) {
      return permanent('MediaTooLarge', `${kind.kind} over WhatsApp's ${maxBytes} byte limit`);
    }

    // Refused before anything leaves the bridge, not even a token request: a crafted webhook gets nothing.
    const allowedHosts = this.settings.downloadHosts ?? defaultDownloadHosts(tenant.genesysRegion);
    const urlCheck = checkAttachmentUrl(attachment.url, allowedHosts, this.settings.downloadOriginOverride);
    if (!urlCheck.ok)
      return permanent('ForbiddenAttachmentHost', 'The attachment URL is not on a Genesys download host');

    const credentials = await this.directory.genesysOAuth(tenant.tenantId);
    if (!credentials) {
      return permanent(
        'GenesysCredentialsMissing',
        'The tenant has no Genesys client credentials to download media',
      );
    }
    const download = await this.download(tenant, attachment.url, maxBytes, credentials);
    if (!download.ok) return fromGenesysError(download.error);

    const storedAt = new Date();
    const objectKey = mediaObjectKey({
      tenantId: tenant.tenantId,
      kind: kind.kind,
      storedAt,
      uuid: randomUUID(),
      mime,
      ...(attachment.filename ? { filename: attachment.filename } : {}),
    }).slice(MEDIA_OUTBOUND_PREFIX.length + 1); // the prefix is the bucket
    await this.s3.putObject(this.settings.bucket, objectKey, download.bytes, download.bytes.length, {
      'Content-Type': mime,
      'X-Amz-Meta-Originalfilename': headerSafe(attachment.filename ?? ''),
      'X-Amz-Meta-Tenantid': headerSafe(tenant.tenantId),
      'X-Amz-Meta-Conversationid': headerSafe(conversationId ?? ''),
      'X-Amz-Meta-Genesysmediaid': headerSafe(attachment.id ?? ''),
      'X-Amz-Meta-Direction': 'outbound',
      'X-Amz-Meta-Uploadedat': storedAt.toISOString(),
    });
    const url = await this.publicS3.presignedGetObject(
      this.settings.bucket,
      objectKey,
      PRESIGNED_URL_SECONDS,
    );

    let metaMediaId: string | undefined;
    if (tenant.mediaMode === 'upload') {
      const uploaded = await uploadMedia({
        graphUrl: this.settings.graphUrl,
        version: this.settings.graphVersion,
        phoneNumberId: whatsapp.phoneNumberId,
        accessToken: whatsapp.accessToken,
        bytes: download.bytes,
        mime,
        filename: attachment.filename ?? objectKey.split('/').pop()!,
        timeoutMs: this.settings.metaTimeoutMs,
      });
      if (!uploaded.ok) {
        return uploaded.error.kind === 'permanent'
          ? permanent('MetaMediaUploadRefused', uploaded.error.title)
          : { ok: false, isRetryable: true, reason: 'MetaMediaUploadFailed', message: uploaded.error.title };
      }
      metaMediaId = uploaded.mediaId;
    }

    return {
      ok: true,
      data: {
        bucket: this.settings.bucket,
        objectKey,
        url,
        urlExpiresAt: new Date(storedAt.getTime() + PRESIGNED_URL_SECONDS * 1000).toISOString(),
        mime,
        sizeBytes: download.bytes.length,
        mediaKind: kind.kind,
        ...(attachment.filename ? { filename: attachment.filename } : {}),
        ...(attachment.id ? { genesysMediaId: attachment.id } : {}),
        ...(metaMediaId ? { metaMediaId } : {}),
      },
    };
  }

  private async download(
    tenant: TenantRecord,
    url: string,
    maxBytes: number,
    credentials: { clientId: string; clientSecret: string; region: string },
  ) {
    const tokenRequest = {
      tenantId: tenant.tenantId,
      loginUrl: urlFromTemplate(this.settings.loginUrlTemplate, credentials.region),
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
    };
    for (let attempt = 1; ; attempt++) {
      const token = await this.tokens.token(tokenRequest);
      if (!token.ok) return token;
      const result = await downloadAttachment({
        url,
        accessToken: token.accessToken,
        allowedHosts: this.settings.downloadHosts ?? defaultDownloadHosts(credentials.region),
        ...(this.settings.downloadOriginOverride
          ? { originOverride: this.settings.downloadOriginOverride }
          : {}),
        maxBytes,
        timeoutMs: this.settings.genesysTimeoutMs,
      });
      // A token revoked before its cache entry expired: forget it and try once with a fresh one.
      if (!result.ok && result.error.kind === 'unauthorized' && attempt === 1) {
        await this.tokens.forget(tenant.tenantId);
        continue;
      }
      return result;
    }
  }
}
