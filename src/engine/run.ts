/** A whole run: expand the user's inputs, read each into documents, check them, and keep going past failures. */
import { resolve } from 'node:path';
import { discover } from '../documents/discover.js';
import { readBytes, readPath } from '../documents/read.js';
import type { ReadResult } from '../documents/model.js';
import { problemResult, type Engine } from './engine.js';
import type { DocumentResult } from './finding.js';

export interface RunOptions {
  cwd?: string;
  /** Bytes of standard input, when an argument is '-'. */
  readStdin?: () => Promise<Uint8Array>;
  /** Called with each document's result as soon as it is checked (for streaming reports and progress). */
  onResult?: (r: DocumentResult) => void;
}

export interface RunOutcome {
  results: DocumentResult[];
  /** Arguments that named nothing: a usage problem (exit 2), also reported as `input/not-found` results. */
  missing: string[];
}

export async function checkInputs(engine: Engine, args: readonly string[], options: RunOptions = {}): Promise<RunOutcome> {
  const inputs = await discover(args, options.cwd);
  const results: DocumentResult[] = [];
  const missing: string[] = [];
  const emit = (r: DocumentResult) => {
    results.push(r);
    options.onResult?.(r);
  };
  // Read ahead a few files while checking the current one, so disk latency overlaps with checking; results
  // still come out in input order.
  const AHEAD = 16;
  const pending = new Map<number, Promise<ReadResult[]>>();
  const readInput = (k: number) => {
    const input = inputs[k];
    if (input?.kind === 'file' && !pending.has(k)) pending.set(k, readPath(resolve(options.cwd ?? process.cwd(), input.path)));
  };
  for (let k = 0; k < inputs.length; k++) {
    const input = inputs[k]!;
    for (let a = k; a < Math.min(inputs.length, k + AHEAD); a++) readInput(a);
    if (input.kind === 'missing') {
      missing.push(input.message);
      emit(problemResult({ path: input.path, ruleId: 'input/not-found', message: input.message }));
      continue;
    }
    let read: ReadResult[];
    if (input.kind === 'stdin') {
      const bytes = options.readStdin ? await options.readStdin() : new Uint8Array();
      read = readBytes(input.path, bytes);
    } else {
      read = (await pending.get(k)!).map((r) => relabel(r, input.path));
      pending.delete(k);
    }
    for (const r of read) emit(r.ok ? engine.check(r.document) : problemResult(r.problem));
  }
  return { results, missing };
}

/** Report a document under the path the user gave, not the absolute one we opened. */
function relabel(r: ReadResult, path: string): ReadResult {
  if (r.ok) {
    const suffix = r.document.path.includes('#') ? r.document.path.slice(r.document.path.indexOf('#')) : '';
    return { ok: true, document: { ...r.document, path: path + suffix } };
  }
  return { ok: false, problem: { ...r.problem, path, message: r.problem.message.split(r.problem.path).join(path) } };
}
