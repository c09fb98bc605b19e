import { readFileSync } from 'node:fs';
import path from 'node:path';

/** shared/fixtures sits beside the repository (here and in CI); fixtures are read as they are, never copied. */
const fixturesRoot = path.resolve(__dirname, '../../../../shared/fixtures');

/** The absolute path of a fixture, e.g. `fixturePath('genesys/outbound-text.json')`. */
export const fixturePath = (name: string): string => path.join(fixturesRoot, name);

/** The raw bytes of a fixture, e.g. `readFixture('meta/error-130429.json')`. */
export const readFixture = (name: string): Buffer => readFileSync(fixturePath(name));
