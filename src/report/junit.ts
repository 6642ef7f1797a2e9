import { active } from '../engine/finding.js';
import { escapeXml } from './text.js';
import { defineReporter } from './types.js';

/**
 * JUnit XML: each document is a test case, each error a `<failure>` (several in one case: GitLab and Jenkins read
 * them all, though strict JUnit allows one), warnings in the case's `<system-out>`. `failures` counts failing cases.
 * Findings suppressed in their documents are left out (they do not count).
 */
export const junitReporter = defineReporter({
  name: 'junit',
  description: 'JUnit XML: a test case per document, a failure per error.',
  /** The totals first (one pass to count the failing cases), then a test case at a time. */
  *chunks(report) {
    let failing = 0;
    for (const doc of report.documents) if (active(doc.findings).some((f) => f.severity === 'error')) failing++;
    const tests = report.documents.length;
    yield `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="manba" tests="${tests}" failures="${failing}" errors="0">\n  <testsuite name="manba" tests="${tests}" failures="${failing}" errors="0">\n`;
    for (const doc of report.documents) {
      const name = escapeXml(doc.path, true);
      const findings = active(doc.findings);
      const errors = findings.filter((f) => f.severity === 'error');
      const warnings = findings.filter((f) => f.severity === 'warning');
      if (findings.length === 0) {
        yield `    <testcase classname="manba" name="${name}"/>\n`;
        continue;
      }
      const lines = [`    <testcase classname="manba" name="${name}">`];
      for (const f of errors) {
        const detail = [`${doc.path}:${f.line}:${f.column}: ${f.ruleId} ${f.message}`];
        if (f.evidence?.expected !== undefined) detail.push(`expected: ${f.evidence.expected}`);
        if (f.evidence?.found !== undefined) detail.push(`found: ${f.evidence.found}`);
        lines.push(
          `      <failure message="${escapeXml(`${f.ruleId}: ${f.message}`, true)}" type="${escapeXml(f.ruleId, true)}">` +
            `${escapeXml(detail.join('\n'))}</failure>`,
        );
      }
      if (warnings.length > 0) {
        const text = warnings.map((f) => `${doc.path}:${f.line}:${f.column}: warning ${f.ruleId} ${f.message}`).join('\n');
        lines.push(`      <system-out>${escapeXml(text)}</system-out>`);
      }
      lines.push('    </testcase>');
      yield `${lines.join('\n')}\n`;
    }
    yield '  </testsuite>\n</testsuites>\n';
  },
});
