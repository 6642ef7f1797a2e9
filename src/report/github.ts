import { active } from '../engine/finding.js';
import { filePart } from './text.js';
import { defineReporter } from './types.js';

/** Escaping of a workflow command's message (the data after `::`). */
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
/** Escaping of a workflow command's property value: the message's, and `:` and `,`, which separate properties. */
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * GitHub Actions workflow commands (`::error file=…::message`), which become annotations on the changed files.
 * Findings suppressed in their documents are left out.
 */
export const githubReporter = defineReporter({
  name: 'github',
  description: 'GitHub Actions annotations (::error and ::warning workflow commands).',
  /** A command a finding. */
  *chunks(report) {
    for (const doc of report.documents) {
      const file = escapeProperty(filePart(doc.path));
      for (const f of active(doc.findings)) {
        const props = `file=${file},line=${f.line},col=${f.column},endLine=${f.endLine},endColumn=${f.endColumn},title=${escapeProperty(f.ruleId)}`;
        yield `::${f.severity} ${props}::${escapeData(f.message)}\n`;
      }
    }
  },
});
