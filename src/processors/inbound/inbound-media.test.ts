import { createHash } from 'node:crypto';
import { loadConfig } from '../../infra/config';
import { inboundMediaSettingsFrom, sameDigest } from './inbound-media';

describe('inboundMediaSettingsFrom', () => {
  it('takes the inbound media settings and the Graph version and timeout from the configuration', () => {
    const config = loadConfig({
      S3_INBOUND_MEDIA_BUCKET: 'customer-files',
      INBOUND_MEDIA_URL_TTL_SECONDS: '3600',
      INBOUND_MEDIA_MAX_BYTES: '1000',
      INBOUND_MEDIA_DOWNLOAD_TIMEOUT_MS: '5000',
      INBOUND_MEDIA_DOWNLOAD_ATTEMPTS: '2',
      META_GRAPH_VERSION: 'v22.0',
      META_REQUEST_TIMEOUT_MS: '700',
    });
    expect(inboundMediaSettingsFrom(config, 'https://graph.facebook.com')).toEqual({
      bucket: 'customer-files',
      urlTtlSeconds: 3600,
      maxBytes: 1000,
      graphUrl: 'https://graph.facebook.com',
      graphVersion: 'v22.0',
      lookupTimeoutMs: 700,
      downloadTimeoutMs: 5000,
      maxAttempts: 2,
      retryDelayMs: 500,
    });
  });
});

describe('sameDigest', () => {
  const digest = createHash('sha256').update('bytes').digest();
  it('matches hex (any case) and base64, nothing else', () => {
    expect(sameDigest(digest.toString('hex'), digest)).toBe(true);
    expect(sameDigest(digest.toString('hex').toUpperCase(), digest)).toBe(true);
    expect(sameDigest(digest.toString('base64'), digest)).toBe(true);
    expect(sameDigest(createHash('sha256').update('other').digest('hex'), digest)).toBe(false);
    expect(sameDigest('', digest)).toBe(false);
  });
});
