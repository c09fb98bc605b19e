import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for tenant credentials at rest. Each sealed value records the id of the key that sealed it, so a new
 * key can be introduced while values sealed under older ones stay readable until they are re-sealed.
 *
 * The additional authenticated data binds a ciphertext to its owner (tenant and credential type): a ciphertext
 * copied onto another tenant's row fails to open instead of handing that tenant someone else's token.
 */
const IV_BYTES = 12; // the GCM nonce size NIST SP 800-38D recommends
const TAG_BYTES = 16;

export interface SealedSecret {
  keyId: string;
  ciphertext: Buffer; // iv ‖ tag ‖ encrypted bytes
}

export class CredentialsKeyMissing extends Error {
  readonly code = 'CredentialsKeyMissing';
  constructor(keyId: string) {
    super(`No credentials key with id ${keyId} is configured`);
  }
}

export class CredentialsUnreadable extends Error {
  readonly code = 'CredentialsUnreadable';
  constructor() {
    super('Stored credentials failed authentication: wrong key, or the ciphertext was altered or moved');
  }
}

export class CredentialsCipher {
  private readonly keys: Map<string, Buffer>;

  constructor(
    private readonly currentKeyId: string,
    keys: Record<string, Buffer>,
  ) {
    this.keys = new Map(Object.entries(keys));
    for (const [id, key] of this.keys) {
      if (key.length !== 32) throw new Error(`Credentials key ${id} must be 32 bytes`);
    }
    if (!this.keys.has(currentKeyId)) throw new CredentialsKeyMissing(currentKeyId);
  }

  seal(plaintext: string, owner: string): SealedSecret {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId)!, iv);
    cipher.setAAD(Buffer.from(owner, 'utf8'));
    const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { keyId: this.currentKeyId, ciphertext: Buffer.concat([iv, cipher.getAuthTag(), encrypted]) };
  }

  open(sealed: SealedSecret, owner: string): string {
    const key = this.keys.get(sealed.keyId);
    if (!key) throw new CredentialsKeyMissing(sealed.keyId);
    const iv = sealed.ciphertext.subarray(0, IV_BYTES);
    const tag = sealed.ciphertext.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const encrypted = sealed.ciphertext.subarray(IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(owner, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(encrypted), decipher.final()]).toString('utf8');
    } catch {
      throw new CredentialsUnreadable();
    }
  }

  /** True when the value was sealed under an older key and should be sealed again under the current one. */
  needsResealing(sealed: SealedSecret): boolean {
    return sealed.keyId !== this.currentKeyId;
  }
}

/** `CREDENTIALS_KEY` (current) plus `CREDENTIALS_PREVIOUS_KEYS` (`id:base64,…`) still accepted for reading. */
export const cipherFromConfig = (config: {
  CREDENTIALS_KEY?: string | undefined;
  CREDENTIALS_KEY_ID: string;
  CREDENTIALS_PREVIOUS_KEYS?: Record<string, string> | undefined;
}): CredentialsCipher => {
  if (!config.CREDENTIALS_KEY) {
    throw new Error('CREDENTIALS_KEY is required to read or store tenant credentials (32 bytes, base64)');
  }
  const keys: Record<string, Buffer> = {};
  for (const [id, value] of Object.entries(config.CREDENTIALS_PREVIOUS_KEYS ?? {}))
    keys[id] = Buffer.from(value, 'base64');
  keys[config.CREDENTIALS_KEY_ID] = Buffer.from(config.CREDENTIALS_KEY, 'base64');
  return new CredentialsCipher(config.CREDENTIALS_KEY_ID, keys);
};
