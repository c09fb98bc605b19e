import type { Pool } from 'pg';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import type { Logger } from '../infra/logger';
import { isWaIdLike } from '../events/schemas/common';
import { SERVICE_WINDOW_MS } from '../events/schemas/service-window';
import { readCached, readCachedMany } from '../infra/redis-cache';
import {
  cachedConversation,
  cachedCustomer,
  cachedLastInbound,
  conversationKey,
  lastInboundKey,
  normalizeWaId,
  raiseLastInboundInCache,
  rememberNoInbound,
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
 * `last_inbound_at` decides the 24-hour window. The projection raises its cached copy after every commit and never
 * lowers it, so the cache can only be behind the table (a write that failed), never ahead: a cached time that keeps
 * the window open is final, since the true one is as late or later. Any other answer (no cached time, or one that
 * would close the window) is read from the table, so a stale copy can never close the window on a customer who just
 * wrote. A conversation whose customer never wrote is cached as null, set only where no time is cached yet, and
 * raised like any time when the customer's first message is projected.
 */
export class MappingResolver {
  constructor(
    private readonly pool: Pool,
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly observe: MappingCacheObserver = () => undefined,
    /** The clock the cached last inbound time is judged by (tests set it). */
    private readonly now: () => Date = () => new Date(),
  ) {}

  private get report() {
    return { cache: 'mapping', logger: this.logger, observe: this.observe };
  }

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
    const [cached, cachedInbound] = await readCachedMany(
      this.redis,
      [
        [conversationKey(tenantId, conversationId), cachedConversation],
        [lastInboundKey(tenantId, conversationId), cachedLastInbound],
      ] as const,
      this.report,
    );
    if (cached && cached.tenantId === tenantId && (cached.waId || cached.userId)) {
      const lastInboundAt = await this.windowStart(tenantId, conversationId, cachedInbound);
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
   * the business-scoped user id (posted to Genesys as an Opaque id) of one without. The latest conversation of that
   * customer answers.
   */
  private async byCustomer(tenantId: string, customerId: string): Promise<ResolvedRecipient | undefined> {
    const byWaId = isWaIdLike(customerId);
    const id = byWaId ? normalizeWaId(customerId) : customerId;
    const cached = await this.read(byWaId ? waIdKey(tenantId, id) : userIdKey(tenantId, id), cachedCustomer);
    if (cached && cached.tenantId === tenantId) {
      const cachedInbound = await this.read(
        lastInboundKey(tenantId, cached.conversationId),
        cachedLastInbound,
      );
      const lastInboundAt = await this.windowStart(tenantId, cached.conversationId, cachedInbound);
      return {
        ...(byWaId ? { waId: id } : { userId: id }),
        ...(lastInboundAt ? { lastInboundAt } : {}),
        resolvedBy: 'customerId',
      };
    }
    const { rows } = await this.pool.query<MappingRow>(
      `SELECT ${MAPPING_COLUMNS} FROM conversation_mappings
       WHERE tenant_id = $1 AND ${byWaId ? `(wa_id = $2 OR wa_id = '+' || $2)` : 'customer_user_id = $2'}
       ORDER BY last_activity_at DESC LIMIT 1`,
      [tenantId, id],
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
    const lastInboundAt = row.last_inbound_at?.toISOString();
    await Promise.all([
      writeMappingToCache(this.redis, entry).catch((error: Error) =>
        this.logger.debug({ err: error.message }, 'mapping cache fill skipped'),
      ),
      this.rememberLastInbound(tenantId, row.conversation_id, lastInboundAt),
    ]);
    return recipient(entry, resolvedBy, lastInboundAt);
  }

  /**
   * The start of the window: a cached time that keeps it open is final, a cached null says the customer never
   * wrote; anything else is read from the table (and remembered for the next message).
   */
  private async windowStart(
    tenantId: string,
    conversationId: string,
    cached: string | null | undefined,
  ): Promise<string | undefined> {
    if (cached === null) return undefined;
    if (keepsWindowOpen(cached, this.now())) return cached;
    const { rows } = await this.pool.query<{ last_inbound_at: Date | null }>(
      `SELECT last_inbound_at FROM conversation_mappings WHERE tenant_id = $1 AND conversation_id = $2`,
      [tenantId, conversationId],
    );
    const at = rows[0]?.last_inbound_at?.toISOString();
    if (rows[0]) await this.rememberLastInbound(tenantId, conversationId, at);
    return at;
  }

  /** What the table says of the customer's last message, into the cache (best effort: a miss costs a read). */
  private async rememberLastInbound(tenantId: string, conversationId: string, at: string | undefined) {
    await (
      at === undefined
        ? rememberNoInbound(this.redis, tenantId, conversationId)
        : raiseLastInboundInCache(this.redis, [{ tenantId, conversationId, at }])
    ).catch((error: Error) => this.logger.debug({ err: error.message }, 'last inbound cache fill skipped'));
  }

  private read<S extends z.ZodType>(key: string, schema: S) {
    return readCached(this.redis, key, schema, this.report);
  }
}

// A minute short of the window: the send happens a moment after this answer, and clocks differ a little.
const TRUSTED_WINDOW_MS = SERVICE_WINDOW_MS - 60_000;

/** A cached last inbound time that keeps the window open: the table could only say later, so it is not asked. */
const keepsWindowOpen = (at: string | undefined, now: Date): at is string =>
  at !== undefined && now.getTime() - Date.parse(at) < TRUSTED_WINDOW_MS;

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
