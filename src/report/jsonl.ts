import type { DocumentResult } from '../engine/finding.js';
import { documentJson } from './json.js';
import type { Reporter } from './types.js';

/** One document as a JSON Lines line (also written as results finish, in streaming mode). */
export function jsonlLine(d: DocumentResult): string {
  return JSON.stringify(documentJson(d));
}

/** JSON Lines: one object per document (`path`, `sha256`, `findings`, `facts`), then `{summary, tool, run}`. */
export const jsonlReporter: Reporter = {
  name: 'jsonl',
  description: 'JSON Lines: one object per document, then a summary line.',
  format(report, options) {
    return [...this.chunks!(report, options)].join('');
  },
  *chunks(report) {
    for (const d of report.documents) yield jsonlLine(d) + '\n';
    yield JSON.stringify({ summary: report.summary, tool: report.tool, ...(report.run ? { run: report.run } : {}) }) + '\n';
  },
};
