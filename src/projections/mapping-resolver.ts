import type { Pool } from 'pg';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import type { Logger } from '../infra/logger';
import { readCached } from '../infra/redis-cache';
import {
  cachedConversation,
  cachedCustomer,
  conversationKey,
  normalizeWaId,
  waIdKey,
  writeMappingToCache,
  type MappingEntry,
} from './mapping-cache';

export type MappingCacheObserver = (outcome: 'hit' | 'miss' | 'error') => void;

export interface ResolvedRecipient {
  waId: string;
  contactName?: string;
  phoneNumberId?: string;
  /** When the customer last wrote (the start of the 24-hour window); absent when no inbound is recorded. */
  lastInboundAt?: string;
  resolvedBy: 'conversationId' | 'customerId';
}

interface MappingRow {
  conversation_id: string;
  wa_id: string;
  contact_name: string | null;
  phone_number_id: string | null;
  last_inbound_at: Date | null;
}

const MAPPING_COLUMNS = 'conversation_id, wa_id, contact_name, phone_number_id, last_inbound_at';

/**
 * conversationId → wa_id: Redis first, then the `conversation_mappings` read model, filling Redis in both
 * directions on a miss. Older Genesys payloads carry no conversationId; then the customer id Genesys was given
 * (`channel.to.id`) is the wa_id, and it is accepted only if that customer has a mapping in this tenant.
 *
 * `last_inbound_at` always comes from the table, never from Redis: it moves with every customer message while a
 * cached entry lives an hour, and a stale time would close the 24-hour window on a customer who just wrote.
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
      const lastInboundAt = await this.lastInboundAt(tenantId, conversationId);
      return recipient({ ...cached, conversationId }, 'conversationId', lastInboundAt);
    }
    const { rows } = await this.pool.query<MappingRow>(
      `SELECT ${MAPPING_COLUMNS} FROM conversation_mappings
       WHERE tenant_id = $1 AND conversation_id = $2`,
      [tenantId, conversationId],
    );
    return this.fill(tenantId, rows[0], 'conversationId');
  }

  private async byCustomer(tenantId: string, customerId: string): Promise<ResolvedRecipient | undefined> {
    const cached = await this.read(waIdKey(tenantId, customerId), cachedCustomer);
    if (cached && cached.tenantId === tenantId) {
      const lastInboundAt = await this.lastInboundAt(tenantId, cached.conversationId);
      return {
        waId: normalizeWaId(customerId),
        ...(lastInboundAt ? { lastInboundAt } : {}),
        resolvedBy: 'customerId',
      };
    }
    const { rows } = await this.pool.query<MappingRow>(
      `SELECT ${MAPPING_COLUMNS} FROM conversation_mappings
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
    return recipient(entry, resolvedBy, row.last_inbound_at?.toISOString());
  }

  private async lastInboundAt(tenantId: string, conversationId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ last_inbound_at: Date | null }>(
      `SELECT last_inbound_at FROM conversation_mappings WHERE tenant_id = $1 AND conversation_id = $2`,
      [tenantId, conversationId],
    );
    return rows[0]?.last_inbound_at?.toISOString();
  }

  private read<S extends z.ZodType>(key: string, schema: S) {
    return readCached(this.redis, key, schema, {
      cache: 'mapping',
      logger: this.logger,
      observe: this.observe,
    });
  }
}

const recipient = (
  entry: MappingEntry,
  resolvedBy: ResolvedRecipient['resolvedBy'],
  lastInboundAt: string | undefined,
): ResolvedRecipient => ({
  waId: normalizeWaId(entry.waId),
  ...(entry.contactName ? { contactName: entry.contactName } : {}),
  ...(entry.phoneNumberId ? { phoneNumberId: entry.phoneNumberId } : {}),
  ...(lastInboundAt ? { lastInboundAt } : {}),
  resolvedBy,
});
