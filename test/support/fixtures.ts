import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** The shared real-world payloads (shared/fixtures beside the repository), read byte for byte. */
export const fixturesDir =
  process.env.SHARED_FIXTURES_DIR ?? path.resolve(__dirname, '../../../shared/fixtures');

export const fixtureBytes = (name: string): Buffer => readFileSync(path.join(fixturesDir, name));

export const fixtureJson = <T = Record<string, unknown>>(name: string): T =>
  JSON.parse(fixtureBytes(name).toString('utf8')) as T;

export const fixtureNames = (folder: string, prefix = ''): string[] =>
  readdirSync(path.join(fixturesDir, folder))
    .filter((name) => name.startsWith(prefix) && name.endsWith('.json'))
    .sort()
    .map((name) => `${folder}/${name}`);
