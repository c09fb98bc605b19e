import type { Redis } from 'ioredis';
import { z } from 'zod';
import { requestToken } from '../../clients/genesys';
import type { GenesysError } from '../../clients/genesys';
import type { Logger } from '../../infra/logger';
import type { CredentialsCipher } from '../../tenants/credentials-cipher';
import { sealedJson, toSealedJson } from '../../tenants/sealed-credentials';
import { keyPart } from '../../infra/key-part';

/** The original design caches the Genesys token 3300 s; a shorter `expires_in` wins, minus a safety margin. */
export const MAX_TOKEN_TTL_SECONDS = 3300;
const EXPIRY_MARGIN_SECONDS = 120;

export const tokenTtlSeconds = (expiresIn: number) =>
  Math.max(0, Math.min(MAX_TOKEN_TTL_SECONDS, Math.floor(expiresIn) - EXPIRY_MARGIN_SECONDS));

/** The tenant part escaped (keyPart) like every Redis key part made from a tenant id. */
const tokenKey = (tenantId: string) => `tenant:${keyPart(tenantId)}:oauth:token`;

// An entry of the older, unsealed shape fails to parse: it counts as a miss and is overwritten sealed.
const cachedToken = z.object({ sealedToken: sealedJson, loginUrl: z.string() });

/** Additional authenticated data: a sealed token only opens for the tenant and login host it was issued for. */
const ownerOf = (tenantId: string, loginUrl: string) => `${tenantId}/genesys_token/${loginUrl}`;

export type TokenCacheObserver = (outcome: 'hit' | 'miss' | 'error') => void;

export interface TokenRequest {
  tenantId: string;
  loginUrl: string;
  clientId: string;
  clientSecret: string;
}

/**
 * One Genesys client-credentials token per tenant and region in Redis (`tenant:{id}:oauth:token`), with a TTL
 * below its real lifetime. The token is a bearer credential, so like every other credential it is sealed with the
 * tenant credentials cipher before it reaches Redis and opened only in memory: a Redis dump gives no API access.
 */
export class GenesysTokenCache {
  constructor(
    private readonly redis: Redis,
    private readonly cipher: CredentialsCipher,
    private readonly logger: Logger,
    private readonly timeoutMs = 5000,
    private readonly observe: TokenCacheObserver = () => undefined,
  ) {}

  async token(
    request: TokenRequest,
  ): Promise<{ ok: true; accessToken: string } | { ok: false; error: GenesysError }> {
    const key = tokenKey(request.tenantId);
    const owner = ownerOf(request.tenantId, request.loginUrl);
    try {
      const raw = await this.redis.get(key);
      const parsed = raw === null ? undefined : cachedToken.safeParse(JSON.parse(raw));
      // A token from another region's login host is useless here (the tenant moved): fetch a new one.
      if (parsed?.success && parsed.data.loginUrl === request.loginUrl) {
        const accessToken = this.open(parsed.data.sealedToken, owner);
        if (accessToken !== undefined) {
          this.observe('hit');
          return { ok: true, accessToken };
        }
      }
      this.observe('miss');
    } catch (error) {
      this.observe('error');
      this.logger.debug({ err: (error as Error).message }, 'token cache unavailable');
    }
    const fresh = await requestToken({
      loginUrl: request.loginUrl,
      clientId: request.clientId,
      clientSecret: request.clientSecret,
      timeoutMs: this.timeoutMs,
    });
    if (!fresh.ok) return fresh;
    const ttl = tokenTtlSeconds(fresh.expiresIn);
    if (ttl > 0) {
      await this.redis
        .set(key, JSON.stringify(this.seal(fresh.accessToken, request.loginUrl, owner)), 'EX', ttl)
        .catch(() => undefined);
    }
    return { ok: true, accessToken: fresh.accessToken };
  }

  private seal(accessToken: string, loginUrl: string, owner: string) {
    return { sealedToken: toSealedJson(this.cipher.seal(accessToken, owner)), loginUrl };
  }

  /** Undefined when the entry no longer opens (sealed under a retired key): a fresh token replaces it. */
  private open(sealed: z.output<typeof sealedJson>, owner: string): string | undefined {
    try {
      return this.cipher.open(sealed, owner);
    } catch (error) {
      this.logger.debug({ err: (error as Error).message }, 'cached Genesys token unreadable, fetching anew');
      return undefined;
    }
  }

  /** After a 401 from Genesys: the cached token was revoked early. */
  async forget(tenantId: string): Promise<void> {
    await this.redis.del(tokenKey(tenantId)).catch(() => undefined);
  }
}
