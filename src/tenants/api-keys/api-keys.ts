import { LRUCache } from 'lru-cache';
import { generateApiKey, isKeyOf, keyIdOf, type ApiKeyScope } from './api-key';
import type { ApiKeyCredential, ApiKeyRecord, ApiKeyRepository } from './api-key-repository';

/** Who a verified key speaks for. */
export interface ApiKeyPrincipal {
  tenantId: string;
  keyId: string;
  scopes: ApiKeyScope[];
}

/** How long a key's row is trusted in one process: the bound on how late another process sees a revocation. */
export const API_KEY_CACHE_MS = 3_000;

/**
 * Creating, listing, revoking and verifying tenant API keys. Verification reads the key's row through a small
 * in-process cache (a legacy caller sends many requests a second; one PostgreSQL probe each would double the cost
 * of a read), including the answer "no such key", so a stranger's guesses cost one lookup per key id at most.
 */
export class ApiKeys {
  private readonly cache: LRUCache<string, ApiKeyCredential | 'unknown'>;

  constructor(
    private readonly repository: ApiKeyRepository,
    cacheMs = API_KEY_CACHE_MS,
  ) {
    this.cache = new LRUCache({ max: 10_000, ttl: Math.max(cacheMs, 1) });
  }

  async create(
    tenantId: string,
    scopes: ApiKeyScope[],
    label?: string,
  ): Promise<{ keyId: string; key: string; scopes: ApiKeyScope[] }> {
    const { keyId, key, hash } = generateApiKey();
    const unique = [...new Set(scopes)].sort();
    await this.repository.insert({ keyId, tenantId, hash, scopes: unique, ...(label ? { label } : {}) });
    this.cache.delete(keyId);
    return { keyId, key, scopes: unique };
  }

  list(tenantId: string): Promise<ApiKeyRecord[]> {
    return this.repository.list(tenantId);
  }

  async revoke(tenantId: string, keyId: string): Promise<boolean> {
    const revoked = await this.repository.revoke(tenantId, keyId);
    this.cache.delete(keyId);
    return revoked;
  }

  /** The key's principal, or undefined for a malformed, unknown, wrong, revoked or disabled-tenant key. */
  async verify(key: string): Promise<ApiKeyPrincipal | undefined> {
    const keyId = keyIdOf(key);
    if (!keyId) return undefined;
    let credential = this.cache.get(keyId);
    if (credential === undefined) {
      credential = (await this.repository.credential(keyId)) ?? 'unknown';
      this.cache.set(keyId, credential);
    }
    if (credential === 'unknown' || !credential.isUsable || !isKeyOf(key, credential.hash)) return undefined;
    return { tenantId: credential.tenantId, keyId, scopes: credential.scopes };
  }
}
