import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(__dirname, '../..');

export interface BridgeBuild {
  /** The compiled CLI entry point (what `bridge` runs in production). */
  mainJs: string;
  /** The SQL migrations of the same source tree (a baseline's may differ from this checkout's). */
  migrationsDir: string;
  files: number;
  seconds: number;
  remove: () => Promise<void>;
}

/**
 * Compiles src/ (the files tsconfig.build.json selects) of this checkout, or of `sourceRoot` (a baseline's
 * worktree), to JavaScript once per bench run, so the child bridges
 * run plain `node`, as in production, instead of tsx's on-the-fly loader.
 *
 * Transpiled file by file rather than by `npm run build`: `tsc` type-checks the whole tree for ~40 s and fails
 * on any colleague's half-finished file, and it writes the shared dist/ that others may be running. Type checking
 * is not what a benchmark measures. The output goes to a directory of its own under .cache/ (ignored by git).
 *
 * Layout `<dir>/dist/…` beside `<dir>/migrations`: src/infra/migrations.ts finds the SQL files at
 * `__dirname/../../migrations`, so the serve command migrates from the compiled tree exactly as from dist/.
 */
export const buildBridge = async (sourceRoot = root): Promise<BridgeBuild> => {
  const started = process.hrtime.bigint();
  const configPath = path.join(sourceRoot, 'tsconfig.build.json');
  const read = ts.readConfigFile(configPath, (file) => ts.sys.readFile(file));
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, sourceRoot, undefined, configPath);
  const srcDir = path.join(sourceRoot, 'src');
  // Always under this checkout's .cache/, whatever `sourceRoot` is: node resolves the packages the compiled code
  // requires by walking up from it, to this checkout's node_modules.
  const dir = path.join(root, '.cache', 'bench-build', `run-${randomBytes(4).toString('hex')}`);
  const outDir = path.join(dir, 'dist');
  // No declaration or source map output: nothing reads them, and they would only slow the build down.
  const compilerOptions: ts.CompilerOptions = {
    ...parsed.options,
    declaration: false,
    sourceMap: false,
    noEmit: false,
  };
  for (const file of parsed.fileNames) {
    const source = await readFile(file, 'utf8');
    const { outputText, diagnostics } = ts.transpileModule(source, {
      compilerOptions,
      fileName: file,
      reportDiagnostics: true,
    });
    if (diagnostics?.length) {
      const first = ts.flattenDiagnosticMessageText(diagnostics[0]!.messageText, '\n');
      throw new Error(`cannot transpile ${path.relative(sourceRoot, file)}: ${first}`);
    }
    const target = path.join(outDir, path.relative(srcDir, file)).replace(/\.ts$/, '.js');
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, outputText);
  }
  await symlink(path.join(sourceRoot, 'migrations'), path.join(dir, 'migrations'), 'dir');
  return {
    mainJs: path.join(outDir, 'cli', 'main.js'),
    migrationsDir: path.join(sourceRoot, 'migrations'),
    files: parsed.fileNames.length,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
};
