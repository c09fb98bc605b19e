import type { CustomerAddress } from '../events/schemas/common';
import { META_LIMITS } from './meta-limits';
import type { MetaAddress } from './meta-message';
import type { Recipient } from './outbound-content';

export type RecipientResult = { ok: true; to: string } | { ok: false; message: string };

/**
 * Separators people type inside phone numbers. Anything else (letters, '@') means the value is not a phone number
 * at all: stripping it would turn `abcdef12345@socialmedia` into +12345, a stranger's number.
 */
const PHONE_FORMATTING = /^\+?[0-9 ().-]*$/;

/**
 * Meta's `to`: the wa_id in E.164 form, '+' and digits. Meta accepts a wa_id with or without '+'; we always send
 * the '+' form so one customer has one spelling in every body we send and log.
 */
export const toE164 = (waId: string): RecipientResult => {
  if (!PHONE_FORMATTING.test(waId.trim())) {
    return { ok: false, message: `wa_id ${JSON.stringify(waId)} is not a phone number` };
  }
  const digits = waId.replace(/[^0-9]/g, '');
  if (digits.length === 0) return { ok: false, message: 'wa_id has no digits' };
  if (digits.length > META_LIMITS.phoneDigits) {
    return {
      ok: false,
      message: `wa_id has ${digits.length} digits; E.164 allows ${META_LIMITS.phoneDigits}`,
    };
  }
  return { ok: true, to: `+${digits}` };
};

/**
 * A business-scoped user id as Meta writes it: a country code, a period, an alphanumeric string (US.1349…); a
 * parent BSUID, which Meta also takes in `recipient`, has `ENT` and a period after the country code
 * (US.ENT.1181…; Meta's "Business-scoped user IDs" page, 2026).
 */
const BSUID = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/;

/**
 * The address of a send: `to` (E.164) for a customer with a WhatsApp id; `recipient` (the BSUID, as Meta gave it)
 * for one known only by a business-scoped user id.
 */
export const metaAddress = (
  recipient: Recipient,
): { ok: true; address: MetaAddress } | { ok: false; message: string } => {
  if (recipient.waId !== undefined) {
    const to = toE164(recipient.waId);
    return to.ok ? { ok: true, address: { to: to.to } } : to;
  }
  if (!BSUID.test(recipient.userId))
    return {
      ok: false,
      message: `user id ${JSON.stringify(recipient.userId)} is not a business-scoped user id`,
    };
  return { ok: true, address: { recipient: recipient.userId } };
};

/**
 * Whom to send to, from a mapping's ids: the wa_id when there is one, else the business-scoped user id. Meta takes
 * `to` over `recipient` when both are sent, so a customer with both is addressed by phone number, as before BSUIDs.
 */
export const recipientOf = (address: CustomerAddress): Recipient | undefined => {
  if (address.waId !== undefined) return { waId: address.waId };
  if (address.userId !== undefined) return { userId: address.userId };
  return undefined;
};
