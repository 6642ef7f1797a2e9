import type { DocumentResult } from '../engine/finding.js';
import { documentJson } from './json.js';
import { defineReporter } from './types.js';

/** One document as a JSON Lines line (also written as results finish, in streaming mode). */
export function jsonlLine(d: DocumentResult): string {
  return JSON.stringify(documentJson(d));
}

/** JSON Lines: one object per document (`path`, `sha256`, `findings`, `facts`), then `{summary, tool, run}`. */
export const jsonlReporter = defineReporter({
  name: 'jsonl',
  description: 'JSON Lines: one object per document, then a summary line.',
  stream: {
    head: () => '',
    document: (d) => jsonlLine(d) + '\n',
    tail: ({ summary, tool, run }) => JSON.stringify({ summary, tool, ...(run ? { run } : {}) }) + '\n',
  },
});
