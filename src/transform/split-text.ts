/**
 * Splitting a text longer than Meta's 4096-character `text.body` limit into ordered parts.
 *
 * - Lengths are counted in UTF-16 code units (JavaScript's `length`). Meta says "characters" without saying which;
 *   code units are never fewer than code points or graphemes, so every part is within the limit however Meta
 *   counts.
 * - A cut never falls inside a grapheme (an emoji with its skin tone or ZWJ sequence, a flag, a letter with its
 *   combining marks), and never between the two halves of a surrogate pair. The one exception is a "grapheme"
 *   longer than 256 code units (only piles of combining marks make those): it is cut between code points.
 * - Where possible a cut falls at whitespace, preferring a paragraph break, then a line break, then any space,
 *   as long as the part keeps at least half the limit (otherwise parts would get needlessly short).
 * - The whitespace at a cut is dropped: the message boundary replaces it, and WhatsApp would show a part that
 *   starts or ends with blank lines. Nothing else is ever dropped.
 */
import { META_LIMITS } from './meta-limits';

// Breaking whitespace only: no-break spaces (U+00A0, U+2007, U+202F) exist precisely to keep words together.
const BREAKING_SPACE = /[\t\n\v\f\r \u1680\u2000-\u2006\u2008-\u200a\u2028\u2029\u205f\u3000]/;

const isSpaceAt = (text: string, index: number) => BREAKING_SPACE.test(text.charAt(index));

// Loops, not /\s+$/: a regex anchored at the end backtracks quadratically over long runs of spaces.
const trimSpacesEnd = (text: string): string => {
  let end = text.length;
  while (end > 0 && isSpaceAt(text, end - 1)) end -= 1;
  return text.slice(0, end);
};
const trimSpacesStart = (text: string): string => {
  let start = 0;
  while (start < text.length && isSpaceAt(text, start)) start += 1;
  return text.slice(start);
};

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * How much text around a candidate cut the segmenter sees. Intl.Segmenter is slow (tens of microseconds per
 * grapheme here), so it never walks a whole part: grapheme rules look only at nearby characters, except for runs
 * of regional indicators (flags pair up from the start of the run), which the window is widened to include.
 */
const CONTEXT = 64;
/** Clusters longer than this (hundreds of stacked combining marks) are cut between code points instead. */
const LONGEST_CLUSTER_SOUGHT = 256;

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
/** U+1F1E6..U+1F1FF, the letters that make flags in pairs, as UTF-16. */
const isRegionalIndicatorAt = (text: string, index: number) => {
  const low = text.charCodeAt(index + 1);
  return index >= 0 && text.charCodeAt(index) === 0xd83c && low >= 0xdde6 && low <= 0xddff;
};

/** Whether a grapheme starts at `offset`, for 0 < offset < text.length. */
const isGraphemeBoundary = (text: string, offset: number): boolean => {
  const before = text.charCodeAt(offset - 1);
  const after = text.charCodeAt(offset);
  // Below U+0300 there are no combining marks, joiners, modifiers or prepended characters: every position is a
  // boundary (except inside CR LF, whitespace that a cut drops anyway). Most text never reaches the segmenter.
  if (before < 0x300 && after < 0x300) return true;
  let start = Math.max(0, offset - CONTEXT);
  while (isRegionalIndicatorAt(text, start - 2)) start -= 2;
  const local = offset - start;
  return graphemes.segment(text.slice(start, offset + CONTEXT)).containing(local)?.index === local;
};

/** The best offset to cut `text` (longer than `max`) at, in (0, max]. */
const cutOffset = (text: string, max: number): number => {
  const floor = Math.floor(max / 2);
  const preferences: ((offset: number) => boolean)[] = [
    (offset) =>
      text.charAt(offset - 1) === '\n' &&
      (text.charAt(offset - 2) === '\n' ||
        (text.charAt(offset - 2) === '\r' && text.charAt(offset - 3) === '\n')),
    (offset) => text.charAt(offset - 1) === '\n',
    (offset) => isSpaceAt(text, offset - 1),
  ];
  for (const isPreferred of preferences) {
    for (let offset = max; offset >= floor; offset -= 1) {
      if (isPreferred(offset) && isGraphemeBoundary(text, offset)) return offset;
    }
  }
  for (let offset = max; offset > Math.max(0, max - LONGEST_CLUSTER_SOUGHT); offset -= 1) {
    if (isGraphemeBoundary(text, offset)) return offset;
  }
  // One grapheme longer than any real one (stacked combining marks): cut between code points.
  return isHighSurrogate(text.charCodeAt(max - 1)) ? max - 1 : max;
};

/** Splits `text` into parts of at most `max` UTF-16 code units (default: Meta's text body limit), in order. */
export const splitText = (text: string, max: number = META_LIMITS.textBody): string[] => {
  if (max < 2) throw new Error('splitText: max must leave room for a surrogate pair');
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const offset = cutOffset(rest, max);
    const head = trimSpacesEnd(rest.slice(0, offset));
    if (head !== '') parts.push(head);
    rest = trimSpacesStart(rest.slice(offset));
  }
  if (rest !== '' || parts.length === 0) parts.push(rest);
  return parts;
};
