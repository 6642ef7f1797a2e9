/**
 * The audit database as the commands use it. A run that records (`check --record`, and `crawl --record` the
 * same way) does:
 *   const recording = startRecording(file, runEvidence(...), 'check');   // before the first result
 *   recording.recorder?.add(result, baselined);                         // for each DocumentResult, in order
 *   recording.recorder?.finish(runEvidence(...), interrupted);          // at the end
 * A database that cannot be used is an error naming it (recording.error); the run goes on and its reports are
 * still written, and the command exits 2.
 */
import type { RunEvidence } from '../engine/evidence.js';
import type { SinceLast } from '../report/types.js';
import { VERSION } from '../version.js';
import { LedgerError, openLedger } from './database.js';
import { diffRuns, listRuns, previousRun } from './history.js';
import { Recorder } from './recorder.js';

export { Recorder } from './recorder.js';
export { openLedger, LedgerError, SCHEMA_VERSION } from './database.js';
export { listRuns, diffRuns, runsToCompare, trend, HistoryError, type RunInfo, type RunDiff, type TrendPoint } from './history.js';

export function startRecording(file: string, evidence: RunEvidence, command: string): { recorder?: Recorder; error?: string } {
  try {
    return { recorder: new Recorder(file, evidence, { version: VERSION, command }) };
  } catch (err) {
    if (err instanceof LedgerError) return { error: err.message };
    throw err;
  }
}

/** New and resolved findings of a recorded run against the previous complete run for the same site. */
export function sinceLastRun(file: string, runId: number): SinceLast {
  const db = openLedger(file);
  try {
    const to = listRuns(db).find((r) => r.id === runId)!;
    const from = previousRun(db, to);
    if (!from) return { new: [], resolved: [] };
    const d = diffRuns(db, from, to);
    const flat = (k: 'new' | 'resolved') => d.documents.flatMap((doc) => doc[k].map((f) => ({ path: doc.path, ...f })));
    return { from: { id: from.id, startedAt: from.startedAt }, new: flat('new'), resolved: flat('resolved') };
  } finally {
    db.close();
  }
}
