import { active } from '../engine/finding.js';
import { filePart, oneLine } from './text.js';
import { defineReporter } from './types.js';

/**
 * `file:line:column: severity ruleId message`, one line per finding and nothing else (GCC style, for editors'
 * error parsers and grep). An item inside a file (`file.json#42`) is located in its file, so the location names
 * the file only. Clean documents, and findings suppressed in their documents, print nothing.
 */
export const compactReporter = defineReporter({
  name: 'compact',
  description: 'One line per finding: path:line:column: severity ruleId message.',
  stream: {
    head: () => '',
    document: (doc) => {
      const file = filePart(doc.path);
      return active(doc.findings).map((f) => `${file}:${f.line}:${f.column}: ${f.severity} ${f.ruleId} ${oneLine(f.message)}\n`).join('');
    },
    tail: () => '',
  },
});
