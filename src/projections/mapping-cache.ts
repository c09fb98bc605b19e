import { z } from 'zod';
import type { Redis } from 'ioredis';
import { keyPart } from '../infra/key-part';

/**
 * The two Redis directions of a conversation mapping (original design, TTL 1 h), tenant-scoped because a wa_id is
 * not unique across tenants. Written through by the mapping projection, filled aside on a miss by the resolver.
 */
export const MAPPING_TTL_SECONDS = 3600;

// The tenant part is escaped (keyPart): a tenant id of the older, wider charset may hold a `:`, and tenant `a:b`
// with conversation `c` must not share a key with tenant `a` and conversation `b:c`. The outside id comes last.
export const conversationKey = (tenantId: string, conversationId: string) =>
  `mapping:conv:${keyPart(tenantId)}:${conversationId}`;
export const waIdKey = (tenantId: string, waId: string) =>
  `mapping:wa:${keyPart(tenantId)}:${normalizeWaId(waId)}`;

/** Meta reports wa_ids as digits; people type them with '+'. One key per customer whatever the spelling. */
export const normalizeWaId = (waId: string) => waId.replace(/^\+/, '');

export const cachedConversation = z.object({
  waId: z.string(),
  tenantId: z.string(),
  contactName: z.string().nullish(),
  phoneNumberId: z.string().nullish(),
});
export const cachedCustomer = z.object({ conversationId: z.string(), tenantId: z.string() });

export interface MappingEntry {
  tenantId: string;
  conversationId: string;
  waId: string;
  contactName?: string | null | undefined;
  phoneNumberId?: string | null | undefined;
}

/** The conversation direction of an entry: its key and value (cachedConversation). */
export const conversationEntry = (entry: MappingEntry): [key: string, value: string] => [
  conversationKey(entry.tenantId, entry.conversationId),
  JSON.stringify({
    waId: entry.waId,
    tenantId: entry.tenantId,
    contactName: entry.contactName ?? null,
    phoneNumberId: entry.phoneNumberId ?? null,
  }),
];

/** The customer direction of an entry: its key and value (cachedCustomer). */
export const customerEntry = (entry: MappingEntry): [key: string, value: string] => [
  waIdKey(entry.tenantId, entry.waId),
  JSON.stringify({ conversationId: entry.conversationId, tenantId: entry.tenantId }),
];

/** Both directions of every entry, in one round trip; in order, so that a later link of a customer wins. */
export const writeMappingsToCache = async (redis: Redis, entries: readonly MappingEntry[]): Promise<void> => {
  if (entries.length === 0) return;
  const transaction = redis.multi();
  for (const entry of entries) {
    for (const [key, value] of [conversationEntry(entry), customerEntry(entry)]) {
      transaction.set(key, value, 'EX', MAPPING_TTL_SECONDS);
    }
  }
  await transaction.exec();
};

export const writeMappingToCache = (redis: Redis, entry: MappingEntry): Promise<void> =>
  writeMappingsToCache(redis, [entry]);
