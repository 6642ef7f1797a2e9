/**
 * `--jobs n`: documents checked on n worker threads with piscina, a well-kept worker pool (queueing, transfer
 * lists, clean shutdown), rather than a hand-written one. Workers rebuild the rule set from the same config, so
 * only file paths (or bytes, when the main thread already read them) and plain results cross threads, and they
 * cross in batches: a message per document would cost more than checking it.
 */
import { lazyRequire } from '../lazy.js';

// Loaded when workers are started: a run in one thread never needs it.
const piscina = lazyRequire<typeof import('piscina')>('piscina');
import type { RuleSet } from '../config/load.js';
import type { ReadOptions } from '../documents/read.js';
import type { RuleDefinition } from '../rules/types.js';
import type { Outlet } from '../sources/registry.js';
import type { EngineOptions } from './engine.js';
import { problemResult } from './engine.js';
import { heapFlagsSet } from './heap.js';
import type { CheckedDocument, DocumentResult } from './finding.js';
import type { ReporterOptions } from '../report/types.js';
import type { FileFix } from '../fix/files.js';
import type { DocumentChecker } from './run.js';

/** What a worker needs to build the same engine as the main thread; must be structured-cloneable. */
export interface WorkerSetup {
  configFile?: string;
  cwd: string;
  engine: EngineOptions;
  read?: ReadOptions;
  maxFileSize?: number;
  /** A site given on the command line, which wins over sites from config overrides. */
  forceSite?: string;
  /** The rule set the main thread loaded, as plain data: workers compile it instead of parsing every file again. */
  prepared?: PreparedRuleSet;
  /** The heap flags the main thread set (heap.ts): starting a worker resets them, so each worker sets them again. */
  heapFlags?: string[];
  /**
   * Write each result for these streaming reports here (RenderedResult), when the main thread has nothing to apply
   * to results (no waivers, baseline, --quiet, --record, --fix or cache): the reporters' names and options, in the
   * order of the run's outputs.
   */
  render?: { formats: string[]; options: ReporterOptions[] };
  /**
   * Fix each file before its check (--fix, --fix-dry-run), as the main thread would (fix/files.ts): write it, or make
   * its diffs. What each fixing did goes back beside the results (WorkerFix), the fixed bytes stay in the worker.
   */
  fix?: { write: boolean; diffs: boolean; types?: string[]; suggestions: boolean };
}

/** What fixing a file on a worker did: its FileFix without the fixed bytes, which only a writer on this side would need. */
export type WorkerFix = Omit<FileFix, 'fixed'>;

export interface PreparedRuleSet {
  definitions: RuleDefinition[];
  outlets: Outlet[];
  severities: [string, 'error' | 'warning' | 'off'][];
}

/** A loaded rule set as data a worker can receive (no functions: positions are already resolved in `spot`). */
export function prepareRuleSet(ruleSet: RuleSet): PreparedRuleSet {
  return {
    definitions: ruleSet.rules.map(({ definition: { locate: _locate, ...plain } }) => plain),
    outlets: [...ruleSet.registry.outlets],
    severities: [...ruleSet.severities],
  };
}

/** One file for a worker: its path as reported, where to read it, or its bytes when already read. */
export interface WorkerFile {
  path: string;
  absolute?: string;
  bytes?: Uint8Array;
}

/** The worker module: the built one, also when running from the TypeScript sources (tests run after a build). */
const WORKER = new URL('../../dist/engine/worker.js', import.meta.url).href;
/**
 * Files to a task. Each task costs the main thread a message, a time limit, a promise and a parse: side by side on
 * 20,000 files with --jobs 2, 64 files to a task instead of 16 took the main thread's CPU time to 0.83 and the wall
 * time to 0.957.
 */
const BATCH = 64;
/** Tasks in flight for each worker. Eight were about 2% faster and 1.5 MiB more at peak on 100,000 files. */
const TASKS_IN_FLIGHT = 4;

/** Files to a task in a run of `files`: BATCH, or fewer in a small run, so that each worker gets four tasks or more. */
export function batchSize(files: number, jobs: number): number {
  return Math.max(1, Math.min(BATCH, Math.ceil(files / (jobs * 4))));
}

/** Documents in flight in a run on `jobs` workers (the run's window): enough that no worker waits for a task. */
export function documentsInFlight(jobs: number): number {
  return jobs * TASKS_IN_FLIGHT * BATCH;
}
const WORKER_YOUNG_GENERATION_MB = 2;

/** The per-document time limit when none is given. */
export const DEFAULT_DOCUMENT_TIMEOUT_MS = 10_000;

/** What a run on workers is told of, beside results, and how long a document may take. */
export interface PoolLimits {
  timeoutMs?: number;
  /** How many files the run has, when known: batches are cut so that every worker gets several. */
  files?: number;
  /** What fixing a file did (WorkerSetup.fix), told as its batch comes back. */
  onFixed?: (fix: WorkerFix) => void;
  /**
   * Each file of a batch that crashed or ran out of time under --fix, before the batch is retried a file at a time:
   * how many problems the worker had fixed in it and written (0: not written). A file written then is found with
   * nothing left to fix when retried, so this is the only word of its fixing.
   */
  onBatchLost?: (file: WorkerFile, problemsWritten: number) => void;
}

