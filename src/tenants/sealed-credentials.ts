import { z } from 'zod';
import type { CredentialsCipher, SealedSecret } from './credentials-cipher';
import type { CredentialType, StoredCredential } from './tenant-repository';

/** The secret part of each credential type, as sealed JSON. Everything else goes to public_config. */
export const secretSchemas = {
  genesys_webhook: z.object({ secret: z.string().min(1) }),
  genesys_oauth: z.object({ clientSecret: z.string().min(1) }),
  whatsapp: z.object({ accessToken: z.string().min(1) }),
} as const;

export type SecretOf<T extends CredentialType> = z.output<(typeof secretSchemas)[T]>;

/** Additional authenticated data: a ciphertext only opens for the tenant and type it was sealed for. */
const ownerOf = (tenantId: string, type: CredentialType) => `${tenantId}/${type}`;

export const sealCredential = <T extends CredentialType>(
  cipher: CredentialsCipher,
  tenantId: string,
  type: T,
  secret: SecretOf<T>,
  publicConfig: Record<string, string | undefined> = {},
): StoredCredential => ({
  type,
  sealed: cipher.seal(JSON.stringify(secret), ownerOf(tenantId, type)),
  publicConfig: Object.fromEntries(
    Object.entries(publicConfig).filter((entry): entry is [string, string] => entry[1] !== undefined),
  ),
});

export const openCredential = <T extends CredentialType>(
  cipher: CredentialsCipher,
  tenantId: string,
  type: T,
  sealed: SealedSecret,
): SecretOf<T> =>
  secretSchemas[type].parse(JSON.parse(cipher.open(sealed, ownerOf(tenantId, type)))) as SecretOf<T>;

/** Sealed values travel through Redis as base64; Redis never holds a secret in clear. */
export const sealedJson = z
  .object({ keyId: z.string().min(1), ciphertext: z.string().min(1) })
  .transform((value): SealedSecret => ({
    keyId: value.keyId,
    ciphertext: Buffer.from(value.ciphertext, 'base64'),
  }));

export const toSealedJson = (sealed: SealedSecret) => ({
  keyId: sealed.keyId,
  ciphertext: sealed.ciphertext.toString('base64'),
});
