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
}

export interface DocumentResult {
  path: string;
  findings: Finding[];
}

export interface Summary {
  documents: number;
  errors: number;
  warnings: number;
}

export function summarize(results: readonly DocumentResult[]): Summary {
  let errors = 0;
  let warnings = 0;
  for (const r of results) for (const f of r.findings) f.severity === 'error' ? errors++ : warnings++;
  return { documents: results.length, errors, warnings };
}

export function byPosition(a: Finding, b: Finding): number {
  return a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId);
}

export type { Lang };
