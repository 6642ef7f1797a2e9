import { active } from '../engine/finding.js';
import { escapeXml, filePart } from './text.js';
import type { Reporter } from './types.js';

/**
 * Checkstyle XML, as ESLint writes it: one `<file>` per file (items of one file, `file.json#1` and `file.json#2`,
 * share their file's element, since their positions are positions in that file), clean files included.
 * Findings suppressed in their documents are left out.
 */
export const checkstyleReporter: Reporter = {
  name: 'checkstyle',
  description: 'Checkstyle XML, for CI plugins that read it.',
  format(report) {
    const files = new Map<string, string>();
    for (const doc of report.documents) {
      const file = filePart(doc.path);
      let body = files.get(file) ?? '';
      for (const f of active(doc.findings)) {
        body +=
          `<error line="${f.line}" column="${f.column}" severity="${f.severity}" ` +
          `message="${escapeXml(f.message, true)}" source="${escapeXml(`manba.${f.ruleId}`, true)}"/>`;
      }
      files.set(file, body);
    }
    let out = '<?xml version="1.0" encoding="utf-8"?><checkstyle version="4.3">';
    for (const [file, body] of files) out += `<file name="${escapeXml(file, true)}">${body}</file>`;
    return out + '</checkstyle>\n';
  },
};
