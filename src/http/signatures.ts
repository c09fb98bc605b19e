import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures. Genesys and Meta both use the `X-Hub-Signature-256: sha256=…` header, but Genesys encodes the
 * HMAC in BASE64 and Meta in HEX; a single shared helper for both is a known bug in the wild, so each has its own
 * function and each accepts only its own encoding. Both compare in constant time over the raw request bytes.
 */
const BASE64_SHA256 = /^sha256=([A-Za-z0-9+/]{43}=)$/;
const HEX_SHA256 = /^sha256=([0-9a-fA-F]{64})$/;

const hmac = (secret: string, rawBody: Buffer) => createHmac('sha256', secret).update(rawBody).digest();

const sameBytes = (expected: Buffer, provided: Buffer) =>
  expected.length === provided.length && timingSafeEqual(expected, provided);

/**
 * The digest of a Genesys `X-Hub-Signature-256` header, or undefined when the header is missing or not
 * `sha256=<base64 of 32 bytes>`: such a request can be refused before anything is looked up.
 */
export const genesysSignatureDigest = (header: string | undefined): Buffer | undefined => {
  const match = header === undefined ? null : BASE64_SHA256.exec(header.trim());
  return match === null ? undefined : Buffer.from(match[1]!, 'base64');
};

/** Compares in constant time a digest from genesysSignatureDigest with HMAC-SHA256(secret, raw body). */
export const matchesGenesysDigest = (secret: string, rawBody: Buffer, digest: Buffer): boolean =>
  sameBytes(hmac(secret, rawBody), digest);

/** Genesys Open Messaging: `sha256=<base64 HMAC-SHA256(integration secret, raw body)>`. */
export const isValidGenesysSignature = (
  secret: string,
  rawBody: Buffer,
  header: string | undefined,
): boolean => {
  const digest = genesysSignatureDigest(header);
  return digest !== undefined && matchesGenesysDigest(secret, rawBody, digest);
};

/** Meta WhatsApp Cloud API: `sha256=<hex HMAC-SHA256(app secret, raw body)>`. */
export const isValidMetaSignature = (
  appSecret: string,
  rawBody: Buffer,
  header: string | undefined,
): boolean => {
  const match = header === undefined ? null : HEX_SHA256.exec(header.trim());
  return match !== null && sameBytes(hmac(appSecret, rawBody), Buffer.from(match[1]!, 'hex'));
};

export const genesysSignature = (secret: string, rawBody: Buffer | string): string =>
  `sha256=${hmac(secret, Buffer.from(rawBody)).toString('base64')}`;

export const metaSignature = (appSecret: string, rawBody: Buffer | string): string =>
  `sha256=${hmac(appSecret, Buffer.from(rawBody)).toString('hex')}`;
