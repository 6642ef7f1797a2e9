import { bilingual, escapeHtml, staticPage, staticPageChunks } from '../../report/html.js';
import type { ChangedFinding, ChangeTotals, DocumentChanges } from '../history.js';
import type { HistoryFormat } from './types.js';

/** The history pages' own strings, in both languages; elements with data-i18n are switched by the toggle. */
const STRINGS = {
  runsTitle: { fa: 'ممیزی‌های ثبت‌شده', en: 'Recorded audits' },
  diffTitle: { fa: 'تغییرات میان دو ممیزی', en: 'Changes between two audits' },
  trendTitle: { fa: 'روند ممیزی‌ها', en: 'Audit trend' },
  run: { fa: 'اجرا', en: 'Run' },
  started: { fa: 'آغاز', en: 'Started' },
  status: { fa: 'وضعیت', en: 'Status' },
  command: { fa: 'فرمان', en: 'Command' },
  documents: { fa: 'سند', en: 'Documents' },
  errors: { fa: 'خطا', en: 'Errors' },
  warnings: { fa: 'هشدار', en: 'Warnings' },
  site: { fa: 'سایت', en: 'Site' },
  outlet: { fa: 'خبرگزاری', en: 'Outlet' },
  version: { fa: 'نسخهٔ manba', en: 'manba version' },
  new: { fa: 'تازه', en: 'New' },
  resolved: { fa: 'برطرف‌شده', en: 'Resolved' },
  persisting: { fa: 'پابرجا', en: 'Persisting' },
  exempted: { fa: 'اکنون معاف یا پنهان', en: 'Now waived or suppressed' },
  bySite: { fa: 'بر پایهٔ سایت', en: 'By site' },
  byOutlet: { fa: 'بر پایهٔ خبرگزاری', en: 'By outlet' },
  byDocument: { fa: 'بر پایهٔ سند و قاعده', en: 'By document and rule' },
  change: { fa: 'تغییر', en: 'Change' },
  rule: { fa: 'قاعده', en: 'Rule' },
  position: { fa: 'جای', en: 'Position' },
  message: { fa: 'پیام', en: 'Message' },
  unknown: { fa: 'نامشخص', en: 'unknown' },
  compliantShare: { fa: 'سهم اسناد بی‌ایراد', en: 'Compliant share' },
  compliant: { fa: 'بی‌ایراد', en: 'Compliant' },
  byFamily: { fa: 'یافته‌ها بر پایهٔ خانوادهٔ قاعده', en: 'Findings by rule family' },
  failingByOutlet: { fa: 'اسناد دارای ایراد بر پایهٔ خبرگزاری', en: 'Failing documents by outlet' },
  chart: { fa: 'نمودار سهم اسناد بی‌ایراد در هر اجرا', en: 'Chart of the compliant share in each run' },
  noChanges: { fa: 'تغییری نیست.', en: 'No changes.' },
  noRuns: { fa: 'هنوز اجرایی ثبت نشده است.', en: 'No runs recorded yet.' },
} as const;

type Key = keyof typeof STRINGS;
const label = (k: Key) => `<span data-i18n="${k}">${escapeHtml(STRINGS[k].fa)}</span>`;
const th = (k: Key, num = false) => `<th scope="col"${num ? ' class="num"' : ''} data-i18n="${k}">${escapeHtml(STRINGS[k].fa)}</th>`;
const td = (v: string | number, num = false) => `<td${num ? ' class="num"' : ''}>${typeof v === 'number' ? v : `<bdi>${escapeHtml(v)}</bdi>`}</td>`;
const unknownOr = (s: string | undefined) => (s ? `<td><bdi>${escapeHtml(s)}</bdi></td>` : `<td>${label('unknown')}</td>`);
const tableHead = (head: string) => `<div class="tablewrap"><table><thead><tr>${head}</tr></thead><tbody>`;
const TABLE_END = '</tbody></table></div>';
const table = (head: string, rows: string[]) => tableHead(head) + rows.join('') + TABLE_END;
const page = (title: Key, body: string, tool: { name: string; version: string }) => staticPage({ lang: 'fa', tool, strings: { ...STRINGS, title: STRINGS[title] }, body });

