import type { DocumentResult, Finding } from '../engine/finding.js';
import { defineReporter } from './types.js';

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
    ...(f.suppressions?.some((x) => x.kind === 'inSource') ? { suppressed: { reason: f.suppressions.filter((x) => x.kind === 'inSource').map((x) => x.justification).join('; ') } } : {}),
    ...waivedJson(f),
    ...(f.fix ? { fix: f.fix } : {}),
  };
}

/** A waived finding: the waiver that waives it (where it is written, who approved it, until when). */
function waivedJson(f: Finding) {
  const s = f.suppressions?.find((x) => x.kind === 'external');
  return s?.kind === 'external' ? { waived: s.waiver } : {};
}

/** A document as the JSON formats write it. */
export function documentJson(d: DocumentResult) {
  return { path: d.path, ...(d.sha256 ? { sha256: d.sha256 } : {}), ...(d.retrieval ? { retrieval: d.retrieval } : {}), findings: d.findings.map(findingJson), ...(d.facts ? { facts: d.facts } : {}) };
}

/**
 * `value` as `JSON.stringify(value, null, 2)` lays it out, with each line after the first behind `pad`: a piece of
 * a larger JSON document written a piece at a time (a string never holds a raw newline).
 */
export const jsonAt = (value: unknown, pad: string): string => JSON.stringify(value, null, 2).replace(/\n/g, `\n${pad}`);

/**
 * The stable JSON format (documented in the README): tool, documents, summary, and the run's evidence. Written
 * piece by piece, indented as JSON.stringify(…, null, 2) would: the same bytes, never one huge string.
 */
export const jsonReporter = defineReporter({
  name: 'json',
  description: 'One JSON object: tool, documents with findings, summary, run.',
  stream: {
    head: (tool) => `{\n  "tool": ${jsonAt(tool, '  ')},\n  "documents": [`,
    // Stringified two arrays deep, the document comes out indented for its place; the wrapper is cut off. The
    // same bytes as indenting it afterwards, without a second pass over every line.
    document: (d, i) => {
      const nested = JSON.stringify([[documentJson(d)]], null, 2);
      return `${i ? ',' : ''}\n    ${nested.slice(10, -6)}`;
    },
    separator: ',',
    tail: ({ summary, run, documents }) =>
      `${documents ? '\n  ' : ''}],\n  "summary": ${jsonAt(summary, '  ')}${run ? `,\n  "run": ${jsonAt(run, '  ')}` : ''}\n}\n`,
  },
});
