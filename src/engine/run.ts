/** A whole run: expand the user's inputs, read each into documents, check them, and keep going past failures. */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { discover } from '../documents/discover.js';
import { readBytes, readLines, type ReadOptions } from '../documents/read.js';
import { readerForPath } from '../documents/readers/index.js';
import type { ReadResult } from '../documents/model.js';
import { sha256, type ResultCache } from './cache.js';
import { problemResult, type DocumentSettings, type Engine } from './engine.js';
import type { DocumentResult } from './finding.js';

export interface RunOptions {
  cwd?: string;
  /** Bytes of standard input, when an argument is '-'. */
  readStdin?: () => Promise<Uint8Array>;
  /** Called with each document's result as soon as it is checked (for streaming reports and progress). */
  onResult?: (r: DocumentResult) => void;
  /** Whether to check a file found on disk; a string says why not (ignored, unchanged since a git ref). */
  accept?: (absolutePath: string, named: boolean) => true | string;
  /** Settings for one document (config overrides by path). */
  settingsFor?: (path: string) => DocumentSettings | undefined;
  cache?: ResultCache;
  /** Encoding, reader settings, and the reader for standard input. */
  read?: ReadOptions;
  /** Files larger than this many bytes are not read (a finding says so); line-based formats stream instead. */
  maxFileSize?: number;
  /** The path standard input is reported as, which also picks its reader (--stdin-filename). */
  stdinPath?: string;
  /** Told of files in folders skipped for having no reader (verbose mode). */
  onSkippedExtension?: (path: string) => void;
}

export const DEFAULT_MAX_FILE_SIZE = 20 * 1024 * 1024;

export interface RunOutcome {
  results: DocumentResult[];
  /** Arguments that named nothing: a usage problem (exit 2), also reported as `input/not-found` results. */
  missing: string[];
  /** Files not checked, and why (never silently). */
  skipped: { path: string; reason: string }[];
}

export async function checkInputs(engine: Engine, args: readonly string[], options: RunOptions = {}): Promise<RunOutcome> {
  const cwd = options.cwd ?? process.cwd();
  const named = new Set(args.map((a) => resolve(cwd, a)));
  const skipped: RunOutcome['skipped'] = [];
  const inputs = (await discover(args, cwd, options.onSkippedExtension)).filter((input) => {
    if (input.kind !== 'file' || !options.accept) return true;
    const abs = resolve(cwd, input.path);
    const verdict = options.accept(abs, named.has(abs));
    if (verdict !== true) skipped.push({ path: input.path, reason: verdict });
    return verdict === true;
  });
  const results: DocumentResult[] = [];
  const missing: string[] = [];
  const emit = (r: DocumentResult) => {
    results.push(r);
    options.onResult?.(r);
  };
  // Read ahead a few files while checking the current one, so disk latency overlaps with checking; results
  // still come out in input order.
  const AHEAD = 16;
  const maxSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  type Loaded = Uint8Array | NodeJS.ErrnoException | { tooLarge: number } | { stream: true };
  const pending = new Map<number, Promise<Loaded>>();
  const load = async (path: string): Promise<Loaded> => {
    if (readerForPath(path)?.readLine) return { stream: true };
    const info = await stat(path);
    if (info.size > maxSize) return { tooLarge: info.size }; // never read whole into memory first
    return readFile(path);
  };
  const readInput = (k: number) => {
    const input = inputs[k];
    if (input?.kind === 'file' && !pending.has(k)) pending.set(k, load(resolve(cwd, input.path)).catch((e: NodeJS.ErrnoException) => e));
  };
  const check = (read: ReadResult[]) => {
    for (const r of read) emit(r.ok ? engine.check(r.document, options.settingsFor?.(r.document.path)) : problemResult(r.problem));
  };
  for (let k = 0; k < inputs.length; k++) {
    const input = inputs[k]!;
    for (let a = k; a < Math.min(inputs.length, k + AHEAD); a++) readInput(a);
    if (input.kind === 'missing') {
      missing.push(input.message);
      emit(problemResult({ path: input.path, ruleId: 'input/not-found', message: input.message }));
      continue;
    }
    if (input.kind === 'stdin') {
      const path = options.stdinPath ?? input.path;
      const reader = options.stdinPath ? readerForPath(options.stdinPath) : undefined;
      check(readBytes(path, options.readStdin ? await options.readStdin() : new Uint8Array(), { ...options.read, ...(reader ? { reader } : {}) }));
      continue;
    }
    const loaded = await pending.get(k)!;
    pending.delete(k);
    if ('stream' in loaded) {
      for await (const r of readLines(resolve(cwd, input.path), readerForPath(input.path)!, options.read)) check([relabel(r, resolve(cwd, input.path), input.path)]);
      continue;
    }
    if ('tooLarge' in loaded) {
      emit(problemResult({ path: input.path, ruleId: 'input/too-large', message: `${input.path} is ${(loaded.tooLarge / 1048576).toFixed(1)} MB, over the ${(maxSize / 1048576).toFixed(0)} MB limit; not checked (raise maxFileSize in the config or --max-file-size)` }));
      continue;
    }
    if (!(loaded instanceof Uint8Array)) {
      const why = loaded.code === 'EACCES' ? 'permission denied' : loaded.code === 'EISDIR' ? 'is a folder' : loaded.message;
      emit(problemResult({ path: input.path, ruleId: 'input/unreadable', message: `cannot read ${input.path}: ${why}` }));
      continue;
    }
    const bytes = loaded;
    const hash = options.cache ? sha256(bytes) : '';
    const cached = options.cache?.get(input.path, hash);
    if (cached) {
      emit(cached);
      continue;
    }
    const before = results.length;
    check(readBytes(input.path, bytes, options.read));
    if (options.cache && results.length === before + 1) options.cache.set(input.path, hash, results[before]!);
  }
  return { results, missing, skipped };
}

/** Documents streamed from an absolute path are reported under the path the user gave. */
function relabel(r: ReadResult, absolute: string, shown: string): ReadResult {
  const swap = (p: string) => (p.startsWith(absolute) ? shown + p.slice(absolute.length) : p);
  if (r.ok) return { ok: true, document: { ...r.document, path: swap(r.document.path) } };
  return { ok: false, problem: { ...r.problem, path: swap(r.problem.path), message: r.problem.message.split(absolute).join(shown) } };
}
