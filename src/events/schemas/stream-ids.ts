/**
 * Stream ids. The format is part of the stored data (ARCHITECTURE.md, "Streams") and must never change: one
 * stream per outbound Genesys message, one per conversation link.
 */

const requirePart = (name: string, value: string): string => {
  // An empty part would silently merge unrelated streams (`outbound--x` for every tenant-less call).
  if (value.length === 0) throw new TypeError(`Stream id part ${name} must not be empty`);
  return value;
};

export const outboundStreamId = (tenantId: string, genesysMessageId: string): string =>
  `outbound-${requirePart('tenantId', tenantId)}-${requirePart('genesysMessageId', genesysMessageId)}`;

export const conversationStreamId = (tenantId: string, conversationId: string): string =>
  `conversation-${requirePart('tenantId', tenantId)}-${requirePart('conversationId', conversationId)}`;
