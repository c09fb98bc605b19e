import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** The real-world payloads kept in test/fixtures (sources in SOURCES.md), read byte for byte. */
export const fixturesDir = path.resolve(__dirname, '../fixtures');

export const fixtureBytes = (name: string): Buffer => readFileSync(path.join(fixturesDir, name));

export const fixtureJson = <T = Record<string, unknown>>(name: string): T =>
  JSON.parse(fixtureBytes(name).toString('utf8')) as T;

export const fixtureNames = (folder: string, prefix = ''): string[] =>
  readdirSync(path.join(fixturesDir, folder))
    .filter((name) => name.startsWith(prefix) && name.endsWith('.json'))
    .sort()
    .map((name) => `${folder}/${name}`);
