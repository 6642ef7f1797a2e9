import type { Retrieval } from '../documents/http-page.js';
import type { Lang, Messages, Severity } from '../rules/types.js';

/** One reported problem, located in the original file (1-based lines and columns). */
export interface Finding {
  ruleId: string;
  severity: Severity;
  /** In the run's language. */
  message: string;
  /** In both languages, for reports that show either. */
  messages: Messages;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Expected against found, where the rule compared texts. */
  evidence?: { expected?: string; found?: string };
  /**
   * Set when the finding is exempted: by a directive in the document (inSource) or by an approved waiver
   * (external). It stays in JSON, SARIF, CSV and HTML, and does not count. See engine/exemptions.ts.
   */
  suppressions?: Suppression[];
  /** The original text the finding covers (or just before it, for a missing text): what a baseline fingerprints. */
  anchor?: string;
  /** How to repair it, in the file's own terms (see src/fix/): absent when there is no safe fix. */
  fix?: FindingFix;
}

/** A point of a fix's range in the file: 1-based line and column (UTF-16 code units, as findings), and byte offset. */
export interface FixPoint {
  line: number;
  column: number;
  /** Offset in the file's bytes (a byte-order mark included). */
  offset: number;
}

/** [start, end) of the file replaced by `text`: written as the format writes it, in characters its encoding has. */
export interface FindingFix {
  range: { start: FixPoint; end: FixPoint };
  text: string;
  /** Shown, never applied by --fix: only --fix-suggestions applies it (a person decides). */
  suggestion?: boolean;
}

export type Suppression = { kind: 'inSource'; justification: string } | { kind: 'external'; justification: string; waiver: WaiverRef };

/** The waiver that exempts a finding, as reports show it: where it is written, who approved it, until when. */
export interface WaiverRef {
  file: string;
  line: number;
  column: number;
  rule: string;
  reason: string;
  approvedBy: string;
  /** ISO dates (YYYY-MM-DD), whatever calendar the file wrote them in. */
  approved: string;
  expires: string;
}

export interface DocumentResult {
  path: string;
  /** The reader that produced the document (text, markdown, html, json, feed), when one did. */
  format?: string;
  /** The page the document was published at, when its format states one (JSON url field, feed link, canonical). */
  url?: string;
  findings: Finding[];
  /** What the checks learned about the document, for audits (absent when there is nothing to say). */
  facts?: DocumentFacts;
  /** SHA-256 of the bytes the document was read from, so an audit can show it checked the same files. */
  sha256?: string;
  /** For a page from the web (a crawl, a WARC): where and when it was fetched, and its WARC record. */
  retrieval?: Retrieval;
}

/**
 * A document's result as a worker wrote it for the run's streaming reports (`--jobs`, nothing to apply to it on the
 * main thread): what the totals need, and each report's piece, in the order of the run's outputs. The main thread
 * then writes the pieces instead of parsing the result and writing it again (docs/performance.md, One process on
 * many CPUs).
 */
export interface RenderedResult {
  rendered: true;
  path: string;
  /** As summarize() counts them (an error counted is one that makes the document fail: isFailing). */
  errors: number;
  warnings: number;
  /** Each output's piece for this document, written as its first (index 0); see ReportStream.separator. */
  pieces: string[];
}

/** What a checker gives back for a document: its result, or that result already written for the reports. */
export type CheckedDocument = DocumentResult | RenderedResult;

export function isRendered(r: CheckedDocument): r is RenderedResult {
  return (r as RenderedResult).rendered === true;
}

/** Report form of the document facts: positions as lines and columns, dates as text. */
export interface DocumentFacts {
  attribution?: { source: string; outlet?: string; site?: string; line: number; column: number };
  declared?: { name: string; where: string; outlet?: string; via?: string; line?: number; column?: number }[];
  bylineDate?: { jalali: string; time?: string; valid: boolean; iso?: string; isoDateTime?: string };
}

export interface Summary {
  documents: number;
  errors: number;
  warnings: number;
}

export function summarize(results: readonly DocumentResult[]): Summary {
  let errors = 0;
  let warnings = 0;
  for (const r of results) for (const f of r.findings) if (!f.suppressions) f.severity === 'error' ? errors++ : warnings++;
  return { documents: results.length, errors, warnings };
}

/** Whether a document has an error that counts: the progress line counts it as failing. */
export function isFailing(r: DocumentResult): boolean {
  return r.findings.some((f) => f.severity === 'error' && !f.suppressions);
}

/** Findings that count: not suppressed in the document. */
export function active(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => !f.suppressions);
}

/**
 * Findings in the order of the text, then of their rule ids. Rule ids are lowercase ASCII letters, digits, «-» and
 * «/» (the rule-file schema), whose code-unit order is the collation's order, so they are compared as plain strings:
 * localeCompare would start ICU, some 10–25 ms, in a run that may need nothing else of it.
 */
export function byPosition(a: Finding, b: Finding): number {
  return a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}

export type { Lang };
