/**
 * Splitting a text longer than Meta's 4096-character `text.body` limit into ordered parts.
 *
 * - Lengths are counted in UTF-16 code units (JavaScript's `length`). Meta says "characters" without saying which;
 *   code units are never fewer than code points or graphemes, so every part is within the limit however Meta
 *   counts.
 * - A cut never falls inside a grapheme (an emoji with its skin tone or ZWJ sequence, a letter with its combining
 *   marks), hence never between the two halves of a surrogate pair.
 * - Where possible a cut falls at whitespace, preferring a paragraph break, then a line break, then any space,
 *   as long as the part keeps at least half the limit (otherwise parts would get needlessly short).
 * - The whitespace at a cut is dropped: the message boundary replaces it, and WhatsApp would show a part that
 *   starts or ends with blank lines. Nothing else is ever dropped.
 */
import { META_LIMITS } from './meta-limits';

// Breaking whitespace only: no-break spaces (U+00A0, U+2007, U+202F) exist precisely to keep words together.
const BREAKING_SPACE = /[\t\n\v\f\r \u1680\u2000-\u2006\u2008-\u200a\u2028\u2029\u205f\u3000]/;
const LEADING_SPACE = /^[\t\n\v\f\r \u1680\u2000-\u2006\u2008-\u200a\u2028\u2029\u205f\u3000]+/;
const TRAILING_SPACE = /[\t\n\v\f\r \u1680\u2000-\u2006\u2008-\u200a\u2028\u2029\u205f\u3000]+$/;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Offsets in (0, max] at which a grapheme starts, ascending. */
const graphemeBoundaries = (text: string, max: number): number[] => {
  const boundaries: number[] = [];
  for (const { index } of graphemes.segment(text)) {
    if (index > max) break;
    if (index > 0) boundaries.push(index);
  }
  return boundaries;
};

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** The best offset to cut `text` (longer than `max`) at, in (0, max]. */
const cutOffset = (text: string, max: number): number => {
  const boundaries = graphemeBoundaries(text, max);
  const floor = Math.floor(max / 2);
  const preferences: ((offset: number) => boolean)[] = [
    (offset) => /\n\r?\n$/.test(text.slice(Math.max(0, offset - 3), offset)),
    (offset) => text.charAt(offset - 1) === '\n',
    (offset) => BREAKING_SPACE.test(text.charAt(offset - 1)),
  ];
  for (const isPreferred of preferences) {
    for (let i = boundaries.length - 1; i >= 0; i -= 1) {
      const offset = boundaries[i] as number;
      if (offset < floor) break;
      if (isPreferred(offset)) return offset;
    }
  }
  const lastBoundary = boundaries[boundaries.length - 1];
  if (lastBoundary !== undefined) return lastBoundary;
  // A single grapheme longer than the whole limit (thousands of combining marks): cut between code points.
  return isHighSurrogate(text.charCodeAt(max - 1)) ? max - 1 : max;
};

/** Splits `text` into parts of at most `max` UTF-16 code units (default: Meta's text body limit), in order. */
export const splitText = (text: string, max: number = META_LIMITS.textBody): string[] => {
  if (max < 2) throw new Error('splitText: max must leave room for a surrogate pair');
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const offset = cutOffset(rest, max);
    const head = rest.slice(0, offset).replace(TRAILING_SPACE, '');
    if (head !== '') parts.push(head);
    rest = rest.slice(offset).replace(LEADING_SPACE, '');
  }
  if (rest !== '' || parts.length === 0) parts.push(rest);
  return parts;
};
