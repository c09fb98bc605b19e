import { randomBytes } from 'node:crypto';
import { CredentialsCipher, CredentialsKeyMissing, CredentialsUnreadable } from './credentials-cipher';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const owner = 'tenant-a/whatsapp';

describe('CredentialsCipher', () => {
  it('round-trips a secret and never stores it in clear', () => {
    const cipher = new CredentialsCipher('k1', { k1 });
    const sealed = cipher.seal('EAAJ-secret-token', owner);
    expect(sealed.keyId).toBe('k1');
    expect(sealed.ciphertext.toString('latin1')).not.toContain('EAAJ');
    expect(cipher.open(sealed, owner)).toBe('EAAJ-secret-token');
  });

  it('uses a fresh nonce for every seal', () => {
    const cipher = new CredentialsCipher('k1', { k1 });
    expect(cipher.seal('same', owner).ciphertext.equals(cipher.seal('same', owner).ciphertext)).toBe(false);
  });

  it('refuses a ciphertext moved to another owner', () => {
    const cipher = new CredentialsCipher('k1', { k1 });
    const sealed = cipher.seal('token-of-a', owner);
    expect(() => cipher.open(sealed, 'tenant-b/whatsapp')).toThrow(CredentialsUnreadable);
  });

  it('refuses a tampered ciphertext', () => {
    const cipher = new CredentialsCipher('k1', { k1 });
    const sealed = cipher.seal('token', owner);
    sealed.ciphertext[sealed.ciphertext.length - 1]! ^= 1;
    expect(() => cipher.open(sealed, owner)).toThrow(CredentialsUnreadable);
  });

  it('reads values sealed under a previous key after rotation and says they need resealing', () => {
    const before = new CredentialsCipher('k1', { k1 });
    const sealed = before.seal('token', owner);
    const after = new CredentialsCipher('k2', { k1, k2 });
    expect(after.open(sealed, owner)).toBe('token');
    expect(after.needsResealing(sealed)).toBe(true);
    expect(after.needsResealing(after.seal('token', owner))).toBe(false);
  });

  it('names the missing key id when the key that sealed a value is gone', () => {
    const sealed = new CredentialsCipher('k1', { k1 }).seal('token', owner);
    expect(() => new CredentialsCipher('k2', { k2 }).open(sealed, owner)).toThrow(CredentialsKeyMissing);
  });
});
