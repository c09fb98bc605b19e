/**
 * Building blocks shared by the event schemas. Each field that uses one still gets its own `.describe()` text at
 * the point of use, because the JSON Schemas handed to analytics consumers are read field by field.
 */
import { z } from 'zod';

/** ISO 8601 instant with an explicit zone (`Z` or `+hh:mm`): a bare local time is ambiguous years later. */
export const isoInstant = () => z.iso.datetime({ offset: true });

/** A non-empty identifier issued by another system; we never parse its inside. */
export const externalId = () => z.string().min(1).max(512);

/** Meta's message id (`wamid.…`), returned by the send API and quoted by every status webhook. */
export const wamid = () => z.string().min(1).max(512);

/**
 * WhatsApp id of the customer: an international phone number, digits only. A leading `+` is tolerated because
 * mappings entered by people often carry one; Meta accepts both in `to`.
 */
export const waId = () => z.string().regex(/^\+?[0-9]{5,20}$/);

/**
 * Whether a customer id Genesys or a caller names us is a wa_id (digits, a '+' allowed) rather than a business-scoped
 * user id: a BSUID always has a country code and a period (`US.1349…`), so the two never look alike.
 */
export const isWaIdLike = (customerId: string): boolean => /^\+?[0-9]+$/.test(customerId);

/**
 * Business-scoped user id (BSUID, 2026): how Meta names a customer whose phone number it does not share, e.g.
 * `US.13491208655302741918`. Kept as Meta gave it: the send layer (transform/recipient.ts) checks its shape.
 */
export const businessScopedUserId = () => z.string().min(1).max(512);

/** Who an outbound message goes to: a WhatsApp id, a business-scoped user id, or both. */
export interface CustomerAddress {
  waId?: string | undefined;
  userId?: string | undefined;
}

/** The refinement every event naming the customer carries: at least one of the two ids. */
export const hasCustomerAddress = (address: CustomerAddress): boolean =>
  address.waId !== undefined || address.userId !== undefined;

export const CUSTOMER_ADDRESS_REQUIRED = {
  path: ['waId'],
  message: 'a customer needs a wa_id or a business-scoped user id (userId)',
};

/** A machine-readable code (`NoMappingFound`, `meta_131047`): something a program can switch on. */
export const machineCode = () => z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,99}$/);

/** Only web links: attachment and media URLs are fetched by us or by Meta, never `file:` or `javascript:`. */
export const webUrl = () => z.url({ protocol: /^https?$/ });

/** MIME type such as `image/jpeg` or `application/vnd.openxmlformats-officedocument.wordprocessingml.document`. */
export const mimeType = () => z.string().regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i);

/** Meta sends status times as a string of whole Unix seconds, e.g. `"1603059201"`. */
export const metaUnixSeconds = () => z.string().regex(/^[0-9]{1,12}$/);

/** The kinds of media WhatsApp can carry; each has its own size and MIME limits at Meta. */
export const MEDIA_KINDS = ['image', 'video', 'audio', 'document', 'sticker'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/**
 * Converts Meta's Unix-seconds timestamp to an ISO instant. Returns null for anything that is not a plain
 * non-negative integer string, so callers decide how loudly to fail.
 */
export const metaTimestampToIso = (unixSeconds: string): string | null => {
  if (!/^[0-9]{1,12}$/.test(unixSeconds)) return null;
  const millis = Number(unixSeconds) * 1000;
  const date = new Date(millis);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
};

/**
 * Meta's timestamp of an inbound message as an ISO instant. Meta documents Unix seconds, but some webhooks carry
 * milliseconds; a value of 10^12 or more is read as milliseconds (as seconds it would be after the year 33000,
 * as milliseconds it is after 2001). Null for anything that is not a plain non-negative integer.
 */
export const metaSecondsOrMillisToIso = (timestamp: string | number): string | null => {
  const text = String(timestamp);
  if (!/^[0-9]{1,15}$/.test(text)) return null;
  const value = Number(text);
  const millis = value >= 1e12 ? value : value * 1000;
  const date = new Date(millis);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
};
