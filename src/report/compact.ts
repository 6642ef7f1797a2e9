import { active } from '../engine/finding.js';
import { filePart, oneLine } from './text.js';
import type { Reporter } from './types.js';

/**
 * `file:line:column: severity ruleId message`, one line per finding and nothing else (GCC style, for editors'
 * error parsers and grep). An item inside a file (`file.json#42`) is located in its file, so the location names
 * the file only. Clean documents, and findings suppressed in their documents, print nothing.
 */
export const compactReporter: Reporter = {
  name: 'compact',
  description: 'One line per finding: path:line:column: severity ruleId message.',
  format(report) {
    let out = '';
    for (const doc of report.documents) {
      const file = filePart(doc.path);
      for (const f of active(doc.findings)) out += `${file}:${f.line}:${f.column}: ${f.severity} ${f.ruleId} ${oneLine(f.message)}\n`;
    }
    return out;
  },
};
