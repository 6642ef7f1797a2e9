import type { Finding } from '../engine/finding.js';
import { defineReporter } from './types.js';

/** RFC 4180 field: quoted when it holds a comma, quote or line break; a leading =+-@ is defused for spreadsheets. */
function field(v: string | number | undefined): string {
  let s = v === undefined ? '' : String(v);
  if (/^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The waiver of a waived finding, in one cell: reason, approver, dates, and where it is written. */
function waiverText(f: Finding): string | undefined {
  const s = f.suppressions?.find((x) => x.kind === 'external');
  if (s?.kind !== 'external') return undefined;
  const w = s.waiver;
  return `${w.reason} (approved by ${w.approvedBy} on ${w.approved}, expires ${w.expires}; ${w.file}:${w.line})`;
}

/**
 * One row per finding, for spreadsheets: UTF-8 with a byte-order mark, so Excel and LibreOffice open Persian
 * correctly. The outlet is the registry id of the attribution's source, else of the declared origin.
 */
export const csvReporter = defineReporter({
  name: 'csv',
  description: 'One row per finding (document, outlet, rule, severity, line, column, message, evidence, waiver), UTF-8 with BOM.',
  stream: {
    // Pages from the web (manba crawl) add where and when they were fetched.
    head: (_tool, options) =>
      '\uFEFF' + ['document', 'outlet', 'rule', 'severity', 'line', 'column', 'message', 'expected', 'found', 'sha256', 'waived', ...(options.retrieval ? ['fetched_at', 'final_url', 'http_status', 'warc_record_id'] : [])].join(',') + '\r\n',
    document: (d, _index, options) => {
      const outlet = d.facts?.attribution?.outlet ?? d.facts?.declared?.find((x) => x.outlet)?.outlet ?? '';
      const got = d.retrieval;
      const retrieval = options.retrieval ? [got?.fetchedAt, got?.finalUrl, got?.status, got?.warcRecordId] : [];
      // Findings that count, and waived ones with their waiver (suppressed-in-document ones stay out, as before).
      return d.findings
        .filter((f) => !f.suppressions || f.suppressions.some((x) => x.kind === 'external'))
        .map((f) => [d.path, outlet, f.ruleId, f.severity, f.line, f.column, f.message, f.evidence?.expected, f.evidence?.found, d.sha256, waiverText(f), ...retrieval].map(field).join(',') + '\r\n')
        .join('');
    },
    tail: () => '',
  },
});
