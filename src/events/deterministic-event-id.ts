import { createHash } from 'node:crypto';

/**
 * An event id derived from a name: appending it again is a store no-op, so a redelivered or repeated input (a
 * Meta retry, a duplicate copy of a message) records nothing new. Formatted as a version 8 (custom) RFC 9562 uuid.
 */
export const deterministicEventId = (name: string): string => {
  const bytes = createHash('sha256').update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** The id of a tenant's InboundMessageReceived for one wamid: Meta's retries and copies all map to it. */
export const inboundMessageEventId = (tenantId: string, wamid: string): string =>
  deterministicEventId(`inbound-message:${tenantId}:${wamid}`);
