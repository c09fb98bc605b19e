import { randomBytes } from 'node:crypto';

/**
 * A fresh WhatsApp message id shaped like Meta's: `wamid.` and a base64 blob that embeds the recipient's digits
 * (compare fixtures/meta/send-response.json). Only the shape matters; clients must treat it as opaque.
 */
export const freshWamid = (waId: string): string => {
  const digits = Buffer.from(waId, 'ascii');
  const unique = Buffer.from(randomBytes(9).toString('hex').toUpperCase(), 'ascii');
  const blob = Buffer.concat([
    Buffer.from([0x1c, 0x18, digits.length]),
    digits,
    Buffer.from([0x15, 0x02, 0x00, 0x11, 0x18, unique.length]),
    unique,
    Buffer.from([0x00]),
  ]);
  return `wamid.${blob.toString('base64')}`;
};

/** Meta's `wa_id` for a `to` it accepted: the number's digits, without `+` or separators. */
export const waIdFor = (to: string): string => to.replace(/\D/g, '');