function totalsTable(key: 'site' | 'outlet', rows: ({ name: string } & ChangeTotals)[]): string {
  return table(
    th(key) + th('new', true) + th('resolved', true) + th('persisting', true) + th('exempted', true),
    rows.map((r) => `<tr>${unknownOr(r.name)}${td(r.new, true)}${td(r.resolved, true)}${td(r.persisting, true)}${td(r.exempted, true)}</tr>`),
  );
}

function changeRows(d: DocumentChanges): string[] {
  const row = (k: 'new' | 'resolved' | 'exempted', f: ChangedFinding) =>
    `<tr class="change-${k}"><td class="path"><bdi>${escapeHtml(d.path)}</bdi></td><td>${label(k)}</td><td><code>${escapeHtml(f.ruleId)}</code></td><td class="num">${f.line}:${f.column}</td><td dir="auto">${bilingual(f.message, 'fa')}</td></tr>`;
  return [...d.new.map((f) => row('new', f)), ...d.resolved.map((f) => row('resolved', f)), ...d.exempted.map((f) => row('exempted', f))];
}

/** An inline SVG line chart of the compliant share per run (0 to 100%), drawn left to right whatever the direction. */
function shareChart(points: { id: number; share: number }[]): string {
  const w = 640;
  const h = 220;
  const pad = { l: 44, r: 16, t: 12, b: 28 };
  const x = (i: number) => pad.l + (points.length === 1 ? (w - pad.l - pad.r) / 2 : (i * (w - pad.l - pad.r)) / (points.length - 1));
  const y = (v: number) => pad.t + (1 - v) * (h - pad.t - pad.b);
  const grid = [0, 0.25, 0.5, 0.75, 1].map((v) => `<line x1="${pad.l}" x2="${w - pad.r}" y1="${y(v)}" y2="${y(v)}" stroke="#d9dde3"/><text class="val" x="${pad.l - 6}" y="${y(v) + 4}" text-anchor="end">${v * 100}%</text>`).join('');
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.share).toFixed(1)}`).join(' ');
  const dots = points
    .map((p, i) => `<g><title>run ${p.id}: ${(p.share * 100).toFixed(1)}%</title><circle cx="${x(i).toFixed(1)}" cy="${y(p.share).toFixed(1)}" r="4" fill="#2f8a4c"/><text class="lbl" x="${x(i).toFixed(1)}" y="${h - 8}" text-anchor="middle">${p.id}</text></g>`)
    .join('');
  return `<svg class="chart" dir="ltr" viewBox="0 0 ${w} ${h}" role="img" aria-label="${escapeHtml(STRINGS.chart.en)}"><title>${escapeHtml(STRINGS.chart.en)}</title>${grid}<path d="${path}" fill="none" stroke="#2f8a4c" stroke-width="2"/>${dots}</svg>`;
}

/** Self-contained pages in the audit report's style: right-to-left Persian with the English toggle, no requests. */
export const historyHtml: HistoryFormat = {
  name: 'html',
  runs(runs, tool) {
    const rows = runs.map((r) => `<tr>${td(r.id, true)}${td(r.startedAt.replace('T', ' ').slice(0, 19))}${td(r.status)}${td(r.command)}${td(r.documents, true)}${td(r.errors, true)}${td(r.warnings, true)}${unknownOr(r.site)}${td(r.manbaVersion)}</tr>`);
    const body = runs.length
      ? table(th('run', true) + th('started') + th('status') + th('command') + th('documents', true) + th('errors', true) + th('warnings', true) + th('site') + th('version'), rows)
      : `<p class="empty" data-i18n="noRuns">${STRINGS.noRuns.fa}</p>`;
    return page('runsTitle', `<section id="runs"><h2 data-i18n="runsTitle">${STRINGS.runsTitle.fa}</h2>${body}</section>\n`, tool);
  },
  diff(d, tool) {
    const card = (k: 'new' | 'resolved' | 'persisting' | 'exempted', cls: string) => `<div class="card ${cls}"><div class="num">${d.totals[k]}</div><div class="lbl" data-i18n="${k}">${STRINGS[k].fa}</div></div>`;
    // A document's rows are its new, resolved and exempted findings: the totals say whether there is any.
    const changed = d.totals.new + d.totals.resolved + d.totals.exempted > 0;
    function* body(): Iterable<string> {
      yield `<section id="summary"><h2><span data-i18n="run">${STRINGS.run.fa}</span> ${d.from.id} → ${d.to.id} <small>(${escapeHtml(d.from.startedAt.slice(0, 10))} → ${escapeHtml(d.to.startedAt.slice(0, 10))})</small></h2>`;
      yield `<div class="cards">${card('new', 'bad')}${card('resolved', 'ok')}${card('persisting', 'warn')}${card('exempted', 'dim')}</div></section>\n`;
      yield `<section id="by-site"><h2 data-i18n="bySite">${STRINGS.bySite.fa}</h2>${totalsTable('site', d.bySite.map((r) => ({ ...r, name: r.site })))}</section>\n`;
      yield `<section id="by-outlet"><h2 data-i18n="byOutlet">${STRINGS.byOutlet.fa}</h2>${totalsTable('outlet', d.byOutlet.map((r) => ({ ...r, name: r.outlet })))}</section>\n`;
      yield `<section id="changes"><h2 data-i18n="byDocument">${STRINGS.byDocument.fa}</h2>`;
      if (changed) {
        yield tableHead(th('documents') + th('change') + th('rule') + th('position', true) + th('message'));
        for (const doc of d.documents) yield changeRows(doc).join('');
        yield TABLE_END;
      } else yield `<p class="empty" data-i18n="noChanges">${STRINGS.noChanges.fa}</p>`;
      yield '</section>\n';
    }
    return staticPageChunks({ lang: 'fa', tool, strings: { ...STRINGS, title: STRINGS.diffTitle } }, body());
  },
  trend(points, tool) {
    const families = [...new Set(points.flatMap((p) => Object.keys(p.byFamily)))].sort();
    const outlets = [...new Set(points.flatMap((p) => Object.keys(p.byOutlet)))].sort();
    const runHead = th('run', true) + th('started') + th('documents', true) + th('compliant', true) + th('compliantShare', true);
    const runCells = (p: (typeof points)[number]) => `${td(p.run.id, true)}${td(p.run.startedAt.slice(0, 10))}${td(p.documents, true)}${td(p.compliant, true)}${td(`${(p.compliantShare * 100).toFixed(1)}%`, true)}`;
    const body = points.length
      ? [
          `<section id="chart"><h2 data-i18n="compliantShare">${STRINGS.compliantShare.fa}</h2>${shareChart(points.map((p) => ({ id: p.run.id, share: p.compliantShare })))}</section>\n`,
          `<section id="families"><h2 data-i18n="byFamily">${STRINGS.byFamily.fa}</h2>`,
          table(runHead + families.map((f) => `<th scope="col" class="num"><code>${escapeHtml(f)}</code></th>`).join(''), points.map((p) => `<tr>${runCells(p)}${families.map((f) => td(p.byFamily[f] ?? 0, true)).join('')}</tr>`)),
          '</section>\n',
          `<section id="outlets"><h2 data-i18n="failingByOutlet">${STRINGS.failingByOutlet.fa}</h2>`,
          table(th('outlet') + points.map((p) => `<th scope="col" class="num">${label('run')} ${p.run.id}</th>`).join(''), outlets.map((o) => `<tr>${unknownOr(o)}${points.map((p) => td(p.byOutlet[o] ? `${p.byOutlet[o].failing} / ${p.byOutlet[o].documents}` : '–', true)).join('')}</tr>`)),
          '</section>\n',
        ].join('')
      : `<section><p class="empty" data-i18n="noRuns">${STRINGS.noRuns.fa}</p></section>\n`;
    return page('trendTitle', body, tool);
  },
};
