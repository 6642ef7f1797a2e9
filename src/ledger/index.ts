/**
 * The audit database as the commands use it. A run that records (`check --record`, and `crawl --record` the
 * same way) does:
 *   const recording = startRecording(file, runEvidence(...), 'check');   // before the first result
 *   recording.add(result, baselined);                                   // for each DocumentResult, in order
 *   recording.finish(runEvidence(...), interrupted);                    // at the end
 * A database that cannot be used is an error naming it (recording.error); the run goes on and its reports are
 * still written, and the command exits 2.
 */
import type { RunEvidence } from '../engine/evidence.js';
import type { DocumentResult } from '../engine/finding.js';
import type { SinceLast } from '../report/types.js';
import { VERSION } from '../version.js';
import { LedgerError, openLedger } from './database.js';
import { diffRuns, listRuns, previousRun } from './history.js';
import { Recorder } from './recorder.js';

export { Recorder } from './recorder.js';
export { openLedger, LedgerError, SCHEMA_VERSION } from './database.js';
export { listRuns, diffRuns, runsToCompare, trend, HistoryError, type RunInfo, type RunDiff, type TrendPoint } from './history.js';

/**
 * A run being recorded, as commands use it: a database that cannot be opened, or a write that fails midway (a full
 * disk), becomes `error` (naming the file) instead of an exception, so the run goes on and its reports are written.
 * After a failure nothing more is written and the run stays unfinished in the database (history ignores it).
 */
export class Recording {
  recorder?: Recorder;
  error?: string;
  /** Set once finish() has marked the run complete or interrupted. */
  finished = false;

  constructor(
    readonly file: string,
    evidence: RunEvidence,
    command: string,
  ) {
    this.guard(() => (this.recorder = new Recorder(file, evidence, { version: VERSION, command })));
  }

  private guard(write: () => void): void {
    try {
      write();
    } catch (err) {
      if (!(err instanceof LedgerError) && !(err instanceof Error && err.name === 'SqliteError')) throw err;
      this.error = err instanceof LedgerError ? err.message : `${this.file}: recording failed: ${err.message}; the run is not complete in the database`;
      this.recorder?.close();
      this.recorder = undefined;
    }
  }

  add(result: DocumentResult, baselined?: readonly boolean[]): void {
    if (this.recorder) this.guard(() => this.recorder!.add(result, baselined));
  }

  finish(evidence: RunEvidence, interrupted: boolean): void {
    if (this.recorder) this.guard(() => this.recorder!.finish(evidence, interrupted));
    this.finished = !this.error;
  }

  /** Stop without finishing (the run failed). */
  close(): void {
    this.recorder?.close();
  }

  get runId(): number | undefined {
    return this.recorder?.runId;
  }
}

export function startRecording(file: string, evidence: RunEvidence, command: string): Recording {
  return new Recording(file, evidence, command);
}

/**
 * New and resolved findings of a recorded run against the previous complete run for the same site: the first
 * `keep` of each (all by default), and how many there are.
 */
export function sinceLastRun(file: string, runId: number, keep = Infinity): SinceLast {
  const db = openLedger(file);
  try {
    const to = listRuns(db).find((r) => r.id === runId)!;
    const from = previousRun(db, to);
    if (!from) return { new: [], resolved: [] };
    const d = diffRuns(db, from, to);
    const changes = { from: { id: from.id, startedAt: from.startedAt }, new: [] as SinceLast['new'], resolved: [] as SinceLast['resolved'], counts: { new: d.totals.new, resolved: d.totals.resolved } };
    for (const doc of d.documents) {
      for (const f of doc.new) if (changes.new.length < keep) changes.new.push({ path: doc.path, ...f });
      for (const f of doc.resolved) if (changes.resolved.length < keep) changes.resolved.push({ path: doc.path, ...f });
      if (changes.new.length >= keep && changes.resolved.length >= keep) break;
    }
    d.release();
    return changes;
  } finally {
    db.close();
  }
}
