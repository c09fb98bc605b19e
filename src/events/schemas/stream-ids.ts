/**
 * Stream ids: the one place that builds and parses them (ARCHITECTURE.md, "Streams"). One stream per outbound
 * Genesys message, `outbound-{tenant}-{genesysMessageId}`, and one per conversation link,
 * `conversation-{tenant}-{conversationId}`, and one per customer of a business number,
 * `customer-{tenant}-{phoneNumberId}-{customerKey}` (inbound messages).
 *
 * `{tenant}` is the tenant id with `%` written `%25` and `-` written `%2D`, so it never contains a `-`: the first
 * `-` after the prefix ends it and everything after is the (unescaped, may hold anything) second part. Unescaped,
 * tenants `demo` and `demo-eu` with messages `eu-m1` and `m1` would both own `outbound-demo-eu-m1`. Tenants whose id
 * has neither character keep the stream ids they always had; migration 006 rewrote the others, and its trigger
 * derives the Genesys message id with the same escaping (keep both in step).
 */

const requirePart = (name: string, value: string): string => {
  // An empty part would silently merge unrelated streams (`outbound--x` for every tenant-less call).
  if (value.length === 0) throw new TypeError(`Stream id part ${name} must not be empty`);
  return value;
};

/** `%` first, so the `%` of a `%2D` is not escaped again. */
export const escapeTenantId = (tenantId: string): string =>
  tenantId.replaceAll('%', '%25').replaceAll('-', '%2D');

const unescapeTenantId = (escaped: string): string | undefined => {
  // Only the two escapes escapeTenantId writes; anything else is not a stream id this module built.
  if (/%(?!25|2D)/.test(escaped)) return undefined;
  return escaped.replace(/%2D|%25/g, (escape) => (escape === '%2D' ? '-' : '%'));
};

const OUTBOUND = 'outbound-';
const CONVERSATION = 'conversation-';
const CUSTOMER = 'customer-';

const build = (prefix: string, tenantId: string, partName: string, part: string): string =>
  `${prefix}${escapeTenantId(requirePart('tenantId', tenantId))}-${requirePart(partName, part)}`;

const parse = (prefix: string, streamId: string): { tenantId: string; rest: string } | undefined => {
  if (!streamId.startsWith(prefix)) return undefined;
  const dash = streamId.indexOf('-', prefix.length);
  if (dash <= prefix.length || dash === streamId.length - 1) return undefined;
  const tenantId = unescapeTenantId(streamId.slice(prefix.length, dash));
  if (tenantId === undefined) return undefined;
  return { tenantId, rest: streamId.slice(dash + 1) };
};

export const outboundStreamId = (tenantId: string, genesysMessageId: string): string =>
  build(OUTBOUND, tenantId, 'genesysMessageId', genesysMessageId);

export const conversationStreamId = (tenantId: string, conversationId: string): string =>
  build(CONVERSATION, tenantId, 'conversationId', conversationId);

export const isOutboundStreamId = (streamId: string): boolean => streamId.startsWith(OUTBOUND);

/** The tenant and Genesys message of an outbound stream id, or undefined for any other string. */
export const parseOutboundStreamId = (
  streamId: string,
): { tenantId: string; genesysMessageId: string } | undefined => {
  const parsed = parse(OUTBOUND, streamId);
  return parsed && { tenantId: parsed.tenantId, genesysMessageId: parsed.rest };
};

/** The tenant and Genesys conversation of a conversation stream id, or undefined for any other string. */
export const parseConversationStreamId = (
  streamId: string,
): { tenantId: string; conversationId: string } | undefined => {
  const parsed = parse(CONVERSATION, streamId);
  return parsed && { tenantId: parsed.tenantId, conversationId: parsed.rest };
};

/**
 * The Genesys message id of an event's outbound stream, checked against the event's own tenant; throws when the
 * stream is not an outbound stream of that tenant (such an event was never written by the outbound handler). Events relayed to Kafka before migration 006 still carry the
 * unescaped id of a tenant with `-` or `%` in its id; they are read by the tenant the event names (the envelope's
 * tenant is written by the command handler, never taken from the stream id), so the old form stays unambiguous.
 */
export const genesysMessageIdOfStream = (envelope: {
  streamId: string;
  tenantId: string;
}): string => {
  const parsed = parseOutboundStreamId(envelope.streamId);
  if (parsed?.tenantId === envelope.tenantId) return parsed.genesysMessageId;
  const legacyPrefix = `${OUTBOUND}${envelope.tenantId}-`;
  if (
    escapeTenantId(envelope.tenantId) !== envelope.tenantId &&
    envelope.streamId.startsWith(legacyPrefix) &&
    envelope.streamId.length > legacyPrefix.length
  ) {
    return envelope.streamId.slice(legacyPrefix.length);
  }
  throw new TypeError(`Stream ${envelope.streamId} is not an outbound stream of tenant ${envelope.tenantId}`);
};

/**
 * The customer part of a customer stream id: `wa.{digits}` for a WhatsApp id (phone number, no `+`), `bsu.{id}`
 * for a business-scoped user id (Meta, 2026: `from` may be empty, `from_user_id` then names the customer). The
 * two prefixes keep a wa_id and a business-scoped id apart whatever characters the latter holds.
 */
export const customerKey = (customer: { waId?: string | undefined; userId?: string | undefined }): string => {
  if (customer.waId !== undefined && customer.waId.length > 0) return `wa.${customer.waId.replace(/^\+/, '')}`;
  if (customer.userId !== undefined && customer.userId.length > 0) return `bsu.${customer.userId}`;
  throw new TypeError('A customer key needs a wa_id or a business-scoped user id');
};

/**
 * `customer-{tenant}-{phoneNumberId}-{customerKey}`: every inbound message of one customer to one business number,
 * in the order they were received. The phone number id is escaped like the tenant (Meta sends digits, but the id
 * is not ours to trust); the customer key comes last and may hold anything.
 */
export const customerStreamId = (tenantId: string, phoneNumberId: string, key: string): string =>
  build(CUSTOMER, tenantId, 'phoneNumberId', `${escapeTenantId(requirePart('phoneNumberId', phoneNumberId))}-${requirePart('customerKey', key)}`);

export const isCustomerStreamId = (streamId: string): boolean => streamId.startsWith(CUSTOMER);

/** The tenant, business number and customer key of a customer stream id, or undefined for any other string. */
export const parseCustomerStreamId = (
  streamId: string,
): { tenantId: string; phoneNumberId: string; customerKey: string } | undefined => {
  const parsed = parse(CUSTOMER, streamId);
  if (!parsed) return undefined;
  const dash = parsed.rest.indexOf('-');
  if (dash <= 0 || dash === parsed.rest.length - 1) return undefined;
  const phoneNumberId = unescapeTenantId(parsed.rest.slice(0, dash));
  const key = parsed.rest.slice(dash + 1);
  if (phoneNumberId === undefined || !/^(wa|bsu)\./.test(key)) return undefined;
  return { tenantId: parsed.tenantId, phoneNumberId, customerKey: key };
};
