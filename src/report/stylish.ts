import { defineReporter } from './types.js';

const paint = (on: boolean, code: string) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

/** A report per document for people at a terminal, in the manner of ESLint's stylish format. */
export const stylishReporter = defineReporter({
  name: 'stylish',
  description: 'Human-readable, grouped by document (default).',
  // Line by line, counting as it goes (the totals come last): a merged audit of millions of documents is never one
  // string, nor a list of the failing ones.
  *chunks(report, { color, showPassing }) {
    const red = paint(color, '31');
    const yellow = paint(color, '33');
    const green = paint(color, '32');
    const dim = paint(color, '2');
    const bold = paint(color, '1');
    let suppressed = 0;
    let fixable = 0;
    let suggestions = 0;
    let waived = 0;
    let failing = 0;
    for (const full of report.documents) {
      // Suppressed and waived findings are counted, not listed: JSON, SARIF, CSV and HTML give them with their reasons.
      const doc = { ...full, findings: full.findings.filter((f) => !f.suppressions) };
      for (const f of full.findings) if (f.suppressions) f.suppressions.some((x) => x.kind === 'external') ? waived++ : suppressed++;
      if (doc.findings.length === 0) {
        if (showPassing) yield `${green('✓')} ${doc.path}\n`;
        continue;
      }
      failing++;
      yield `${bold(doc.path)}\n`;
      const width = Math.max(...doc.findings.map((f) => `${f.line}:${f.column}`.length));
      for (const f of doc.findings) {
        const sev = f.severity === 'error' ? red('error  ') : yellow('warning');
        // Fixable findings are marked, as the summary counts them.
        const mark = f.fix ? (f.fix.suggestion ? '  (suggestion)' : '  (fixable)') : '';
        if (f.fix) f.fix.suggestion ? suggestions++ : fixable++;
        yield `  ${dim(`${f.line}:${f.column}`.padEnd(width))}  ${sev}  ${f.message}  ${dim(f.ruleId)}${dim(mark)}\n`;
      }
      yield '\n';
    }
    const { documents, errors, warnings } = report.summary;
    const problems = errors + warnings;
    const tally = `${documents} document${documents === 1 ? '' : 's'} checked, ${documents - failing} passed${suppressed ? `, ${suppressed} finding${suppressed === 1 ? '' : 's'} suppressed in documents` : ''}${waived ? `, ${waived} waived` : ''}`;
    if (problems === 0) yield `${green(`✓ ${tally}, no problems`)}\n`;
    else yield `${(errors ? red : yellow)(`✖ ${problems} problem${problems === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}) — ${tally}`)}\n`;
    if (fixable || suggestions) {
      const parts = [...(fixable ? [`${fixable} problem${fixable === 1 ? '' : 's'} fixable with --fix`] : []), ...(suggestions ? [`${suggestions} problem${suggestions === 1 ? '' : 's'} with a suggestion (--fix-dry-run shows it, --fix-suggestions applies it)`] : [])];
      yield `${parts.join('; ')}\n`;
    }
  },
});
