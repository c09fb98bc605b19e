import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { Redis } from 'ioredis';
import type { Logger } from '../infra/logger';
import type { CredentialsCipher } from './credentials-cipher';
import { openCredential, sealedJson, toSealedJson } from './sealed-credentials';
import { isIdentifier } from './tenant-input';
import type { TenantRecord, TenantRepository } from './tenant-repository';
import { keyPart } from '../infra/key-part';
import { readCached, writeCached } from '../infra/redis-cache';

/** TTLs of the original design: tenant config 1 h, WhatsApp credentials 24 h. */
export const INTEGRATION_TTL_SECONDS = 3600;
export const WHATSAPP_TTL_SECONDS = 86400;

export type CacheName = 'tenant-config' | 'whatsapp-token';
export type CacheObserver = (cache: CacheName, outcome: 'hit' | 'miss' | 'error') => void;

export interface ResolvedIntegration {
  tenant: TenantRecord;
  webhookSecret: string;
}

export interface WhatsappCredentials {
  phoneNumberId: string;
  accessToken: string;
  businessAccountId?: string;
  wabaId?: string;
  displayPhoneNumber?: string;
  /** The template to use for a notification that names none (tenant-input.ts). */
  templateDefaults?: { name?: string; languageCode?: string };
  /** Mark a customer's message read at Meta once Genesys has it (tenant-input.ts); true unless set to false. */
  markInboundRead: boolean;
}

export interface GenesysOAuthCredentials {
  clientId: string;
  clientSecret: string;
  region: string;
}

const tenantRecordSchema = z.object({
  tenantId: z.string(),
  genesysIntegrationId: z.string(),
  genesysRegion: z.string(),
  mediaMode: z.enum(['link', 'upload']),
  status: z.enum(['active', 'disabled']),
});
const cachedIntegration = z.object({ tenant: tenantRecordSchema, webhookSecret: sealedJson });
const cachedWhatsapp = z.object({ publicConfig: z.record(z.string(), z.string()), accessToken: sealedJson });

const integrationKey = (integrationId: string) => `integration:${integrationId}`;
const whatsappKey = (tenantId: string) => `tenant:${keyPart(tenantId)}:whatsapp:token`;

/**
 * Cached lookups of tenants and their credentials: Redis first (cache-aside), PostgreSQL on a miss. Cached values
 * keep secrets sealed; they are opened in memory only when used. A Redis outage makes lookups slower, never fail.
 */
export class TenantDirectory {
  /**
   * Every webhook looks its integration up, and every outbound message its tenant: a few seconds in memory spare
   * the Redis or PostgreSQL round trip (and the decryption) on the hot paths. Other processes learn of a change (a
   * rotated secret, a disabled tenant) when their entry expires; this one at once (invalidate).
   */
  private readonly integrations: LRUCache<string, ResolvedIntegration> | undefined;
  private readonly tenants: LRUCache<string, TenantRecord> | undefined;
  /**
   * Integration ids found to belong to no tenant, kept as long as resolved ones: unsigned or forged webhooks naming
   * random ids then cost one lookup per id, not one per request. Bounded by the total length of the ids, since the
   * ids come from strangers.
   */
  private readonly unknownIntegrations: LRUCache<string, true> | undefined;
  /** Concurrent lookups of one id share one round trip. */
  private readonly pendingIntegrations = new Map<string, Promise<ResolvedIntegration | undefined>>();
  /** Bumped by invalidate: a lookup that started before a change must not cache what it found. */
  private generation = 0;

  constructor(
    private readonly repository: TenantRepository,
    private readonly cipher: CredentialsCipher,
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly observe: CacheObserver = () => undefined,
    /** How long a resolved (or unknown) integration is kept in this process; 0 keeps none. */
    localCacheMs = 5_000,
  ) {
    this.integrations = localCacheMs > 0 ? new LRUCache({ max: 10_000, ttl: localCacheMs }) : undefined;
    this.tenants = localCacheMs > 0 ? new LRUCache({ max: 10_000, ttl: localCacheMs }) : undefined;
    this.unknownIntegrations =
      localCacheMs > 0
        ? new LRUCache({
            max: 10_000,
            maxSize: 1_000_000,
            sizeCalculation: (_value, key) => Math.max(1, key.length),
            ttl: localCacheMs,
          })
        : undefined;
  }

  async resolveIntegration(integrationId: string): Promise<ResolvedIntegration | undefined> {
    // No tenant can have an id its input validation refuses: such ids are answered without a lookup.
    if (!isIdentifier(integrationId)) return undefined;
    const local = this.integrations?.get(integrationId);
    if (local) {
      this.observe('tenant-config', 'hit');
      return local;
    }
    if (this.unknownIntegrations?.has(integrationId)) return undefined;
    const pending = this.pendingIntegrations.get(integrationId);
    if (pending) return pending;
    const generation = this.generation;
    const lookup = this.resolveIntegrationShared(integrationId)
      .then((resolved) => {
        if (generation === this.generation) {
          if (resolved) this.integrations?.set(integrationId, resolved);
          else this.unknownIntegrations?.set(integrationId, true);
        }
        return resolved;
      })
      .finally(() => this.pendingIntegrations.delete(integrationId));
    this.pendingIntegrations.set(integrationId, lookup);
    return lookup;
  }

