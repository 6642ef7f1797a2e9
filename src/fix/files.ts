/**
 * `manba check --fix` and `--fix-dry-run` over the user's inputs: every file is fixed in memory (see file.ts);
 * with --fix it is then written beside itself and renamed over the original, never when it changed on disk during
 * the run or is read-only; with --fix-dry-run a unified diff is made instead. The check that follows reports what
 * is left. Standard input is never fixed.
 */
import { readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { decode } from '../documents/decode.js';
import { discover } from '../documents/discover.js';
import type { ReadOptions } from '../documents/read.js';
import type { DocumentSettings, Engine } from '../engine/engine.js';
import type { DocumentResult, Finding } from '../engine/finding.js';
import { checkRead, keepFiles } from '../engine/run.js';
import { fixBytes, type FixSelection } from './file.js';
import { lazyRequire } from '../lazy.js';

/** Loaded by --fix-dry-run's first diff: a run that prints none never needs it. */
const diff = lazyRequire<typeof import('diff')>('diff');

export interface FixFilesOptions {
  cwd: string;
  read?: ReadOptions;
  /** Whether to fix a file found on disk (the check's ignore files, --changed-since). */
  accept?: (absolutePath: string, named: boolean) => true | string;
  settingsFor?: (path: string) => DocumentSettings | undefined;
  maxFileSize?: number;
  selection?: FixSelection;
  /** Write the fixed files (--fix); otherwise only diff them (--fix-dry-run). */
  write: boolean;
  /** Stop starting files (Ctrl-C): the files fixed so far stay fixed, each written whole. */
  signal?: AbortSignal;
  /** Fix only the files of this shard (--shard), as the check checks only them. */
  shard?: { index: number; count: number };
}

/** What fixing did to one file. */
export interface FileFix {
  /** As the user named it. */
  path: string;
  absolute: string;
  /** The fixed bytes, when any fix applied. */
  fixed?: Uint8Array;
  /** The findings whose fixes were applied. */
  findings: Finding[];
  /** A unified diff of the file's text, when it changed. */
  diff?: string;
  /** In a dry run without --fix-suggestions: the diff the suggestions would add (a person decides). */
  suggestionDiff?: string;
  written: boolean;
  /** Why the fixed file was not written (read-only, changed on disk, a write error). */
  notWritten?: string;
  /** Why fixing stopped early, when it did. */
  stopped?: string;
  /** The file holds documents manba never rewrites (feed items) that have findings. */
  notRewritten: boolean;
}

export interface FixRun {
  files: FileFix[];
  /** Standard input was among the inputs: it is checked, never fixed. */
  stdin: boolean;
}

export async function fixFiles(engine: Engine, args: readonly string[], options: FixFilesOptions): Promise<FixRun> {
  const { cwd } = options;
  const files: FileFix[] = [];
  let stdin = false;
  for (const input of await discover(args, cwd, undefined, keepFiles(args, cwd, options))) {
    if (input.kind === 'stdin') stdin = true;
    if (input.kind !== 'file') continue;
    if (options.signal?.aborted) break;
    const absolute = resolve(cwd, input.path);
    let bytes: Uint8Array;
    try {
      if ((await stat(absolute)).size > (options.maxFileSize ?? Infinity)) continue; // reported by the check
      bytes = await readFile(absolute);
    } catch {
      continue; // unreadable: the check reports it
    }
    const settings = options.settingsFor?.(input.path);
    const outcome = fixBytes(input.path, bytes, (read) => checkRead(engine, read, settings), options.read ?? {}, options.selection);
    const file: FileFix = { path: input.path, absolute, findings: outcome.fixed, written: false, notRewritten: outcome.notRewritten, ...(outcome.stopped ? { stopped: outcome.stopped } : {}) };
    if (!options.write && !options.selection?.suggestions) {
      // A dry run shows what suggestions would change too, apart: --fix never applies them.
      const withSuggestions = fixBytes(input.path, outcome.bytes, (read) => checkRead(engine, read, settings), options.read ?? {}, { ...options.selection, suggestions: true });
      if (withSuggestions.bytes !== outcome.bytes) file.suggestionDiff = unifiedDiff(input.path, outcome.bytes, withSuggestions.bytes, options.read);
    }
    if (outcome.bytes !== bytes) {
      file.fixed = outcome.bytes;
      file.diff = unifiedDiff(input.path, bytes, outcome.bytes, options.read);
      if (options.write) {
        const why = await writeFixed(absolute, bytes, outcome.bytes);
        if (why) file.notWritten = why;
        else file.written = true;
      }
    }
    files.push(file);
  }
  return { files, stdin };
}

/** A unified diff of a file's text before and after fixing (decoded as the file was read). */
export function unifiedDiff(path: string, before: Uint8Array, after: Uint8Array, read?: ReadOptions): string {
  const text = (b: Uint8Array) => {
    const d = decode(b, read?.encoding);
    return d.ok ? d.text : Buffer.from(b).toString('utf8');
  };
  return diff().createTwoFilesPatch(`a/${path}`, `b/${path}`, text(before), text(after), undefined, undefined, { context: 3 }).replace(/^=+\n/, '');
}

/**
 * Write the fixed bytes beside the file and rename them over it, so a reader never sees half a file. Refused when
 * the file is read-only (its mode grants nobody write: root could write it anyway, but the owner said no) or its
 * bytes are no longer those the fixes were made from. The reason is returned, never thrown.
 */
export async function writeFixed(absolute: string, before: Uint8Array, after: Uint8Array): Promise<string | undefined> {
  let target = absolute;
  try {
    target = await realpath(absolute); // a symlink keeps pointing at the fixed file
    const info = await stat(target);
    if ((info.mode & 0o222) === 0) return 'the file is read-only';
    const now = await readFile(target);
    if (!Buffer.from(now).equals(Buffer.from(before))) return 'the file changed on disk during the run';
    const tmp = join(dirname(target), `.${basename(target)}.manba-fix-${process.pid}.tmp`);
    try {
      await writeFile(tmp, after, { mode: info.mode & 0o7777, flag: 'wx' });
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
    return undefined;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return `it could not be written (${e.code ?? e.message})`;
  }
}

/** The finding a file that was fixed but could not be written gets: an error, at its start. */
export function notWrittenFinding(file: FileFix, lang: 'en' | 'fa' = 'en'): Finding {
  const en = `${file.path} was not fixed: ${file.notWritten}. Nothing in it was changed; the findings below are still there.`;
  const fa = `${file.path} اصلاح نشد: ${file.notWritten}. چیزی در آن تغییر نکرد؛ ایرادهای زیر همچنان هست.`;
  return { ruleId: 'fix/not-written', severity: 'error', message: lang === 'fa' ? fa : en, messages: { en, fa }, line: 1, column: 1, endLine: 1, endColumn: 1 };
}

/** A document's result with the fix run's own finding added to the first document of a file not written. */
export function withFixFindings(run: FixRun, cwd: string, lang: 'en' | 'fa' = 'en'): (r: DocumentResult) => DocumentResult {
  const pending = new Map(run.files.filter((f) => f.notWritten).map((f) => [f.absolute, f]));
  return (r) => {
    const abs = resolve(cwd, r.path.split('#')[0]!);
    const file = pending.get(abs);
    if (!file) return r;
    pending.delete(abs);
    return { ...r, findings: [notWrittenFinding(file, lang), ...r.findings] };
  };
}