export function workerPool(jobs: number, setup: WorkerSetup, limits: PoolLimits = {}): { checker: DocumentChecker; checkPath: (path: string, absolute: string) => Promise<CheckedDocument[]>; close: () => Promise<void> } {
  const plain: WorkerSetup = { ...setup, heapFlags: heapFlagsSet(), engine: { ...setup.engine, ...(setup.engine.now ? { now: setup.engine.now.toISOString() as unknown as Date } : {}) } };
  // A worker's garbage is short-lived (one document's text, folds and matches): a small young generation collects
  // it as cheaply as V8's default of up to 48 MB a thread, which made --jobs 2 use twice the memory of one job
  // (2 MB measured as fast as 4 MB, and 8 MB less in all).
  // The setup (config, settings, the prepared rule set) goes to each worker once; batches carry only files.
  const pool = new (piscina().Piscina)({ filename: WORKER, minThreads: jobs, maxThreads: jobs, idleTimeout: 60_000, workerData: plain, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
  type Queued = { file: WorkerFile; resolve: (r: CheckedDocument[]) => void; reject: (e: unknown) => void };
  const queue: Queued[] = [];
  let scheduled = false;
  const timeoutMs = limits.timeoutMs ?? DEFAULT_DOCUMENT_TIMEOUT_MS;
  const batchFiles = limits.files === undefined ? BATCH : batchSize(limits.files, jobs);
  /**
   * Run files on a worker. A batch gets one document's time limit: a batch over it is retried a document at a time
   * (below), where each document's own time is what counts. With the sum of the limits, a hung document held up
   * its batch for batch-size times the limit before it was even found.
   */
  const run = (files: WorkerFile[], written?: Int32Array) => {
    // A timer cleared when the batch is done: AbortSignal.timeout would keep every batch's signal, and the task
    // listening to it, alive until its time ran out, which in a long run is all of them.
    const limit = new AbortController();
    const timer = setTimeout(() => limit.abort(new DOMException('the batch took too long', 'TimeoutError')), timeoutMs);
    timer.unref();
    // Bytes are copied to the worker, not transferred: a batch that fails is sent again, a file at a time, and a
    // transferred buffer would arrive empty (a neighbour of a crashed file was reported as crashed itself).
    return (pool.run({ files, ...(written ? { written } : {}) }, { signal: limit.signal }) as Promise<string | CheckedDocument[][]>)
      .then((out) => {
        if (typeof out !== 'string') return out;
        const parsed = JSON.parse(out) as CheckedDocument[][] | { results: CheckedDocument[][]; fixes: (WorkerFix | null)[] };
        if (Array.isArray(parsed)) return parsed;
        // Told as the batch comes back, before any of its results is given to the run: what a file's fixing did
        // is known when its result is reported.
        for (const fix of parsed.fixes) if (fix) limits.onFixed?.(fix);
        return parsed.results;
      })
      .finally(() => clearTimeout(timer));
  };
  /**
   * A batch whose worker crashed or ran out of time is retried one document at a time, so the culprit is found
   * and becomes a finding (input/crash, input/timeout) while its neighbours are checked as usual.
   */
  // Under --fix, which files a batch has written so far, in memory shared with its worker (see onBatchLost).
  const journal = (files: number) => (setup.fix?.write && limits.onBatchLost ? new Int32Array(new SharedArrayBuffer(4 * files)) : undefined);
  const lost = (files: WorkerFile[], written: Int32Array | undefined) => {
    if (written) files.forEach((f, k) => limits.onBatchLost!(f, Atomics.load(written, k)));
  };
  const alone = async (q: Queued) => {
    const written = journal(1);
    try {
      q.resolve((await run([q.file], written))[0]!);
    } catch (err) {
      lost([q.file], written);
      const timedOut = (err as Error).name === 'AbortError' || (err as Error).name === 'TimeoutError' || /abort|timeout/i.test(String((err as Error).message));
      q.resolve([
        timedOut
          ? problemResult({ path: q.file.path, ruleId: 'input/timeout', message: `${q.file.path} took longer than ${timeoutMs / 1000} s to check and was stopped; the rest of the run went on` })
          : problemResult({ path: q.file.path, ruleId: 'input/crash', message: `checking ${q.file.path} crashed its worker (${(err as Error).message}); the rest of the run went on` }),
      ]);
    }
  };
  const flush = () => {
    scheduled = false;
    while (queue.length) {
      const batch = queue.splice(0, batchFiles);
      const files = batch.map((q) => q.file);
      const written = journal(files.length);
      run(files, written).then(
        (results) => batch.forEach((q, k) => q.resolve(results[k]!)),
        () => {
          lost(files, written);
          batch.forEach((q) => void alone(q));
        },
      );
    }
  };
  const submit = (file: WorkerFile) =>
    new Promise<CheckedDocument[]>((resolve, reject) => {
      queue.push({ file, resolve, reject });
      if (queue.length >= batchFiles) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
  return {
    // Bytes get a buffer of their own: they may be in the run's reused read buffer, and are sent when a worker is free.
    checker: (path, bytes) => submit({ path, bytes: new Uint8Array(bytes) }),
    checkPath: (path, absolute) => submit({ path, absolute }),
    close: () => pool.destroy(),
  };
}
