import { splitText } from './split-text';

const LIMIT = 4096;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const WHITESPACE = /\s+/g;

const expectValidParts = (text: string, parts: string[]) => {
  for (const part of parts) {
    expect(part.length).toBeGreaterThan(0);
    expect(part.length).toBeLessThanOrEqual(LIMIT);
    expect(part).not.toMatch(LONE_SURROGATE);
  }
  // Nothing but whitespace at the cuts is ever dropped, and the order is kept.
  expect(parts.join('').replace(WHITESPACE, '')).toBe(text.replace(WHITESPACE, ''));
};

describe('splitText', () => {
  it('keeps a text within the limit as one part, untouched', () => {
    expect(splitText('  Hello World \n')).toEqual(['  Hello World \n']);
    const exact = 'x'.repeat(LIMIT);
    expect(splitText(exact)).toEqual([exact]);
  });

  it('cuts a text without spaces at the limit', () => {
    expect(splitText('a'.repeat(LIMIT + 1))).toEqual(['a'.repeat(LIMIT), 'a']);
  });

  it('cuts at the last space, in order, keeping whole words', () => {
    // 1000 nine-letter words, one space apart: 9999 characters.
    const words = Array.from({ length: 1000 }, (_, i) => `w${String(i).padStart(8, '0')}`);
    const parts = splitText(words.join(' '));
    expect(parts.map((part) => part.split(' ').length)).toEqual([409, 409, 182]);
    expect(parts.join(' ')).toBe(words.join(' '));
  });

  it('prefers a paragraph break, then a line break, to a later space', () => {
    const a = 'a'.repeat(3000);
    const b = 'b'.repeat(1000);
    const c = 'c'.repeat(2000);
    expect(splitText(`${a}\n\n${b}\n${c}`)).toEqual([a, `${b}\n${c}`]);
    expect(splitText(`${a}\r\n\r\n${b}\r\n${c}`)).toEqual([a, `${b}\r\n${c}`]);
    expect(splitText(`${a}\n${b} ${c}`)).toEqual([a, `${b} ${c}`]);
  });

  it('ignores a break that would leave a part under half the limit', () => {
    const text = `${'a'.repeat(100)}\n\n${'b'.repeat(3900)} ${'c'.repeat(500)}`;
    expect(splitText(text)).toEqual([`${'a'.repeat(100)}\n\n${'b'.repeat(3900)}`, 'c'.repeat(500)]);
  });

  it('never breaks at a no-break space', () => {
    const text = `${'a'.repeat(3000)}\u00a0${'b'.repeat(2000)}`;
    expect(splitText(text)).toEqual([`${'a'.repeat(3000)}\u00a0${'b'.repeat(1095)}`, 'b'.repeat(905)]);
  });

  it('drops the whitespace run at a cut, and only there', () => {
    expect(splitText(`${'a'.repeat(4000)}${' '.repeat(200)}b`)).toEqual(['a'.repeat(4000), 'b']);
    // A run longer than a whole part never becomes an empty part.
    expect(splitText(`${' '.repeat(5000)}abc`)).toEqual(['abc']);
  });

  it('never splits a surrogate pair: an emoji straddling the limit moves to the next part', () => {
    const parts = splitText(`${'a'.repeat(LIMIT - 1)}😀b`);
    expect(parts).toEqual(['a'.repeat(LIMIT - 1), '😀b']);
    expect(parts.join('')).not.toMatch(LONE_SURROGATE);
  });

  it('never splits a grapheme: ZWJ family and skin-tone emoji stay whole', () => {
    const family = '👩‍👩‍👧‍👦';
    expect(splitText(`${'a'.repeat(4090)}${family}z`)).toEqual(['a'.repeat(4090), `${family}z`]);
    const thumbs = '👍🏽';
    expect(splitText(`${'a'.repeat(4094)}${thumbs}`)).toEqual(['a'.repeat(4094), thumbs]);
  });

  it('keeps flags whole: regional indicators pair up from the start of their run', () => {
    expect(splitText(`${'a'.repeat(4093)}🇫🇷🇩🇪`)).toEqual(['a'.repeat(4093), '🇫🇷🇩🇪']);
    // 1100 flags after one letter: a cut inside the run must still fall between two flags, not inside one.
    const parts = splitText(`a${'🇫🇷'.repeat(1100)}`);
    expect(parts).toEqual([`a${'🇫🇷'.repeat(1023)}`, '🇫🇷'.repeat(77)]);
  });

  it('splits a text of emoji only into whole emoji, each part within the limit', () => {
    const text = '😀'.repeat(5000);
    const parts = splitText(text);
    expect(parts.map((part) => part.length)).toEqual([4096, 4096, 1808]);
    expect(parts.join('')).toBe(text);
  });

  it('cuts between code points when a single grapheme is longer than the limit', () => {
    const text = `e${'\u0301'.repeat(5000)}`;
    const parts = splitText(text);
    expect(parts.map((part) => part.length)).toEqual([4096, 905]);
    expect(parts.join('')).toBe(text);
  });

  it('cuts an overlong grapheme of surrogate pairs between pairs, never inside one', () => {
    // A thumb followed by 3000 skin-tone modifiers is a single grapheme of 6001 code units, after an 'x'.
    const text = `x👍${'🏽'.repeat(3000)}`;
    const parts = splitText(text);
    expect(parts.map((part) => part.length)).toEqual([4095, 1908]);
    expect(parts.join('')).toBe(text);
    expectValidParts(text, parts);
  });

  it('keeps every part valid on mixed text', () => {
    // Deterministic mix of words, emoji, line breaks and long runs.
    const pieces = ['word', 'emoji😀', '👩‍💻', '\n', '\n\n', 'x'.repeat(700), 'ß', ' ', 'e\u0301'];
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    for (let round = 0; round < 20; round += 1) {
      let text = '';
      while (text.length < 20000) text += `${pieces[next() % pieces.length]} `;
      expectValidParts(text, splitText(text));
    }
  });

  it('honours a smaller limit', () => {
    expect(splitText('one two three four', 9)).toEqual(['one two', 'three', 'four']);
  });

  it('refuses a limit too small to hold a surrogate pair', () => {
    expect(() => splitText('abc', 1)).toThrow(/max/);
  });
});
