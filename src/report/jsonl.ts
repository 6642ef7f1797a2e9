import type { Finding } from '../engine/finding.js';
import type { Reporter } from './types.js';

/** The same finding fields as the json format, in the same order. */
function findingJson(f: Finding) {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    ...(f.evidence ? { evidence: f.evidence } : {}),
    ...(f.suppressions?.[0] ? { suppressed: { reason: f.suppressions[0].justification } } : {}),
  };
}

/** JSON Lines: one object per document (`path`, `findings`, `facts` when there are any), then `{summary, tool}`. */
export const jsonlReporter: Reporter = {
  name: 'jsonl',
  description: 'JSON Lines: one object per document, then a summary line.',
  format(report) {
    const lines = report.documents.map((d) =>
      JSON.stringify({ path: d.path, findings: d.findings.map(findingJson), ...(d.facts ? { facts: d.facts } : {}) }),
    );
    lines.push(JSON.stringify({ summary: report.summary, tool: report.tool }));
    return lines.join('\n') + '\n';
  },
};
