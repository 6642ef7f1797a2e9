/** A whole run: expand the user's inputs, read each into documents, check them, and keep going past failures. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { discover } from '../documents/discover.js';
import { readBytes } from '../documents/read.js';
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
}

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
  const inputs = (await discover(args, cwd)).filter((input) => {
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
  const pending = new Map<number, Promise<Uint8Array | NodeJS.ErrnoException>>();
  const readInput = (k: number) => {
    const input = inputs[k];
    if (input?.kind === 'file' && !pending.has(k)) pending.set(k, readFile(resolve(cwd, input.path)).catch((e: NodeJS.ErrnoException) => e));
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
      check(readBytes(input.path, options.readStdin ? await options.readStdin() : new Uint8Array()));
      continue;
    }
    const bytes = await pending.get(k)!;
    pending.delete(k);
    if (!(bytes instanceof Uint8Array)) {
      const why = bytes.code === 'EACCES' ? 'permission denied' : bytes.code === 'EISDIR' ? 'is a folder' : bytes.message;
      emit(problemResult({ path: input.path, ruleId: 'input/unreadable', message: `cannot read ${input.path}: ${why}` }));
      continue;
    }
    const hash = options.cache ? sha256(bytes) : '';
    const cached = options.cache?.get(input.path, hash);
    if (cached) {
      emit(cached);
      continue;
    }
    const before = results.length;
    check(readBytes(input.path, bytes));
    if (options.cache && results.length === before + 1) options.cache.set(input.path, hash, results[before]!);
  }
  return { results, missing, skipped };
}
