import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Real vendor payloads kept in the repository (test/fixtures, with their sources in SOURCES.md); they are read
 * as they are, byte for byte, because signatures are computed over the raw body.
 */
export const fixturesRoot = path.resolve(__dirname, '../../../test/fixtures');

/** The absolute path of a fixture, e.g. `fixturePath('genesys/outbound-text.json')`. */
export const fixturePath = (name: string): string => path.join(fixturesRoot, name);

/** The raw bytes of a fixture, e.g. `readFixture('meta/error-130429.json')`. */
export const readFixture = (name: string): Buffer => readFileSync(fixturePath(name));
