import { generateApiKey, hashApiKey, isKeyOf, keyIdOf } from './api-key';

describe('tenant API keys', () => {
  it('are unique, well-formed and name their key id', () => {
    const keys = Array.from({ length: 50 }, generateApiKey);
    expect(new Set(keys.map((k) => k.key)).size).toBe(50);
    for (const { key, keyId, hash } of keys) {
      expect(keyIdOf(key)).toBe(keyId);
      expect(isKeyOf(key, hash)).toBe(true);
    }
  });

  it('refuses malformed keys before any lookup', () => {
    const { key } = generateApiKey();
    for (const bad of ['', 'gwb_', key.slice(0, -1), `${key}x`, key.replace('gwb_', 'gwx_'), ` ${key}`]) {
      expect(keyIdOf(bad)).toBeUndefined();
    }
  });

  it('does not match another key with the same id', () => {
    const { key, hash } = generateApiKey();
    const forged = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    expect(keyIdOf(forged)).toBe(keyIdOf(key));
    expect(isKeyOf(forged, hash)).toBe(false);
    expect(hashApiKey(key).equals(hash)).toBe(true);
  });
});
