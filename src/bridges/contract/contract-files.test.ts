import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { renderContractFiles } from './contract-files';
import { ASYNCAPI_FILE, SCHEMAS_DIR } from './schema-ids';

const root = path.resolve(__dirname, '../../..');
const regenerate = 'run `npm run schemas` and commit the result';

describe('the committed analytics contract', () => {
  const generated = renderContractFiles();

  it(`has exactly the generated files in ${SCHEMAS_DIR}/ (${regenerate})`, () => {
    const committed = readdirSync(path.join(root, SCHEMAS_DIR))
      .map((name) => `${SCHEMAS_DIR}/${name}`)
      .sort();
    const expected = [...generated.keys()].filter((file) => file.startsWith(`${SCHEMAS_DIR}/`)).sort();
    expect(committed).toEqual(expected);
  });

  it.each([...generated.keys()])(`%s is what the schemas generate today (${regenerate})`, (file) => {
    expect(readFileSync(path.join(root, file), 'utf8')).toBe(generated.get(file));
  });

  it('includes the AsyncAPI document', () => {
    expect(generated.has(ASYNCAPI_FILE)).toBe(true);
  });
});
