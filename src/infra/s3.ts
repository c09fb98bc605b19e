import { Client } from 'minio';

export type S3 = Client;

/** A client for the S3-compatible store. Path-style and a fixed region: no bucket-location round trip. */
export const createS3 = (endpoint: string, accessKey: string, secretKey: string, region: string): Client => {
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
