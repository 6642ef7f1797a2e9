import type { HistoryFormat } from './types.js';

/** RFC 4180 field; a leading =+-@ is defused for spreadsheets (as the audit CSV does). */
function field(v: string | number | undefined): string {
  let s = v === undefined ? '' : String(v);
  if (/^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
const row = (cells: (string | number | undefined)[]) => cells.map(field).join(',') + '\r\n';
const rows = (header: string[], body: (string | number | undefined)[][]) => '\uFEFF' + [header, ...body].map(row).join('');

/**
 * CSV for spreadsheets (UTF-8 with BOM): runs one row per run; diff one row per finding with its change (new,
 * resolved, persisting, exempted); trend one row per run and rule family or outlet.
 */
export const historyCsv: HistoryFormat = {
  name: 'csv',
  runs: (runs) =>
    rows(
      ['run', 'command', 'status', 'started', 'finished', 'manba', 'site', 'documents', 'errors', 'warnings', 'rule_set_sha256', 'registry_sha256'],
      runs.map((r) => [r.id, r.command, r.status, r.startedAt, r.finishedAt, r.manbaVersion, r.site, r.documents, r.errors, r.warnings, r.ruleSetSha256, r.registrySha256]),
    ),
  *diff(diff) {
    yield '\uFEFF' + row(['change', 'document', 'url', 'outlet', 'site', 'rule', 'severity', 'line', 'column', 'message']);
    for (const d of diff.documents) {
      yield (['new', 'resolved', 'persisting', 'exempted'] as const).flatMap((change) => d[change].map((f) => row([change, d.path, d.url, d.outlet, d.site, f.ruleId, f.severity, f.line, f.column, f.message.en]))).join('');
    }
  },
  trend: (points) =>
    rows(
      ['run', 'started', 'documents', 'compliant', 'compliant_share', 'group', 'key', 'documents_in_group', 'failing', 'findings'],
      points.flatMap((p) => [
        [p.run.id, p.run.startedAt, p.documents, p.compliant, p.compliantShare.toFixed(4), 'total', '', p.documents, p.documents - p.compliant, Object.values(p.byFamily).reduce((a, b) => a + b, 0)],
        ...Object.entries(p.byFamily).map(([family, n]) => [p.run.id, p.run.startedAt, p.documents, p.compliant, p.compliantShare.toFixed(4), 'family', family, '', '', n]),
        ...Object.entries(p.byOutlet).map(([outlet, o]) => [p.run.id, p.run.startedAt, p.documents, p.compliant, p.compliantShare.toFixed(4), 'outlet', outlet, o.documents, o.failing, o.findings]),
      ]),
    ),
};
