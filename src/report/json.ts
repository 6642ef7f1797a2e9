import type { DocumentResult, Finding } from '../engine/finding.js';
import type { Reporter } from './types.js';

/** A finding as the JSON formats write it: these fields, in this order. */
export function findingJson(f: Finding) {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    ...(f.evidence ? { evidence: f.evidence } : {}),
    ...(f.suppressions?.length ? { suppressed: { reason: f.suppressions.map((x) => x.justification).join('; ') } } : {}),
  };
}

/** A document as the JSON formats write it. */
export function documentJson(d: DocumentResult) {
  return { path: d.path, ...(d.sha256 ? { sha256: d.sha256 } : {}), findings: d.findings.map(findingJson), ...(d.facts ? { facts: d.facts } : {}) };
}

/** The stable JSON format (documented in the README): tool, documents, summary, and the run's evidence. */
export const jsonReporter: Reporter = {
  name: 'json',
  description: 'One JSON object: tool, documents with findings, summary, run.',
  format(report) {
    const out = { tool: report.tool, documents: report.documents.map(documentJson), summary: report.summary, ...(report.run ? { run: report.run } : {}) };
    return JSON.stringify(out, null, 2) + '\n';
  },
};
