import type { RunEvidence } from '../engine/evidence.js';
import type { DocumentResult, Summary } from '../engine/finding.js';

/** Everything a reporter sees: the tool, each document's result, the totals, and how the run was made. */
export interface Report {
  tool: { name: string; version: string };
  documents: DocumentResult[];
  summary: Summary;
  run?: RunEvidence;
}

export interface ReporterOptions {
  color: boolean;
  /** Show documents without findings (stylish). */
  showPassing: boolean;
}

/** A reporter is one file in src/report/, registered in ./index.ts. */
export interface Reporter {
  name: string;
  description: string;
  format(report: Report, options: ReporterOptions): string;
  /** The same output in pieces, so a report of 100,000 documents is never one giant string in memory. */
  chunks?(report: Report, options: ReporterOptions): Iterable<string>;
}
