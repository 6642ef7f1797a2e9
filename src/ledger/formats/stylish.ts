import type { ChangedFinding } from '../history.js';
import { orUnknown, type HistoryFormat } from './types.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** For people at a terminal. The diff lists new and resolved findings; persisting ones are counted per document. */
export const historyStylish: HistoryFormat = {
  name: 'stylish',
  runs(runs) {
    if (runs.length === 0) return 'no runs recorded yet\n';
    const row = (c: string[]) => [c[0]!.padStart(4), c[1]!.padEnd(19), c[2]!.padEnd(11), c[3]!.padEnd(7), c[4]!.padStart(9), c[5]!.padStart(7), c[6]!.padStart(8), c[7]!.padEnd(7), c[8]!].join('  ').trimEnd();
    const lines = runs.map((r) => row([String(r.id), r.startedAt.replace('T', ' ').slice(0, 19), r.status, r.command, String(r.documents), String(r.errors), String(r.warnings), r.manbaVersion, r.site ?? '']));
    return [row(['run', 'started (UTC)', 'status', 'command', 'documents', 'errors', 'warnings', 'manba', 'site']), ...lines].join('\n') + '\n';
  },
  *diff(d) {
    yield `run ${d.from.id} (${d.from.startedAt.slice(0, 10)}) → run ${d.to.id} (${d.to.startedAt.slice(0, 10)})\n\n`;
    const line = (mark: string, f: ChangedFinding) => `  ${mark} ${`${f.line}:${f.column}`.padEnd(7)} ${f.severity.padEnd(7)}  ${f.ruleId}  ${f.message.en}`;
    for (const doc of d.documents) {
      if (doc.new.length + doc.resolved.length + doc.exempted.length === 0) continue;
      const out = [`${doc.path}${doc.outlet ? `  (${doc.outlet})` : ''}`];
      for (const f of doc.new) out.push(line('+', f));
      for (const f of doc.resolved) out.push(line('-', f));
      for (const f of doc.exempted) out.push(line('~', f));
      if (doc.persisting.length) out.push(`    ${plural(doc.persisting.length, 'finding')} persisting`);
      yield out.join('\n') + '\n\n';
    }
    const out: string[] = [];
    const t = d.totals;
    const sum = (x: { new: number; resolved: number; persisting: number; exempted: number }) => `+${x.new}  -${x.resolved}  =${x.persisting}${x.exempted ? `  ~${x.exempted}` : ''}`;
    out.push(`${plural(t.new, 'new finding')}, ${t.resolved} resolved, ${t.persisting} persisting${t.exempted ? `, ${t.exempted} now waived or suppressed` : ''}${d.notChecked ? `; ${plural(d.notChecked, 'document')} of run ${d.from.id} not checked in run ${d.to.id}` : ''}`);
    if (d.bySite.length) out.push('', 'by site:', ...d.bySite.map((s) => `  ${orUnknown(s.site).padEnd(30)} ${sum(s)}`));
    if (d.byOutlet.length) out.push('', 'by outlet:', ...d.byOutlet.map((o) => `  ${orUnknown(o.outlet).padEnd(30)} ${sum(o)}`));
    yield out.join('\n') + '\n';
  },
  trend(points) {
    if (points.length === 0) return 'no complete runs recorded yet\n';
    const families = [...new Set(points.flatMap((p) => Object.keys(p.byFamily)))].sort();
    const header = ['run', 'date'.padEnd(10), 'documents'.padStart(9), 'compliant'.padStart(9), ...families.map((f) => f.padStart(Math.max(6, f.length)))];
    const rows = points.map((p) => [String(p.run.id).padStart(3), p.run.startedAt.slice(0, 10), String(p.documents).padStart(9), pct(p.compliantShare).padStart(9), ...families.map((f) => String(p.byFamily[f] ?? 0).padStart(Math.max(6, f.length)))]);
    const out = [header.join('  '), ...rows.map((r) => r.join('  '))];
    const outlets = [...new Set(points.flatMap((p) => Object.keys(p.byOutlet)))].sort();
    if (outlets.length) {
      out.push('', 'failing documents by outlet:');
      out.push(['outlet'.padEnd(20), ...points.map((p) => `run ${p.run.id}`.padStart(8))].join('  '));
      for (const o of outlets) out.push([orUnknown(o).padEnd(20), ...points.map((p) => String(p.byOutlet[o] ? `${p.byOutlet[o].failing}/${p.byOutlet[o].documents}` : '-').padStart(8))].join('  '));
    }
    return out.join('\n') + '\n';
  },
};
