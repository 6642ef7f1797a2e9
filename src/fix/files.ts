/**
 * `manba check --fix` and `--fix-dry-run`, one file at a time: the file is fixed in memory (see file.ts); with --fix
 * it is then written beside itself and renamed over the original, never when it changed on disk during the run or
 * is read-only; with --fix-dry-run a unified diff is made instead. The check of what the file now holds is what the
 * run reports, so a file is fixed at its turn in the check and nothing of it is kept once its result is out.
 * Standard input is never fixed.
 */
import { closeSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { decode } from '../documents/decode.js';
import { listInputs } from '../documents/discover.js';
import type { ReadResult } from '../documents/model.js';
import { ReadBuffer, readBytes, readFileSnapshotSync, type ReadOptions } from '../documents/read.js';
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

/** How to fix one file (fixFile). */
export interface FileFixOptions {
  read?: ReadOptions;
  /** The file's settings (config overrides by path). */
  settings?: DocumentSettings;
  selection?: FixSelection;
  /** Write the fixed file (--fix); otherwise only fix it in memory (--fix-dry-run). */
  write: boolean;
  /** Make the diffs a dry run prints: a diff of every file fixed is work a run that only writes need not do. */
  diffs: boolean;
}

/** One file fixed, and the check of the bytes it now holds: as written, as a dry run would write them, or as read. */
export interface FixedFileCheck {
  file: FileFix;
  bytes: Uint8Array;
  results: DocumentResult[];
}

/**
 * Fix one file's bytes, then write them (or diff them). The check is the last pass of the fixing, not one more: the
 * results are those of the bytes returned. `bytes` may be a buffer the caller reuses: nothing returned points into
 * it once the next file is read, as everything here is synchronous.
 */
export function fixFile(engine: Engine, path: string, absolute: string, bytes: Uint8Array, options: FileFixOptions): FixedFileCheck {
  const check = (read: ReadResult[]) => checkRead(engine, read, options.settings);
  const outcome = fixBytes(path, bytes, check, options.read ?? {}, options.selection);
  const file: FileFix = { path, absolute, findings: outcome.fixed, written: false, notRewritten: outcome.notRewritten, ...(outcome.stopped ? { stopped: outcome.stopped } : {}) };
  if (!options.write && options.diffs && !options.selection?.suggestions) {
    // A dry run shows what suggestions would change too, apart: --fix never applies them.
    const withSuggestions = fixBytes(path, outcome.bytes, check, options.read ?? {}, { ...options.selection, suggestions: true });
    if (withSuggestions.bytes !== outcome.bytes) file.suggestionDiff = unifiedDiff(path, outcome.bytes, withSuggestions.bytes, options.read);
  }
  if (outcome.bytes === bytes) return { file, bytes, results: outcome.results };
  file.fixed = outcome.bytes;
  if (options.diffs) file.diff = unifiedDiff(path, bytes, outcome.bytes, options.read);
  if (options.write) {
    const why = writeFixed(absolute, bytes, outcome.bytes);
    if (why) {
      // Not written: the file is reported as it was read.
      file.notWritten = why;
      return { file, bytes, results: check(readBytes(path, bytes, options.read)) };
    }
    file.written = true;
  }
  return { file, bytes: outcome.bytes, results: outcome.results };
}

/** Fix the files the arguments name (the library's way; `manba check` fixes each file at its turn, fixFile). */
export async function fixFiles(engine: Engine, args: readonly string[], options: FixFilesOptions): Promise<FixRun> {
  const { cwd } = options;
  const files: FileFix[] = [];
  let stdin = false;
  const buffer = new ReadBuffer();
  for (const input of listInputs(args, cwd, undefined, keepFiles(args, cwd, options))) {
    if (input.kind === 'stdin') stdin = true;
    if (input.kind !== 'file') continue;
    if (options.signal?.aborted) break;
    const absolute = resolve(cwd, input.path);
    const read = readFileSnapshotSync(absolute, input.path, options.maxFileSize ?? Infinity, buffer);
    if (!read.ok) continue; // unreadable or too large: the check reports it
    const settings = options.settingsFor?.(input.path);
    const fixed = fixFile(engine, input.path, absolute, read.bytes, { ...(options.read ? { read: options.read } : {}), ...(settings ? { settings } : {}), ...(options.selection ? { selection: options.selection } : {}), write: options.write, diffs: true });
    files.push(fixed.file);
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
 * bytes are no longer those the fixes were made from. The reason is returned, never thrown. Synchronous, as the
 * run's reads are: the file is written before the next one is read.
 */
export function writeFixed(absolute: string, before: Uint8Array, after: Uint8Array): string | undefined {
  try {
    const target = realpathSync(absolute); // a symlink keeps pointing at the fixed file
    const info = statSync(target);
    if ((info.mode & 0o222) === 0) return 'the file is read-only';
    if (!readFileSync(target).equals(before)) return 'the file changed on disk during the run';
    const tmp = join(dirname(target), `.${basename(target)}.manba-fix-${process.pid}.tmp`);
    // Opened only if no such file is there ('wx'), and removed on failure only if this run made it.
    const fd = openSync(tmp, 'wx', info.mode & 0o7777);
    try {
      try {
        writeFileSync(fd, after);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, target);
    } catch (err) {
      rmSync(tmp, { force: true });
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
