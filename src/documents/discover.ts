import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { lazyRequire } from '../lazy.js';

const globs = lazyRequire<typeof import('tinyglobby')>('tinyglobby');
import { documentExtensions, readerForPath } from './readers/index.js';

/** What a user's arguments name: files to read, standard input, or a problem naming the argument. */
export type Input =
  | { kind: 'file'; path: string }
  | { kind: 'stdin'; path: string }
  | { kind: 'missing'; path: string; message: string }
  | { kind: 'unreadable'; path: string; message: string };

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn']);

/**
 * Expand paths, folders (recursively) and globs into inputs, in a stable order. A folder contributes only files
 * a reader understands; a file named outright is always read (as plain text when its extension is unknown).
 */
export async function discover(args: readonly string[], cwd = process.cwd(), onSkipped?: (path: string) => void): Promise<Input[]> {
  const out: Input[] = [];
  const seen = new Set<string>();
  const add = (path: string) => {
    const key = resolve(cwd, path);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ kind: 'file', path });
  };
  for (const arg of args) {
    if (arg === '-') {
      out.push({ kind: 'stdin', path: '<stdin>' });
      continue;
    }
    const info = await stat(resolve(cwd, arg)).catch(() => undefined);
    if (info?.isFile()) {
      add(arg);
    } else if (info?.isDirectory()) {
      const problems: { dir: string; message: string }[] = [];
      const files = await walk(resolve(cwd, arg), problems);
      for (const p of problems) out.push({ kind: 'unreadable', path: displayPath(arg, resolve(cwd, arg), p.dir), message: p.message });
      const docs = files.filter((f) => readerForPath(f)).sort();
      if (onSkipped) for (const f of files.filter((x) => !readerForPath(x)).sort()) onSkipped(displayPath(arg, resolve(cwd, arg), f));
      if (docs.length === 0) out.push({ kind: 'missing', path: arg, message: `no documents in folder ${arg} (looked for ${knownExtensions()})` });
      for (const f of docs) add(displayPath(arg, resolve(cwd, arg), f));
    } else if (globs().isDynamicPattern(arg)) {
      const files = (await globs().glob(arg, { cwd, onlyFiles: true, ignore: ['**/node_modules/**', '**/.git/**'] })).sort();
      if (files.length === 0) out.push({ kind: 'missing', path: arg, message: `no files match the pattern ${arg}` });
      for (const f of files) add(f);
    } else {
      out.push({ kind: 'missing', path: arg, message: `no such file or folder: ${arg}` });
    }
  }
  return out;
}

function knownExtensions(): string {
  return documentExtensions.join(', ');
}

/** A file found in a folder, shown as the folder argument the user typed joined with the file's place in it. */
function displayPath(arg: string, folder: string, abs: string): string {
  return join(arg, relative(folder, abs)).split(sep).join('/');
}

/**
 * Recursive listing. Symlinked files are followed; symlinked folders are not, so a link loop cannot hang the run.
 * Dot-files and dot-folders (.git, .manba-baseline.json, .manba-cache) are tools' files, not articles. A folder
 * that cannot be read is reported, never silently left out.
 */
async function walk(dir: string, problems: { dir: string; message: string }[]): Promise<string[]> {
  const files: string[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    problems.push({ dir, message: `cannot read folder ${dir}: ${e.code === 'EACCES' ? 'permission denied' : e.message}` });
    return files;
  }
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) files.push(...(await walk(path, problems)));
    } else if (e.isFile()) {
      files.push(path);
    } else if (e.isSymbolicLink()) {
      const target = await stat(path).catch(() => undefined);
      if (target?.isFile()) files.push(path);
    }
  }
  return files;
}
