import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * What a tenant API key may do. Reading a mapping shows a customer's phone number; writing records sends and
 * statuses that Genesys then shows an agent; audit returns message texts: each is granted on its own.
 */
export const API_KEY_SCOPES = ['state:read', 'state:write', 'audit:read'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
export const apiKeyScope = z.enum(API_KEY_SCOPES);

/**
 * `gwb_<keyId>_<secret>`: the key id (16 hex) is public and names the row, the secret (32 random bytes,
 * base64url) is what proves possession. The fixed shape lets a request with a malformed key be refused before any
 * lookup, and the prefix lets secret scanners recognise a leaked key.
 */
const KEY_PATTERN = /^gwb_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKey {
  keyId: string;
  key: string;
  hash: Buffer;
}

export const generateApiKey = (): NewApiKey => {
  const keyId = randomBytes(8).toString('hex');
  const key = `gwb_${keyId}_${randomBytes(32).toString('base64url')}`;
  return { keyId, key, hash: hashApiKey(key) };
};

/** The key id of a well-formed key, else undefined (no lookup is worth making). */
export const keyIdOf = (key: string): string | undefined => KEY_PATTERN.exec(key)?.[1];

/** SHA-256 is enough: the secret has 256 bits of entropy, so there is no dictionary to slow down. */
export const hashApiKey = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

export const isKeyOf = (key: string, storedHash: Buffer): boolean => {
  const hash = hashApiKey(key);
  return hash.length === storedHash.length && timingSafeEqual(hash, storedHash);
};
