/**
 * `--jobs n`: documents checked on n worker threads with piscina, a well-kept worker pool (queueing, transfer
 * lists, clean shutdown), rather than a hand-written one. Workers rebuild the rule set from the same config, so
 * only file paths (or bytes, when the main thread already read them) and plain results cross threads, and they
 * cross in batches: a message per document would cost more than checking it.
 */
import { Piscina } from 'piscina';
import type { ReadOptions } from '../documents/read.js';
import type { EngineOptions } from './engine.js';
import type { DocumentResult } from './finding.js';
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
}

/** One file for a worker: its path as reported, where to read it, or its bytes when already read. */
export interface WorkerFile {
  path: string;
  absolute?: string;
  bytes?: Uint8Array;
}

/** The worker module: the built one, also when running from the TypeScript sources (tests run after a build). */
const WORKER = new URL('../../dist/engine/worker.js', import.meta.url).href;
const BATCH = 16;

export function workerPool(jobs: number, setup: WorkerSetup): { checker: DocumentChecker; checkPath: (path: string, absolute: string) => Promise<DocumentResult[]>; close: () => Promise<void> } {
  const pool = new Piscina({ filename: WORKER, minThreads: jobs, maxThreads: jobs, idleTimeout: 60_000 });
  const plain: WorkerSetup = { ...setup, engine: { ...setup.engine, ...(setup.engine.now ? { now: setup.engine.now.toISOString() as unknown as Date } : {}) } };
  let queue: { file: WorkerFile; resolve: (r: DocumentResult[]) => void; reject: (e: unknown) => void }[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    while (queue.length) {
      const batch = queue.splice(0, BATCH);
      const transfer = batch.flatMap((q) => (q.file.bytes ? [q.file.bytes.buffer as ArrayBuffer] : []));
      pool.run({ setup: plain, files: batch.map((q) => q.file) }, { transferList: transfer }).then(
        (results: DocumentResult[][]) => batch.forEach((q, k) => q.resolve(results[k]!)),
        (err: unknown) => batch.forEach((q) => q.reject(err)),
      );
    }
  };
  const submit = (file: WorkerFile) =>
    new Promise<DocumentResult[]>((resolve, reject) => {
      queue.push({ file, resolve, reject });
      if (queue.length >= BATCH) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
  return {
    // Bytes get a buffer of their own, so transferring it cannot detach memory shared with other reads.
    checker: (path, bytes) => submit({ path, bytes: new Uint8Array(bytes) }),
    checkPath: (path, absolute) => submit({ path, absolute }),
    close: () => pool.destroy(),
  };
}
