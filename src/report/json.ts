import type { Reporter } from './types.js';

/** The stable JSON format (documented in the README): only these fields, in this order. */
export const jsonReporter: Reporter = {
  name: 'json',
  description: 'One JSON object: tool, documents with findings, summary.',
  format(report) {
    const out = {
      tool: report.tool,
      documents: report.documents.map((d) => ({
        path: d.path,
        findings: d.findings.map((f) => ({
          ruleId: f.ruleId,
          severity: f.severity,
          message: f.message,
          line: f.line,
          column: f.column,
          endLine: f.endLine,
          endColumn: f.endColumn,
          ...(f.evidence ? { evidence: f.evidence } : {}),
          ...(f.suppressions?.length ? { suppressed: { reason: f.suppressions.map((x) => x.justification).join('; ') } } : {}),
        })),
        ...(d.facts ? { facts: d.facts } : {}),
      })),
      summary: report.summary,
    };
    return JSON.stringify(out, null, 2) + '\n';
  },
};
