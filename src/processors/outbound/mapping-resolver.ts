import type { Pool } from 'pg';
import type { Redis } from 'ioredis';
import type { Logger } from '../../infra/logger';
import {
  cachedConversation,
  cachedCustomer,
  conversationKey,
  normalizeWaId,
  waIdKey,
  writeMappingToCache,
  type MappingEntry,
} from '../../projections/mapping-cache';

export type MappingCacheObserver = (outcome: 'hit' | 'miss' | 'error') => void;

export interface ResolvedRecipient {
  waId: string;
  contactName?: string;
  phoneNumberId?: string;
  resolvedBy: 'conversationId' | 'customerId';
}

interface MappingRow {
  conversation_id: string;
  wa_id: string;
  contact_name: string | null;
  phone_number_id: string | null;
}

/**
 * conversationId → wa_id: Redis first, then the `conversation_mappings` read model, filling Redis in both
 * directions on a miss. Older Genesys payloads carry no conversationId; then the customer id Genesys was given
 * (`channel.to.id`) is the wa_id, and it is accepted only if that customer has a mapping in this tenant.
 */
export class MappingResolver {
  constructor(
    private readonly pool: Pool,
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly observe: MappingCacheObserver = () => undefined,
  ) {}

  async resolve(
    tenantId: string,
    conversationId: string | null,
    customerId: string,
  ): Promise<ResolvedRecipient | undefined> {
    return conversationId === null
      ? this.byCustomer(tenantId, customerId)
      : this.byConversation(tenantId, conversationId);
  }

  private async byConversation(
    tenantId: string,
    conversationId: string,
  ): Promise<ResolvedRecipient | undefined> {
    const cached = await this.read(conversationKey(tenantId, conversationId), cachedConversation);
    if (cached && cached.tenantId === tenantId) {
      return recipient({ ...cached, conversationId }, 'conversationId');
    }
    const { rows } = await this.pool.query<MappingRow>(
      `SELECT conversation_id, wa_id, contact_name, phone_number_id FROM conversation_mappings
       WHERE tenant_id = $1 AND conversation_id = $2`,
      [tenantId, conversationId],
    );
    return this.fill(tenantId, rows[0], 'conversationId');
  }

  private async byCustomer(tenantId: string, customerId: string): Promise<ResolvedRecipient | undefined> {
    const cached = await this.read(waIdKey(tenantId, customerId), cachedCustomer);
    if (cached && cached.tenantId === tenantId)
      return { waId: normalizeWaId(customerId), resolvedBy: 'customerId' };
    const { rows } = await this.pool.query<MappingRow>(
      `SELECT conversation_id, wa_id, contact_name, phone_number_id FROM conversation_mappings
       WHERE tenant_id = $1 AND (wa_id = $2 OR wa_id = '+' || $2)
       ORDER BY last_activity_at DESC LIMIT 1`,
      [tenantId, normalizeWaId(customerId)],
    );
    return this.fill(tenantId, rows[0], 'customerId');
  }

  private async fill(
    tenantId: string,
    row: MappingRow | undefined,
    resolvedBy: ResolvedRecipient['resolvedBy'],
  ): Promise<ResolvedRecipient | undefined> {
    if (!row) return undefined;
    const entry: MappingEntry = {
      tenantId,
      conversationId: row.conversation_id,
      waId: row.wa_id,
      contactName: row.contact_name,
      phoneNumberId: row.phone_number_id,
    };
    await writeMappingToCache(this.redis, entry).catch((error: Error) =>
      this.logger.debug({ err: error.message }, 'mapping cache fill skipped'),
    );
    return recipient(entry, resolvedBy);
  }

  private async read<T>(
    key: string,
    schema: { safeParse: (value: unknown) => { success: boolean; data?: T } },
  ) {
    try {
      const raw = await this.redis.get(key);
      const parsed = raw === null ? undefined : schema.safeParse(JSON.parse(raw));
      if (parsed?.success) {
        this.observe('hit');
        return parsed.data;
      }
      this.observe('miss');
    } catch (error) {
      this.observe('error');
      this.logger.debug({ err: (error as Error).message }, 'mapping cache unavailable');
    }
    return undefined;
  }
}

const recipient = (entry: MappingEntry, resolvedBy: ResolvedRecipient['resolvedBy']): ResolvedRecipient => ({
  waId: normalizeWaId(entry.waId),
  ...(entry.contactName ? { contactName: entry.contactName } : {}),
  ...(entry.phoneNumberId ? { phoneNumberId: entry.phoneNumberId } : {}),
  resolvedBy,
});
