/** Files changed since a git ref (committed, staged or not), plus untracked ones: what a pull request touches. */
import { resolve } from 'node:path';
import { lazyRequire } from '../lazy.js';

/** Loaded only by a run given --changed-since: every other run and worker starts without it. */
const childProcess = lazyRequire<typeof import('node:child_process')>('node:child_process');

export function changedSince(ref: string, cwd: string): { files: Set<string> } | { error: string } {
  const git = (args: string[]) => childProcess().execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const root = git(['rev-parse', '--show-toplevel']).trim();
    git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    const changed = git(['diff', '--name-only', '--diff-filter=ACMRT', ref, '--']).split('\n');
    const untracked = git(['ls-files', '--others', '--exclude-standard']).split('\n').map((f) => resolve(cwd, f));
    return { files: new Set([...changed.filter(Boolean).map((f) => resolve(root, f)), ...untracked.filter((f) => f !== cwd)]) };
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    return { error: `--changed-since ${ref}: ${stderr || 'not a git repository, or no such commit'}` };
  }
}
