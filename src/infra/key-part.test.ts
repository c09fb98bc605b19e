import { keyPart } from './key-part';

describe('keyPart', () => {
  it('leaves tenant ids of the creation charset and UUIDs as they are', () => {
    expect(keyPart('acme-eu.1_x')).toBe('acme-eu.1_x');
    expect(keyPart('73cb7fb7-c2db-4996-88f3-0a83a4fea1da')).toBe('73cb7fb7-c2db-4996-88f3-0a83a4fea1da');
  });

  it('escapes separators, % and anything else, so no part holds a : or /', () => {
    expect(keyPart('a:b')).toBe('a%3Ab');
    expect(keyPart('a/b')).toBe('a%2Fb');
    expect(keyPart('100%')).toBe('100%25');
    expect(keyPart('é')).toBe('%C3%A9');
  });

  it('is injective: values that differ give parts that differ (unlike replacing with _)', () => {
    const values = ['a:b', 'a_b', 'a%3Ab', 'a/b', 'a%2Fb', 'a b', 'a+b', 'ab', 'a:b:c'];
    expect(new Set(values.map(keyPart)).size).toBe(values.length);
    for (const value of values) expect(decodeURIComponent(keyPart(value))).toBe(value);
  });
});
