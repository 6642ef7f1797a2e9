/**
 * Which files a run takes, as `manba check` and `manba list` both decide it: the paths or a list of them
 * (--files-from), the config's ignore patterns, --changed-since and --shard. One place, so that a list made by
 * `manba list` is exactly what `manba check` would check.
 */
import { resolve } from 'node:path';
import type { PathRules } from '../config/paths.js';
import { changedSince } from '../documents/changed.js';
import { pathListProblem, pathsInFile, pathsInText } from '../documents/path-list.js';
import { UsageError, type CliIO } from './io.js';

export type Shard = { index: number; count: number };

/** --shard i/n, 1 <= i <= n. */
export function parseShard(text: string | undefined): Shard | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new UsageError(`--shard takes i/n with 1 <= i <= n, e.g. 2/8, not "${text}"`);
  return { index: Number(m[1]), count: Number(m[2]) };
}

/**
 * Whether a file found is taken (true) or why not: ignored by the config, or unchanged since --changed-since's ref.
 * Undefined when nothing can leave a file out: the run then does not ask for each of its files (resolving and asking
 * for each of 20,000 paths took 15–30 ms before the first check, for a filter that kept them all).
 */
export function fileFilter(byPath: PathRules, changedSinceRef: string | undefined, cwd: string): ((absolute: string, named: boolean) => true | string) | undefined {
  let changed: Set<string> | undefined;
  if (changedSinceRef) {
    const c = changedSince(changedSinceRef, cwd);
    if ('error' in c) throw new UsageError(c.error);
    changed = c.files;
  }
  if (!byPath.ignoresAny && !changed) return undefined;
  return (abs, named) => {
    const ignored = byPath.ignored(abs);
    if (ignored) return named ? `${ignored} (named on the command line, still not checked)` : ignored;
    if (changed && !changed.has(abs)) return `unchanged since ${changedSinceRef}`;
    return true;
  };
}

/**
 * --files-from: the paths come from a list file (or standard input, `-`), which the run reads as it goes; none may be
 * given besides it. Undefined without the option. A list that cannot be read is a usage error, said before the run.
 */
export async function pathListOf(filesFrom: string | undefined, paths: readonly string[], io: CliIO): Promise<(() => Iterable<string>) | undefined> {
  if (filesFrom === undefined) return undefined;
  if (paths.length > 0) throw new UsageError(`--files-from ${filesFrom} names the paths to take: give no paths besides it (here: ${paths.join(' ')})`);
  if (filesFrom === '-') {
    // Standard input cannot be read twice: its list is kept (a progress line counts it before the run ends).
    const listed = pathsInText(Buffer.from(await io.readStdin()).toString('utf8'));
    return () => listed;
  }
  const file = resolve(io.cwd, filesFrom);
  const problem = pathListProblem(file, filesFrom);
  if (problem) throw new UsageError(problem);
  return () => pathsInFile(file);
}
