import http from 'node:http';
import https from 'node:https';
import { Client } from 'minio';

export type S3 = Client;

export interface S3Limits {
  /** A request with no byte sent or received for this long is aborted (config.ts S3_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs: number;
}

export const defaultS3Limits: S3Limits = { requestTimeoutMs: 15_000 };

type Transport = Pick<typeof http, 'request'>;

/**
 * The transport minio sends every request through, with an inactivity timeout: the minio client has none, and a
 * stalled S3 endpoint would otherwise hold a media upload or an archive write forever. Inactivity rather than a
 * total deadline, so a large upload that keeps moving is never cut.
 */
export const timedTransport = (base: Transport, timeoutMs: number): Transport => ({
  request: ((...args: Parameters<typeof http.request>) => {
    const request = base.request(...args);
    request.setTimeout(timeoutMs, () =>
      request.destroy(
        Object.assign(new Error(`S3 request timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' }),
      ),
    );
    return request;
  }) as typeof http.request,
});

/** A client for the S3-compatible store. Path-style and a fixed region: no bucket-location round trip. */
export const createS3 = (
  endpoint: string,
  accessKey: string,
  secretKey: string,
  region: string,
  limits: S3Limits = defaultS3Limits,
): Client => {
  const url = new URL(endpoint);
  const useSSL = url.protocol === 'https:';
  return new Client({
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey,
    secretKey,
    region,
    pathStyle: true,
    transport: timedTransport(useSSL ? https : http, limits.requestTimeoutMs) as typeof http,
  });
};

export const ensureBucket = async (s3: Client, bucket: string, region: string): Promise<void> => {
  if (await s3.bucketExists(bucket)) return;
  try {
    await s3.makeBucket(bucket, region);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw error;
  }
};
