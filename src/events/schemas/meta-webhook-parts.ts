/**
 * How one received Meta webhook becomes MetaWebhookReceived event data: one part when it fits, several when one
 * event would not fit in a Kafka record. The relay publishes each event whole, and a broker refuses a record above
 * its message.max.bytes (1 MiB by default): one refused record would stop the relay for every stream behind it.
 */
import { createHash } from 'node:crypto';
import type { MetaInvalidStatus, MetaStatusRecord, MetaWebhookReceivedData } from './meta-webhook-received';

export interface ReceivedMetaWebhook {
  rawBody: string;
  signature: string;
  receivedAt: string;
  statuses: MetaStatusRecord[];
  /** Malformed statuses left out of `statuses` (already capped), and how many there were in all. */
  invalidStatuses?: MetaInvalidStatus[];
  invalidStatusCount?: number;
}

/**
 * Bytes of `rawBody` and `statuses` (as JSON) one event may hold. A full Meta batch (1000 delivered statuses,
 * about 350 KB) fits in one; the envelope around it and the Kafka record overhead stay well under 1 MiB.
 */
export const META_WEBHOOK_PART_BUDGET_BYTES = 700_000;

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;

/**
 * Splits text into pieces of at most `maxBytes` as JSON strings, never between the two halves of a surrogate
 * pair (a lone surrogate is not valid in PostgreSQL jsonb). The pieces concatenated are the text.
 */
export const splitText = (text: string, maxBytes: number): string[] => {
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    // Worst case a code unit takes 6 bytes escaped (\u001f); start optimistic and shrink until the piece fits.
    let end = Math.min(text.length, start + maxBytes);
    for (;;) {
      if (end < text.length && end - start > 1 && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
      if (end - start <= 2 || jsonBytes(text.slice(start, end)) <= maxBytes) break;
      end = start + Math.floor((end - start) / 2);
    }
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
};

/** Consecutive groups of statuses of at most `maxBytes` each (a single larger status gets a group of its own). */
const groupStatuses = (statuses: MetaStatusRecord[], maxBytes: number): MetaStatusRecord[][] => {
  const groups: MetaStatusRecord[][] = [];
  let current: MetaStatusRecord[] = [];
  let bytes = 0;
  for (const status of statuses) {
    const size = jsonBytes(status) + 1;
    if (current.length > 0 && bytes + size > maxBytes) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(status);
    bytes += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
};

export const metaWebhookId = (rawBody: string): string =>
  createHash('sha256').update(rawBody, 'utf8').digest('hex');

export const toMetaWebhookParts = (
  webhook: ReceivedMetaWebhook,
  budgetBytes = META_WEBHOOK_PART_BUDGET_BYTES,
): MetaWebhookReceivedData[] => {
  const common = {
    webhookId: metaWebhookId(webhook.rawBody),
    signature: webhook.signature,
    receivedAt: webhook.receivedAt,
  };
  // Reported on part 0 only; capped (meta-webhook-received.ts) so that it fits beside a full part.
  const invalid = webhook.invalidStatusCount
    ? { invalidStatuses: webhook.invalidStatuses ?? [], invalidStatusCount: webhook.invalidStatusCount }
    : undefined;
  const withInvalid = (part: MetaWebhookReceivedData): MetaWebhookReceivedData =>
    part.part === 0 && invalid ? { ...part, ...invalid } : part;
  if (jsonBytes(webhook.rawBody) + jsonBytes(webhook.statuses) <= budgetBytes) {
    return [
      withInvalid({ ...common, part: 0, partCount: 1, rawBody: webhook.rawBody, statuses: webhook.statuses }),
    ];
  }
  const half = Math.floor(budgetBytes / 2);
  const texts = splitText(webhook.rawBody, half);
  const groups = groupStatuses(webhook.statuses, half);
  const partCount = Math.max(texts.length, groups.length);
  return Array.from({ length: partCount }, (_, part) =>
    withInvalid({
      ...common,
      part,
      partCount,
      rawBody: texts[part] ?? '',
      statuses: groups[part] ?? [],
    }),
  );
};
