import { META_LIMITS } from './meta-limits';

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
