import { hasUnstorableText } from './raw-json';

describe('hasUnstorableText', () => {
  it.each([
    ['U+0000 in a value', { a: ['x', 'a\u0000b'] }],
    ['U+0000 in a key', { 'k\u0000': 1 }],
    ['a lone high surrogate', { text: 'a\ud800' }],
    ['a lone low surrogate', ['\udc00b']],
    ['two high surrogates', '\ud800\ud800\udc00'],
  ])('finds %s', (_what, value) => expect(hasUnstorableText(value)).toBe(true));

  it.each([
    ['plain JSON', { a: [1, true, null, 'text'], b: { c: 'ü' } }],
    ['a surrogate pair (emoji)', { text: 'hi 👋', '👩‍👩‍👧': ['🙏'] }],
    ['an escaped backslash-u text', '\\u0000'],
  ])('passes %s', (_what, value) => expect(hasUnstorableText(value)).toBe(false));

  it('walks a body nested far deeper than the call stack allows', () => {
    let deep: unknown = 'a\u0000';
    for (let i = 0; i < 200_000; i += 1) deep = [deep];
    expect(hasUnstorableText(deep)).toBe(true);
  });
});
