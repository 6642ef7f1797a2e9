import { lstatSync, readdirSync, statSync, type Dirent, type Stats } from 'node:fs';
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

/** Paths a chunk of the list holds, joined into one string. */
const CHUNK = 1024;

/**
 * A run's inputs, kept compactly: an archive folder of 100,000 files is a hundred strings of paths laid end to end,
 * not 100,000 objects and strings, which were most of the main thread's memory in such a run. Items are made as
 * they are read.
 */
export class InputList implements Iterable<Input> {
  private readonly chunks: { text: string; ends: Int32Array }[] = [];
  private open: string[] = [];
  /** Inputs other than files (standard input, problems), by index. */
  private readonly others = new Map<number, Input>();
  private count = 0;
  private fileCount = 0;

  get length(): number {
    return this.count;
  }

  /** How many of the inputs are files. */
  get files(): number {
    return this.fileCount;
  }

  push(input: Input): void {
    if (input.kind === 'file') {
      this.open.push(input.path);
      this.fileCount++;
    } else {
      this.open.push('');
      this.others.set(this.count, input);
    }
    this.count++;
    if (this.open.length === CHUNK) {
      const ends = new Int32Array(CHUNK);
      let end = 0;
      this.open.forEach((p, i) => (ends[i] = end += p.length));
      this.chunks.push({ text: this.open.join(''), ends });
      this.open = [];
    }
  }

  at(k: number): Input {
    const other = this.others.get(k);
    if (other) return other;
    const c = Math.floor(k / CHUNK);
    const i = k % CHUNK;
    const chunk = this.chunks[c];
    if (!chunk) return { kind: 'file', path: this.open[i]! };
    return { kind: 'file', path: chunk.text.slice(i ? chunk.ends[i - 1]! : 0, chunk.ends[i]!) };
  }

