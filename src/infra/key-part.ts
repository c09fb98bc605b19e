/**
 * One part of a Redis or S3 key made from a value that may hold the key's separators (`:`, `/`): every character
 * outside `[A-Za-z0-9._-]` becomes `%XX` (its UTF-8 bytes), `%` included, so the part is injective and never
 * contains a separator. Values already in that charset (every tenant id created since the charset was enforced,
 * UUIDs) are unchanged, so their keys stay what they were.
 */
export const keyPart = (value: string): string =>
  value.replace(/[^A-Za-z0-9._-]/gu, (character) =>
    [...Buffer.from(character, 'utf8')]
      .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
      .join(''),
  );
