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
  format(report, options) {
    return [...this.chunks!(report, options)].join('');
  },
  *chunks(report) {
    // Written piece by piece, indented as JSON.stringify(…, null, 2) would: the same bytes, never one huge string.
    const indent = (json: string, pad: string) => json.replace(/\n/g, `\n${pad}`);
    yield `{\n  "tool": ${indent(JSON.stringify(report.tool, null, 2), '  ')},\n  "documents": [`;
    let first = true;
    for (const d of report.documents) {
      yield `${first ? '' : ','}\n    ${indent(JSON.stringify(documentJson(d), null, 2), '    ')}`;
      first = false;
    }
    yield `${first ? '' : '\n  '}],\n  "summary": ${indent(JSON.stringify(report.summary, null, 2), '  ')}`;
    if (report.run) yield `,\n  "run": ${indent(JSON.stringify(report.run, null, 2), '  ')}`;
    yield '\n}\n';
  },
};
