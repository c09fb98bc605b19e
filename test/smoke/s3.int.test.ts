import { createS3, ensureBucket, type S3 } from '../../src/infra/s3';
import { createNamespace } from '../support/namespace';

const endpoint = process.env.S3_ENDPOINT ?? 'http://127.0.0.1:9000';
const accessKey = process.env.S3_ACCESS_KEY ?? 'bridge-local';
const secretKey = process.env.S3_SECRET_KEY ?? 'bridge-local-secret-key';

describe('the S3 store (S3Proxy) through the minio client', () => {
  const ns = createNamespace('smoke-s3');
  const bucket = ns.mediaBucket;
  const key = 'tenant-1/outbound/documents/2026-11-25/file.pdf';
  const bytes = Buffer.from('%PDF-1.4 a small but real body ✓');
  let s3: S3;

  beforeAll(async () => {
    s3 = createS3(endpoint, accessKey, secretKey, 'us-east-1');
    await ensureBucket(s3, bucket, 'us-east-1');
    await s3.putObject(bucket, key, bytes, bytes.length, {
      'Content-Type': 'application/pdf',
      'X-Amz-Meta-Originalfilename': 'invoice.pdf',
      'X-Amz-Meta-Tenantid': 'tenant-1',
    });
  });
  afterAll(async () => {
    await s3.removeObject(bucket, key);
    await s3.removeBucket(bucket);
  });

  it('keeps user metadata, returned by stat', async () => {
    const stat = await s3.statObject(bucket, key);
    expect(stat.size).toBe(bytes.length);
    expect(stat.metaData).toMatchObject({ originalfilename: 'invoice.pdf', tenantid: 'tenant-1' });
  });

  it('serves the same bytes through a presigned GET URL', async () => {
    const url = await s3.presignedGetObject(bucket, key, 3600);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);
  });

  it('refuses a presigned URL whose signature was tampered with', async () => {
    const url = new URL(await s3.presignedGetObject(bucket, key, 3600));
    const signature = url.searchParams.get('X-Amz-Signature')!;
    url.searchParams.set('X-Amz-Signature', `${signature[0] === 'a' ? 'b' : 'a'}${signature.slice(1)}`);
    expect((await fetch(url)).status).toBe(403);
  });

  it('refuses a presigned URL after it expired', async () => {
    const url = await s3.presignedGetObject(bucket, key, 1);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await fetch(url)).status).toBe(403);
  });
});
