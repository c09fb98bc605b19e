import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './child-process';

const run = promisify(execFile);

const git = async (args: string[], cwd = repoRoot): Promise<string> =>
  (await run('git', args, { cwd })).stdout.trim();

export interface BaselineSource {
  /** What was asked for (`--baseline <ref>`, or how the default was found). */
  ref: string;
  commit: string;
  subject: string;
  /** A checkout of `commit`, to build from. */
  root: string;
}

/**
 * The commit a run is compared with: `--baseline <ref>` when given; else where this branch left `main` (its
 * merge-base), which is the code before the branch's changes; on `main` itself (merge-base = HEAD) the
 * commit before HEAD. Uncommitted changes count as the candidate, never as the baseline.
 */
const resolveBaseline = async (ref: string | undefined): Promise<{ ref: string; commit: string }> => {
  if (ref !== undefined) return { ref, commit: await git(['rev-parse', '--verify', `${ref}^{commit}`]) };
  const head = await git(['rev-parse', 'HEAD']);
  const base = await git(['merge-base', 'HEAD', 'main']);
  return base === head
    ? { ref: 'HEAD~1 (on main)', commit: await git(['rev-parse', 'HEAD~1']) }
    : { ref: "main's merge-base", commit: base };
};

/**
 * A detached `git worktree` of the baseline commit under .cache/bench-baseline/<commit>, made once and reused
 * by later runs (a commit's tree never changes). Only its sources and migrations are used: it is compiled with
 * this checkout's TypeScript and runs with this checkout's node_modules, so a baseline whose dependencies
 * differ is not what it claims to be (the note says which commit ran).
 */
export const baselineSource = async (ref: string | undefined): Promise<BaselineSource> => {
  const resolved = await resolveBaseline(ref);
  const root = path.join(repoRoot, '.cache', 'bench-baseline', resolved.commit);
  if (!existsSync(path.join(root, '.git'))) {
    await git(['worktree', 'add', '--detach', root, resolved.commit]);
  }
  return { ...resolved, root, subject: await git(['log', '-1', '--format=%h %s', resolved.commit]) };
};
