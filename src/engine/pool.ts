/**
 * `--jobs n`: documents checked on n worker threads with piscina, a well-kept worker pool (queueing, transfer
 * lists, clean shutdown), rather than a hand-written one. Workers rebuild the rule set from the same config, so
 * nothing but file bytes and plain results cross threads.
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
}

/** The worker module: the built one, also when running from the TypeScript sources (tests run after a build). */
const WORKER = new URL('../../dist/engine/worker.js', import.meta.url).href;

export function workerPool(jobs: number, setup: WorkerSetup): { checker: DocumentChecker; close: () => Promise<void> } {
  const pool = new Piscina({ filename: WORKER, minThreads: jobs, maxThreads: jobs, idleTimeout: 60_000 });
  const plain: WorkerSetup = { ...setup, engine: { ...setup.engine, ...(setup.engine.now ? { now: setup.engine.now.toISOString() as unknown as Date } : {}) } };
  const checker: DocumentChecker = async (path, bytes) => {
    // Copy into a buffer of its own, so transferring it cannot detach memory shared with other reads.
    const own = new Uint8Array(bytes);
    return (await pool.run({ setup: plain, path, bytes: own }, { transferList: [own.buffer as ArrayBuffer] })) as DocumentResult[];
  };
  return { checker, close: () => pool.destroy() };
}