  private async resolveIntegrationShared(integrationId: string): Promise<ResolvedIntegration | undefined> {
    const cached = await this.readCache(integrationKey(integrationId), cachedIntegration, 'tenant-config');
    if (cached) {
      return {
        tenant: cached.tenant,
        webhookSecret: openCredential(
          this.cipher,
          cached.tenant.tenantId,
          'genesys_webhook',
          cached.webhookSecret,
        ).secret,
      };
    }
    const tenant = await this.repository.findByIntegrationId(integrationId);
    if (!tenant) return undefined;
    const credential = await this.repository.credential(tenant.tenantId, 'genesys_webhook');
    if (!credential) return undefined;
    await this.writeCache(
      integrationKey(integrationId),
      { tenant, webhookSecret: toSealedJson(credential.sealed) },
      INTEGRATION_TTL_SECONDS,
    );
    return {
      tenant,
      webhookSecret: openCredential(this.cipher, tenant.tenantId, 'genesys_webhook', credential.sealed)
        .secret,
    };
  }

  async whatsapp(tenantId: string): Promise<WhatsappCredentials | undefined> {
    let entry = await this.readCache(whatsappKey(tenantId), cachedWhatsapp, 'whatsapp-token');
    if (!entry) {
      const credential = await this.repository.credential(tenantId, 'whatsapp');
      if (!credential) return undefined;
      entry = { publicConfig: credential.publicConfig, accessToken: credential.sealed };
      await this.writeCache(
        whatsappKey(tenantId),
        { publicConfig: credential.publicConfig, accessToken: toSealedJson(credential.sealed) },
        WHATSAPP_TTL_SECONDS,
      );
    }
    const {
      phoneNumberId,
      businessAccountId,
      wabaId,
      displayPhoneNumber,
      defaultTemplateName,
      defaultTemplateLanguage,
      markInboundRead,
    } = entry.publicConfig;
    if (!phoneNumberId) return undefined;
    return {
      phoneNumberId,
      accessToken: openCredential(this.cipher, tenantId, 'whatsapp', entry.accessToken).accessToken,
      // Tenants stored before the setting existed have none: the default applies.
      markInboundRead: markInboundRead !== 'false',
      ...(businessAccountId ? { businessAccountId } : {}),
      ...(wabaId ? { wabaId } : {}),
      ...(displayPhoneNumber ? { displayPhoneNumber } : {}),
      ...(defaultTemplateName || defaultTemplateLanguage
        ? {
            templateDefaults: {
              ...(defaultTemplateName ? { name: defaultTemplateName } : {}),
              ...(defaultTemplateLanguage ? { languageCode: defaultTemplateLanguage } : {}),
            },
          }
        : {}),
    };
  }

  /** Rarely needed (attachment downloads), so read straight from PostgreSQL. */
  async genesysOAuth(tenantId: string): Promise<GenesysOAuthCredentials | undefined> {
    const [tenant, credential] = await Promise.all([
      this.repository.findById(tenantId),
      this.repository.credential(tenantId, 'genesys_oauth'),
    ]);
    const clientId = credential?.publicConfig.clientId;
    if (!tenant || !credential || !clientId) return undefined;
    return {
      clientId,
      clientSecret: openCredential(this.cipher, tenantId, 'genesys_oauth', credential.sealed).clientSecret,
      region: tenant.genesysRegion,
    };
  }

  async tenant(tenantId: string): Promise<TenantRecord | undefined> {
    const local = this.tenants?.get(tenantId);
    if (local) return local;
    const tenant = await this.repository.findById(tenantId);
    if (tenant) this.tenants?.set(tenantId, tenant);
    return tenant;
  }

  /** After credentials change: the next lookup reads PostgreSQL again. */
  async invalidate(tenant: Pick<TenantRecord, 'tenantId' | 'genesysIntegrationId'>): Promise<void> {
    this.generation += 1;
    this.integrations?.delete(tenant.genesysIntegrationId);
    this.unknownIntegrations?.delete(tenant.genesysIntegrationId);
    this.tenants?.delete(tenant.tenantId);
    await this.redis
      .del(integrationKey(tenant.genesysIntegrationId), whatsappKey(tenant.tenantId))
      .catch((error: Error) => this.logger.warn({ err: error.message }, 'could not invalidate tenant cache'));
  }

  private readCache<S extends z.ZodType>(key: string, schema: S, cache: CacheName) {
    return readCached(this.redis, key, schema, {
      cache,
      logger: this.logger,
      observe: (outcome) => this.observe(cache, outcome),
    });
  }

  private writeCache(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    return writeCached(this.redis, key, value, ttlSeconds, { cache: 'tenant', logger: this.logger });
  }
}
