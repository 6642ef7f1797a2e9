import type { RunEvidence } from '../engine/evidence.js';
import type { DocumentResult, Summary } from '../engine/finding.js';

/** Everything a reporter sees: the tool, each document's result, the totals, and how the run was made. */
export interface Report {
  tool: { name: string; version: string };
  documents: DocumentResult[];
  summary: Summary;
  run?: RunEvidence;
  /** With --record: what changed since the previous recorded audit (the HTML report shows it). */
  sinceLast?: SinceLast;
}

/**
 * New and resolved findings against the previous recorded run; `from` is absent when there was none. The lists may
 * hold only the first of them (sinceLastRun's `keep`); `counts` says how many there are.
 */
export interface SinceLast {
  from?: { id: number; startedAt: string };
  new: SinceLastFinding[];
  resolved: SinceLastFinding[];
  counts?: { new: number; resolved: number };
}

export interface SinceLastFinding {
  path: string;
  ruleId: string;
  severity: 'error' | 'warning';
  line: number;
  column: number;
  message: { en: string; fa: string };
}

export interface ReporterOptions {
  color: boolean;
  /** Show documents without findings (stylish). */
  showPassing: boolean;
  /** Documents come from the web (`manba crawl`): formats with fixed columns (CSV) add the retrieval's. */
  retrieval?: boolean;
}

/** A reporter is one file in src/report/, registered in ./index.ts, made by defineReporter. */
export interface Reporter {
  name: string;
  description: string;
  /** The whole output: its chunks joined (for tests and small reports). */
  format(report: Report, options: ReporterOptions): string;
  /** The output in pieces, so a report of millions of documents is never one string in memory. */
  chunks(report: Report, options: ReporterOptions): Iterable<string>;
  /**
   * For formats that need no totals before the documents: the output as a head, one piece per document (written
   * as each is checked, so an archive's results need not be kept), and a tail with the totals.
   */
  stream?: ReportStream;
}

/** What a reporter's file declares: its output as a stream of documents, or as the chunks of a whole report. */
export type ReporterDefinition = { name: string; description: string } & (
  | { stream: ReportStream; chunks?: never }
  | { stream?: never; chunks(report: Report, options: ReporterOptions): Iterable<string> }
);

/** A reporter from its definition: the chunks of a stream are its head, documents and tail; `format` joins them. */
export function defineReporter(definition: ReporterDefinition): Reporter {
  const { stream } = definition;
  const chunks = stream ? (report: Report, options: ReporterOptions) => streamChunks(stream, report, options) : definition.chunks!.bind(definition);
  return { ...definition, chunks, format: (report, options) => [...chunks(report, options)].join('') };
}

export interface ReportStream {
  head(tool: Report['tool'], options: ReporterOptions): string;
  /**
   * One document's piece. It may depend on `index` only by starting with `separator` when index > 0: a piece written
   * elsewhere as the first (a worker's, see RenderedResult) is then placed anywhere by writing the separator before it.
   */
  document(d: DocumentResult, index: number, options: ReporterOptions): string;
  separator?: string;
  tail(end: { tool: Report['tool']; summary: Summary; run?: RunEvidence; documents: number }, options: ReporterOptions): string;
}

/** A report's pieces from its stream: the same bytes whether written at once or as documents are checked. */
export function* streamChunks(stream: ReportStream, report: Report, options: ReporterOptions): Iterable<string> {
  yield stream.head(report.tool, options);
  let i = 0;
  for (const d of report.documents) yield stream.document(d, i++, options);
  yield stream.tail({ tool: report.tool, summary: report.summary, ...(report.run ? { run: report.run } : {}), documents: i }, options);
}
