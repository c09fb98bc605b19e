/**
 * `npm run schemas`: writes the analytics contract, one JSON Schema per event type and version plus the legacy
 * queue body into schemas/, and asyncapi.yaml. Files in schemas/ that are no longer generated are removed, so
 * the folder always matches the registry. src/bridges/contract/contract-files.test.ts fails until this has run.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderContractFiles } from '../src/bridges/contract/contract-files';
import { SCHEMAS_DIR } from '../src/bridges/contract/schema-ids';

const root = path.resolve(__dirname, '..');

const readIfExists = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

const main = (): void => {
  const files = renderContractFiles();
  const schemasDir = path.join(root, SCHEMAS_DIR);
  mkdirSync(schemasDir, { recursive: true });

  let changed = 0;
  for (const [relative, content] of files) {
    const target = path.join(root, relative);
    if (readIfExists(target) === content) continue;
    writeFileSync(target, content);
    changed++;
    console.log(`wrote ${relative}`);
  }
  for (const name of readdirSync(schemasDir)) {
    if (files.has(`${SCHEMAS_DIR}/${name}`)) continue;
    rmSync(path.join(schemasDir, name));
    changed++;
    console.log(`removed ${SCHEMAS_DIR}/${name}`);
  }
  console.log(`${files.size} contract files, ${changed} changed`);
};

main();