  *[Symbol.iterator](): Iterator<Input> {
    for (let k = 0; k < this.count; k++) yield this.at(k);
  }
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn']);

/**
 * Whether a file found is one of the run's inputs, given its absolute path and its path as shown (ignore patterns,
 * a shard, --changed-since). Asked once per file, in the order of the list.
 */
export type KeepFile = (absolute: string, shown: string) => boolean;

/**
 * Expand paths, folders (recursively) and globs into inputs, in a stable order, collected into one list. A run
 * takes them as they are listed instead (listInputs).
 */
export async function discover(args: readonly string[], cwd = process.cwd(), onSkipped?: (path: string) => void, keep?: KeepFile): Promise<InputList> {
  const out = new InputList();
  for (const input of listInputs(args, cwd, onSkipped, keep)) out.push(input);
  return out;
}

/**
 * The inputs the user's arguments name, one at a time, listed as they are asked for: a run checks the first folder's
 * files while the rest of the archive is still unlisted, and holds the few hundred inputs between its checks and its
 * reads, never the whole listing (see Listing). A folder contributes only files a reader understands; a file named
 * outright is always read (as plain text when its extension is unknown). `keep` leaves files out as they are found,
 * and a folder's files are not resolved one by one. Listed synchronously, as the files are read: a folder's entries
 * through the libuv pool would cost the run a round trip between threads each, for nothing it could do meanwhile.
 */
export function* listInputs(args: readonly string[], cwd = process.cwd(), onSkipped?: (path: string) => void, keep?: KeepFile): Generator<Input> {
  const roots = argumentRoots(args, cwd);
  // A file listed twice is checked once. A folder's listing has no duplicates, so only a later argument can name a
  // file again, and only a file under it: those are the files remembered, not every file of a run over several
  // folders (ten million paths would be a gigabyte).
  const remembers = overlaps(roots);
  const seen = remembers.some((r) => r !== undefined) ? new Set<string>() : undefined;
  const kept = (k: number, path: string, absolute?: string): boolean => {
    if (!seen && !keep) return true;
    absolute ??= resolve(cwd, path);
    if (seen?.has(absolute)) return false;
    if (remembers[k]?.(absolute)) seen!.add(absolute);
    return !keep || keep(absolute, path);
  };
  for (const [k, arg] of args.entries()) {
    if (arg === '-') {
      yield { kind: 'stdin', path: '<stdin>' };
      continue;
    }
    const root = roots[k];
    if (root && 'file' in root) {
      if (kept(k, arg, root.file)) yield { kind: 'file', path: arg };
    } else if (root && 'folder' in root) {
      const documents = yield* folderInputs(arg, root, kept.bind(null, k), sep === '/' && !!(seen || keep), onSkipped);
      if (documents === 0) yield { kind: 'missing', path: arg, message: `no documents in folder ${arg} (looked for ${knownExtensions()})` };
    } else if (root) {
      const files = globs().globSync(arg, { cwd, onlyFiles: true, ignore: ['**/node_modules/**', '**/.git/**'] }).sort();
      if (files.length === 0) yield { kind: 'missing', path: arg, message: `no files match the pattern ${arg}` };
      for (const f of files) if (kept(k, f)) yield { kind: 'file', path: f };
    } else {
      yield { kind: 'missing', path: arg, message: `no such file or folder: ${arg}` };
    }
  }
}

/**
 * A folder's documents, in path order, as paths shown: the folder as typed (normalized, '/' separators) joined with
 * each file's place in it. Returns how many documents it has, those left out by `kept` included. `byPrefix`: a
 * file's absolute path is the folder's joined with its place in it, what path.resolve gives without normalizing each
 * of an archive's paths again (on POSIX; elsewhere separators differ from the shown ones), worth it when `kept` asks.
 */
function* folderInputs(arg: string, root: { folder: string; under: string }, kept: (path: string, absolute?: string) => boolean, byPrefix: boolean, onSkipped?: (path: string) => void): Generator<Input, number> {
  const prefix = join(arg, '_').slice(0, -1).split(sep).join('/');
  const { folder, under } = root;
  // Files come in path order, each kept or left out as it comes: a shard of an archive of millions of files holds
  // its own paths only, never the whole listing.
  let documents = 0;
  for (const found of walk(folder, prefix)) {
    if (typeof found !== 'string') yield { kind: 'unreadable', path: displayPath(arg, folder, found.dir), message: found.message };
    else if (!readerForPath(found)) onSkipped?.(found);
    else {
      documents++;
      if (kept(found, byPrefix ? under + found.slice(prefix.length) : undefined)) yield { kind: 'file', path: found };
    }
  }
  return documents;
}

/**
 * The inputs a list of paths names (--files-from), taken as a folder's listing is, not as arguments: a path no
 * reader knows by its extension is skipped, a file is not looked at before it is read (one gone since the list was
 * made is that file's finding, as in a folder), and a path ending in '/' is a folder, walked (`manba list` writes an
 * unreadable folder so, for the check to report it). Nothing is remembered, so that a list of any length streams
 * through: a path listed twice is checked twice.
 */
export function* listedInputs(paths: Iterable<string>, cwd = process.cwd(), onSkipped?: (path: string) => void, keep?: KeepFile): Generator<Input> {
  const kept = (path: string, absolute?: string) => !keep || keep(absolute ?? resolve(cwd, path), path);
  for (const path of paths) {
    if (path.endsWith('/')) {
      const shown = path.replace(/\/+$/, '') || '/';
      const folder = resolve(cwd, shown);
      // A name that is not UTF-8, listed so by `manba list`: said as a walk says it.
      if (shown.includes('\uFFFD') && !statOf(folder, false)) yield { kind: 'unreadable', path: shown, message: notUtf8(shown) };
      else yield* folderInputs(shown, { folder, under: folder.endsWith(sep) ? folder : folder + sep }, kept, sep === '/' && !!keep, onSkipped);
    } else if (!readerForPath(path)) onSkipped?.(path);
    else if (kept(path)) yield { kind: 'file', path };
  }
}

/**
 * What an argument names: a folder (`under`: its absolute path ending in the separator), a file, or a glob;
 * undefined for standard input and for a path that names nothing.
 */
export type ArgumentRoot = { folder: string; under: string } | { file: string } | { glob: true };

/** Each argument's root, its path resolved and looked at once. */
export function argumentRoots(args: readonly string[], cwd: string): (ArgumentRoot | undefined)[] {
  return args.map((arg) => {
    if (arg === '-') return undefined;
    const absolute = resolve(cwd, arg);
    const info = statOf(absolute);
    if (info?.isDirectory()) return { folder: absolute, under: absolute.endsWith(sep) ? absolute : absolute + sep };
    if (info?.isFile()) return { file: absolute };
    return globs().isDynamicPattern(arg) ? { glob: true } : undefined;
  });
}

/**
 * For each argument, which of its files a later argument may name again (undefined: none): a file under a later
 * folder, or a later file itself; with a later glob, any. Arguments that do not overlap remember nothing.
 */
export function overlaps(roots: readonly (ArgumentRoot | undefined)[]): (((absolute: string) => boolean) | undefined)[] {
  return roots.map((root, k) => {
    const later = roots.slice(k + 1).filter((r): r is ArgumentRoot => r !== undefined);
    if (!root || later.length === 0) return undefined;
    if (later.some((r) => 'glob' in r)) return () => true;
    const own = 'under' in root ? root.under : 'file' in root ? root.file : undefined;
    // Only later roots inside this argument's own, or holding it, can meet its files.
    const meets = (r: string) => own === undefined || r.startsWith(own) || own.startsWith(r);
    const folders = new Set(later.flatMap((r) => ('under' in r && meets(r.under) ? [r.under] : [])));
    const files = new Set(later.flatMap((r) => ('file' in r && meets(r.file) ? [r.file] : [])));
    if (folders.size === 0 && files.size === 0) return undefined;
    return (absolute) => {
      if (files.has(absolute)) return true;
      for (let i = absolute.indexOf(sep); i !== -1; i = absolute.indexOf(sep, i + 1)) if (folders.has(absolute.slice(0, i + 1))) return true;
      return false;
    };
  });
}

function knownExtensions(): string {
  return documentExtensions.join(', ');
}

/** A file found in a folder, shown as the folder argument the user typed joined with the file's place in it. */
function displayPath(arg: string, folder: string, abs: string): string {
  return join(arg, relative(folder, abs)).split(sep).join('/');
}

function notUtf8(shown: string): string {
  return `cannot read ${shown}: its name is not valid UTF-8 (manba shows its bad bytes as �), so it cannot be opened by name; rename it in UTF-8 (for example with convmv -f cp1256 -t utf-8)`;
}

/** A folder or name that cannot be read, where a listing found it. */
interface Unreadable {
  dir: string;
  message: string;
}

/**
 * Recursive listing, as paths shown to the user (`shown` is the folder's, ending in '/' unless empty), in the order
 * of their paths: each folder's entries are sorted, a folder's as its name and '/' («b/» after «b.txt», as
 * «b/c.txt» sorts after «b.txt»), so that going down folder by folder gives the sorted list of the whole tree.
 * Symlinked files are followed; symlinked folders are not, so a link loop cannot hang the run. Dot-files and
 * dot-folders (.git, .manba-baseline.json, .manba-cache) are tools' files, not articles. A folder that cannot be
 * read is reported where it is, never silently left out.
 */
function* walk(dir: string, shown: string): Generator<string | Unreadable> {
  const listed = folderEntries(dir);
  if (!('keys' in listed)) {
    yield listed;
    return;
  }
  for (const key of listed.keys) {
    const isFolder = key.endsWith('/');
    const name = isFolder ? key.slice(0, -1) : key;
    // A name that is not UTF-8 (an archive copied from an older system, in Windows-1256) comes back with U+FFFD in
    // place of its bad bytes, a name no file has: said as it is, not as a file gone.
    if (name.includes('\uFFFD') && !statOf(join(dir, name), false)) {
      yield { dir: join(dir, name), message: notUtf8(`${shown}${name}`) };
    } else if (isFolder) {
      if (!SKIP_DIRS.has(name)) yield* walk(join(dir, name), `${shown}${name}/`);
    } else if (!listed.links.has(name) || statOf(join(dir, name))?.isFile()) {
      yield shown + name;
    }
  }
}

/**
 * A folder's files and folders, sorted with the engine's own string sort as their paths sort: a folder's name with
 * '/'. Only names are kept, and which are links: the walk holds a folder's list while its files are checked, and
 * its entries, kept that long, would each be copied by the collector before being let go of.
 */
function folderEntries(dir: string): { keys: string[]; links: Set<string> } | Unreadable {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { dir, message: `cannot read folder ${dir}: ${e.code === 'EACCES' ? 'permission denied' : e.message}` };
  }
  const keys: string[] = [];
  const links = new Set<string>();
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory()) keys.push(`${e.name}/`);
    else if (e.isFile()) keys.push(e.name);
    else if (e.isSymbolicLink()) {
      keys.push(e.name);
      links.add(e.name);
    }
  }
  return { keys: keys.sort(), links };
}

/** A path's stat (a link's target's, unless `follow` is false); undefined when it cannot be had (gone, a dangling link, a loop, no permission). */
function statOf(path: string, follow = true): Stats | undefined {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch {
    return undefined;
  }
}
