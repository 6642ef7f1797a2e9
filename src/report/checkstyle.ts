import { active } from '../engine/finding.js';
import { escapeXml, filePart } from './text.js';
import { defineReporter } from './types.js';

/**
 * Checkstyle XML, as ESLint writes it: one `<file>` per file (items of one file, `file.json#1` and `file.json#2`,
 * share their file's element, since their positions are positions in that file), clean files included.
 * Findings suppressed in their documents are left out.
 */
export const checkstyleReporter = defineReporter({
  name: 'checkstyle',
  description: 'Checkstyle XML, for CI plugins that read it.',
  /**
   * A `<file>` at a time: the items of a file come one after another in a report (a run lists a file's items
   * together, a merge sorts by file), so a file's element is closed when the next file begins.
   */
  *chunks(report) {
    yield '<?xml version="1.0" encoding="utf-8"?><checkstyle version="4.3">';
    let open: string | undefined;
    for (const doc of report.documents) {
      const file = filePart(doc.path);
      let out = '';
      if (file !== open) {
        if (open !== undefined) out += '</file>';
        out += `<file name="${escapeXml(file, true)}">`;
        open = file;
      }
      for (const f of active(doc.findings)) {
        out +=
          `<error line="${f.line}" column="${f.column}" severity="${f.severity}" ` +
          `message="${escapeXml(f.message, true)}" source="${escapeXml(`manba.${f.ruleId}`, true)}"/>`;
      }
      yield out;
    }
    yield `${open !== undefined ? '</file>' : ''}</checkstyle>\n`;
  },
});
