import type { RunDiff, RunInfo, TrendPoint } from '../history.js';

/**
 * One output format of `manba history`: a rendering of each view. One file per format, listed in ./index.ts. A diff
 * is written in pieces, a document at a time (RunDiff.documents is read from the database as it goes).
 */
export interface HistoryFormat {
  name: string;
  runs(runs: RunInfo[], tool: { name: string; version: string }): string;
  diff(diff: RunDiff, tool: { name: string; version: string }): Iterable<string>;
  trend(points: TrendPoint[], tool: { name: string; version: string }): string;
}

/** Outlet and site keys are '' when not known. */
export const orUnknown = (s: string): string => (s === '' ? '(unknown)' : s);
