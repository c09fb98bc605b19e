import { z } from 'zod';
import type { Redis } from 'ioredis';
import { keyPart } from '../infra/key-part';

/**
 * The Redis directions of a conversation mapping (original design, TTL 1 h), tenant-scoped because a wa_id is not
 * unique across tenants: conversation → customer, and customer → conversation by wa_id and, for a customer Meta
 * names by a business-scoped user id, by that id. Written through by the mapping projection, filled aside on a
 * miss by the resolver.
 */
export const MAPPING_TTL_SECONDS = 3600;

// The tenant part is escaped (keyPart): a tenant id of the older, wider charset may hold a `:`, and tenant `a:b`
// with conversation `c` must not share a key with tenant `a` and conversation `b:c`. The outside id comes last.
export const conversationKey = (tenantId: string, conversationId: string) =>
  `mapping:conv:${keyPart(tenantId)}:${conversationId}`;
export const waIdKey = (tenantId: string, waId: string) =>
  `mapping:wa:${keyPart(tenantId)}:${normalizeWaId(waId)}`;
/**
 * When the customer of a conversation last wrote (conversation_mappings.last_inbound_at), apart from the entry: it
 * moves with every customer message, the entry only with a link.
 */
export const lastInboundKey = (tenantId: string, conversationId: string) =>
  `mapping:inbound:${keyPart(tenantId)}:${conversationId}`;
/** A prefix of its own: a BSUID (`US.1349…`) and a wa_id never share a key, whatever either looks like. */
export const userIdKey = (tenantId: string, userId: string) => `mapping:user:${keyPart(tenantId)}:${userId}`;

/** Meta reports wa_ids as digits; people type them with '+'. One key per customer whatever the spelling. */
export const normalizeWaId = (waId: string) => waId.replace(/^\+/, '');

/** Values written before business-scoped users had neither `userId` nor a null `waId`: both still parse. */
export const cachedConversation = z.object({
  waId: z.string().nullish(),
  userId: z.string().nullish(),
  tenantId: z.string(),
  contactName: z.string().nullish(),
  phoneNumberId: z.string().nullish(),
});
export const cachedCustomer = z.object({ conversationId: z.string(), tenantId: z.string() });

/** One row of conversation_mappings as the cache knows it: the customer by wa_id, user id, or both. */
export interface MappingEntry {
  tenantId: string;
  conversationId: string;
  waId?: string | null | undefined;
  userId?: string | null | undefined;
  contactName?: string | null | undefined;
  phoneNumberId?: string | null | undefined;
}

type KeyValue = [key: string, value: string];

/** The conversation direction of an entry: its key and value (cachedConversation). */
export const conversationEntry = (entry: MappingEntry): KeyValue => [
  conversationKey(entry.tenantId, entry.conversationId),
  JSON.stringify({
    waId: entry.waId ?? null,
    userId: entry.userId ?? null,
    tenantId: entry.tenantId,
    contactName: entry.contactName ?? null,
    phoneNumberId: entry.phoneNumberId ?? null,
  }),
];

const customerValue = (entry: MappingEntry) =>
  JSON.stringify({ conversationId: entry.conversationId, tenantId: entry.tenantId });

/** The customer direction of an entry by wa_id (cachedCustomer); none for a customer without one. */
export const waIdEntries = (entry: MappingEntry): KeyValue[] =>
  entry.waId ? [[waIdKey(entry.tenantId, entry.waId), customerValue(entry)]] : [];

/** The customer direction of an entry by business-scoped user id (cachedCustomer); none without one. */
export const userIdEntries = (entry: MappingEntry): KeyValue[] =>
  entry.userId ? [[userIdKey(entry.tenantId, entry.userId), customerValue(entry)]] : [];

/** Every key and value an entry gives: the conversation direction and each customer direction it has an id for. */
export const mappingEntries = (entry: MappingEntry): KeyValue[] => [
  conversationEntry(entry),
  ...waIdEntries(entry),
  ...userIdEntries(entry),
];

/** Every direction of every entry, in one round trip; in order, so that a later link of a customer wins. */
export const writeMappingsToCache = async (redis: Redis, entries: readonly MappingEntry[]): Promise<void> => {
  if (entries.length === 0) return;
  const transaction = redis.multi();
  for (const entry of entries) {
    for (const [key, value] of mappingEntries(entry)) transaction.set(key, value, 'EX', MAPPING_TTL_SECONDS);
  }
  await transaction.exec();
};

export const writeMappingToCache = (redis: Redis, entry: MappingEntry): Promise<void> =>
  writeMappingsToCache(redis, [entry]);

/** A conversation's last inbound time, as the projection committed it. */
export interface LastInbound {
  tenantId: string;
  conversationId: string;
  at: string;
}

/**
 * The cached last inbound time: the JSON string of an ISO instant in UTC (toISOString), or null when the table
 * knew of no customer message (a conversation an agent started): that answer is final until the customer writes.
 */
export const cachedLastInbound = z.iso.datetime().nullable();

// GREATEST, like the column: writes from two batches may land out of order, and an older time must never replace a
// newer one (it could close the 24-hour window on a customer who just wrote). Same-format ISO strings, so the
// string order is the time order; null (no message known) is below every time.
const RAISE_LAST_INBOUND = `
local current = redis.call('GET', KEYS[1])
if current == false or current == 'null' or current < ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
end
return 0`;

/**
 * Remembers that the table knows of no customer message in this conversation, unless a time is cached by now: only
 * if the key is absent (NX), so a reader that saw the table before the customer's first message was projected cannot
 * hide the time the projection raised meanwhile.
 */
export const rememberNoInbound = async (
  redis: Redis,
  tenantId: string,
  conversationId: string,
): Promise<void> => {
  await redis.set(lastInboundKey(tenantId, conversationId), 'null', 'EX', MAPPING_TTL_SECONDS, 'NX');
};

/** The key and value of a conversation's last inbound time (cachedLastInbound). */
export const lastInboundEntry = ({ tenantId, conversationId, at }: LastInbound): KeyValue => [
  lastInboundKey(tenantId, conversationId),
  JSON.stringify(new Date(at).toISOString()),
];

/** Raises each conversation's cached last inbound time to `at`, never lowers it; one round trip. */
export const raiseLastInboundInCache = async (redis: Redis, times: readonly LastInbound[]): Promise<void> => {
  if (times.length === 0) return;
  const pipeline = redis.pipeline();
  for (const time of times)
    pipeline.eval(RAISE_LAST_INBOUND, 1, ...lastInboundEntry(time), MAPPING_TTL_SECONDS);
  const results = await pipeline.exec();
  const failed = results?.find(([error]) => error);
  if (failed) throw failed[0];
};
