import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { documentExtensions, readerForPath } from './readers/index.js';

/** What a user's arguments name: files to read, standard input, or a problem naming the argument. */
export type Input =
  | { kind: 'file'; path: string }
  | { kind: 'stdin'; path: string }
  | { kind: 'missing'; path: string; message: string };

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
      const files = await walk(resolve(cwd, arg));
      const docs = files.filter((f) => readerForPath(f)).sort();
      if (onSkipped) for (const f of files.filter((x) => !readerForPath(x)).sort()) onSkipped(displayPath(arg, resolve(cwd, arg), f));
      if (docs.length === 0) out.push({ kind: 'missing', path: arg, message: `no documents in folder ${arg} (looked for ${knownExtensions()})` });
      for (const f of docs) add(displayPath(arg, resolve(cwd, arg), f));
    } else if (isDynamicPattern(arg)) {
      const files = (await glob(arg, { cwd, onlyFiles: true, ignore: ['**/node_modules/**', '**/.git/**'] })).sort();
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

/** Recursive listing that never follows symlinked folders, so a link loop cannot hang the run; skips dot-files. */
async function walk(dir: string): Promise<string[]> {
  const files: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    // Dot-files and dot-folders (.git, .manba-baseline.json, .manba-cache) are tools' files, not articles.
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) files.push(...(await walk(join(dir, e.name))));
    } else if (e.isFile()) {
      files.push(join(dir, e.name));
    }
  }
  return files;
}
