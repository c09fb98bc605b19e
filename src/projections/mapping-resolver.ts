import type { Pool } from 'pg';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import type { Logger } from '../infra/logger';
import { isWaIdLike } from '../events/schemas/common';
import { readCached } from '../infra/redis-cache';
import {
  cachedConversation,
  cachedCustomer,
  conversationKey,
  normalizeWaId,
  userIdKey,
  waIdKey,
  writeMappingToCache,
  type MappingEntry,
} from './mapping-cache';

export type MappingCacheObserver = (outcome: 'hit' | 'miss' | 'error') => void;

/** Whom to send to: by wa_id, by business-scoped user id, or both known (at least one). */
export interface ResolvedRecipient {
  waId?: string;
  userId?: string;
  contactName?: string;
  phoneNumberId?: string;
  /** When the customer last wrote (the start of the 24-hour window); absent when no inbound is recorded. */
  lastInboundAt?: string;
  resolvedBy: 'conversationId' | 'customerId';
}

interface MappingRow {
  conversation_id: string;
  wa_id: string | null;
  customer_user_id: string | null;
  contact_name: string | null;
  phone_number_id: string | null;
  last_inbound_at: Date | null;
}

const MAPPING_COLUMNS =
  'conversation_id, wa_id, customer_user_id, contact_name, phone_number_id, last_inbound_at';

/**
 * conversationId → customer (wa_id and/or business-scoped user id): Redis first, then the `conversation_mappings`
 * read model, filling Redis in every direction on a miss. Older Genesys payloads carry no conversationId; then the
 * customer id Genesys was given (`channel.to.id`) is the address, a wa_id or a business-scoped user id, and it is
 * accepted only if that customer has a mapping in this tenant.
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
    if (cached && cached.tenantId === tenantId && (cached.waId || cached.userId)) {
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

  /**
   * Genesys names the customer by the id we gave it (`channel.to.id`): the wa_id of a customer with a phone number,
   * the business-scoped user id (posted to Genesys as an Opaque id) of one without.
   */
  private async byCustomer(tenantId: string, customerId: string): Promise<ResolvedRecipient | undefined> {
    return isWaIdLike(customerId)
      ? this.byWaId(tenantId, normalizeWaId(customerId))
      : this.byUserId(tenantId, customerId);
  }

  private async byWaId(tenantId: string, waId: string): Promise<ResolvedRecipient | undefined> {
    const cached = await this.read(waIdKey(tenantId, waId), cachedCustomer);
    if (cached && cached.tenantId === tenantId) {
      const lastInboundAt = await this.lastInboundAt(tenantId, cached.conversationId);
      return { waId, ...(lastInboundAt ? { lastInboundAt } : {}), resolvedBy: 'customerId' };
    }
    const { rows } = await this.pool.query<MappingRow>(
      `SELECT ${MAPPING_COLUMNS} FROM conversation_mappings
       WHERE tenant_id = $1 AND (wa_id = $2 OR wa_id = '+' || $2)
       ORDER BY last_activity_at DESC LIMIT 1`,
      [tenantId, waId],
    );
    return this.fill(tenantId, rows[0], 'customerId');
  }

  private async byUserId(tenantId: string, userId: string): Promise<ResolvedRecipient | undefined> {
    const cached = await this.read(userIdKey(tenantId, userId), cachedCustomer);
    if (cached && cached.tenantId === tenantId) {
      const lastInboundAt = await this.lastInboundAt(tenantId, cached.conversationId);
      return { userId, ...(lastInboundAt ? { lastInboundAt } : {}), resolvedBy: 'customerId' };
    }
    const { rows } = await this.pool.query<MappingRow>(
      `SELECT ${MAPPING_COLUMNS} FROM conversation_mappings
       WHERE tenant_id = $1 AND customer_user_id = $2
       ORDER BY last_activity_at DESC LIMIT 1`,
      [tenantId, userId],
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
      userId: row.customer_user_id,
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
  ...(entry.waId ? { waId: normalizeWaId(entry.waId) } : {}),
  ...(entry.userId ? { userId: entry.userId } : {}),
  ...(entry.contactName ? { contactName: entry.contactName } : {}),
  ...(entry.phoneNumberId ? { phoneNumberId: entry.phoneNumberId } : {}),
  ...(lastInboundAt ? { lastInboundAt } : {}),
  resolvedBy,
});
