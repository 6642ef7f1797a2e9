import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import AjvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { waiverFileSchema } from '../src/waivers/schema.js';
import { parseWaiverDate } from '../src/waivers/load.js';
import { cli, FIXTURES, positionOf, reference, ROOT } from './helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'manba-waivers-'));
const altered = () => reference().replace('ماده ۷۴', 'ماده ۷۵');
const ALTERED = 'The Article 74 notice is altered (article number): expected «۷۴», found «۷۵». Use the canonical wording.';

/** Tehran's calendar day `days` from today, as YYYY-MM-DD (worked out here, not with manba's helpers). */
function tehranDayFromNow(days: number): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tehran', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const d = new Date(`${parts}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const WAIVED = `waivers:
  - rule: notice
    paths: ["archive/1398/**"]
    reason: Published before the notice policy; the legal desk accepts the risk.
    approvedBy: head of the legal desk
    approved: 1405/08/29
    expires: 2099-03-20
`;

function project(waivers: string, files: Record<string, string>): string {
  const dir = tmp();
  writeFileSync(join(dir, 'manba.config.yaml'), 'waivers: legal/waivers.yaml\n');
  mkdirSync(join(dir, 'legal'));
  writeFileSync(join(dir, 'legal', 'waivers.yaml'), waivers);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

interface JsonReport {
  documents: { path: string; findings: { ruleId: string; severity: string; line: number; column: number; message: string; waived?: object }[] }[];
  summary: { documents: number; errors: number; warnings: number };
}

describe('waivers', () => {
  it('an active waiver waives what it covers (paths relative to the config): reported as waived, not failing the run', async () => {
    const dir = project(WAIVED, { 'archive/1398/old.txt': altered(), 'archive/1402/new.txt': reference() });
    const before = statSync(join(dir, 'legal/waivers.yaml'));
    const r = await cli(['check', 'archive', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('manba: 1 finding waived (legal/waivers.yaml)\n');
    const report = JSON.parse(r.stdout) as JsonReport;
    const at = positionOf(altered(), '۷۵ قانون');
    expect(report.documents[0]).toMatchObject({ path: 'archive/1398/old.txt' });
    expect(report.documents[0]!.findings).toEqual([
      {
        ruleId: 'notice/altered',
        severity: 'error',
        message: ALTERED,
        line: at.line,
        column: at.column,
        endLine: at.line,
        endColumn: at.column + 2,
        evidence: { expected: '۷۴', found: '۷۵' },
        // A waived finding still proposes its fix: the whole notice (the file's last line) in the canonical wording.
        fix: {
          range: {
            start: { line: at.line, column: 1, offset: Buffer.byteLength(altered().slice(0, altered().indexOf('با استناد'))) },
            end: { line: at.line, column: altered().length - altered().indexOf('با استناد') + 1, offset: Buffer.byteLength(altered()) },
          },
          text: reference().slice(reference().indexOf('با استناد')),
        },
        // 1405/08/29 in the Jalali calendar is 2026-11-20.
        waived: { file: 'legal/waivers.yaml', line: 2, column: 5, rule: 'notice', reason: 'Published before the notice policy; the legal desk accepts the risk.', approvedBy: 'head of the legal desk', approved: '2026-11-20', expires: '2099-03-20' },
      },
    ]);
    expect(report.summary).toEqual({ documents: 2, errors: 0, warnings: 0 });
    // Read only: the file is as it was.
    expect(readFileSync(join(dir, 'legal/waivers.yaml'), 'utf8')).toBe(WAIVED);
    expect(statSync(join(dir, 'legal/waivers.yaml')).mtimeMs).toBe(before.mtimeMs);

    const stylish = await cli(['check', 'archive'], { cwd: dir });
    expect(stylish.stdout).toBe('✓ archive/1398/old.txt\n✓ archive/1402/new.txt\n✓ 2 documents checked, 2 passed, 1 waived, no problems\n');

    const csv = (await cli(['check', 'archive', '--format', 'csv'], { cwd: dir })).stdout.replace('\uFEFF', '').trimEnd().split('\r\n');
    expect(csv[0]).toBe('document,outlet,rule,severity,line,column,message,expected,found,sha256,waived');
    expect(csv).toHaveLength(2);
    expect(csv[1]).toMatch(
      new RegExp(`^archive/1398/old\\.txt,irna,notice/altered,error,${at.line},${at.column},"[^"]+",۷۴,۷۵,[0-9a-f]{64},"Published before the notice policy; the legal desk accepts the risk\\. \\(approved by head of the legal desk on 2026-11-20, expires 2099-03-20; legal/waivers\\.yaml:2\\)"$`),
    );

    const sarif = JSON.parse((await cli(['check', 'archive', '--format', 'sarif'], { cwd: dir })).stdout) as { runs: { results: { suppressions?: unknown[] }[] }[] };
    expect(sarif.runs[0]!.results.map((x) => x.suppressions)).toEqual([
      [{ kind: 'external', justification: 'Published before the notice policy; the legal desk accepts the risk.', status: 'accepted', properties: { approvedBy: 'head of the legal desk', approved: '2026-11-20', expires: '2099-03-20', waiverFile: 'legal/waivers.yaml', waiverLine: 2 } }],
    ]);
    const schema = JSON.parse(readFileSync(`${FIXTURES}schemas/sarif-schema-2.1.0.json`, 'utf8')) as object;
    const ajv = new AjvDraft04.default({ strict: false, allErrors: true });
    AjvFormats.default(ajv);
    expect(ajv.validate(schema, sarif)).toBe(true);

    const html = (await cli(['check', 'archive', '--format', 'html'], { cwd: dir })).stdout;
    const data = JSON.parse(/<script type="application\/json" id="manba-data">([^]*?)<\/script>/.exec(html)![1]!) as { str: string[]; docs: [string, ...unknown[]][] };
    const finding = (data.docs[0]![6] as number[][])[0]!;
    expect(finding[9]).toBe(1); // shown as waived, not as suppressed in the document
    expect(data.str[finding[8]!]).toBe('Published before the notice policy; the legal desk accepts the risk. (head of the legal desk, 2026-11-20 → 2099-03-20)');
  });

  it('an expired waiver waives nothing and is a warning at its place in the waiver file', async () => {
    const expired = tehranDayFromNow(-3);
    const dir = project(
      `waivers:\n  - id: LEGAL-12\n    rule: notice/altered\n    paths: ["archive/**"]\n    reason: Until the archive is re-edited.\n    approvedBy: legal desk\n    approved: 2026-01-05\n    expires: ${expired}\n`,
      { 'archive/a.txt': altered() },
    );
    const r = await cli(['check', 'archive', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    const at = positionOf(altered(), '۷۵ قانون');
    expect(report.documents.map((d) => [d.path, d.findings.map((f) => `${f.ruleId} ${f.severity} ${f.line}:${f.column}${f.waived ? ' waived' : ''}`)])).toEqual([
      ['archive/a.txt', [`notice/altered error ${at.line}:${at.column}`]],
      ['legal/waivers.yaml', ['waiver/expired warning 2:5']],
    ]);
    expect(report.documents[1]!.findings[0]!.message).toBe(`The waiver for notice/altered approved by legal desk expired on ${expired} (3 days ago); it no longer waives anything. Renew it with a new approval or remove it.`);
    expect(report.summary).toEqual({ documents: 2, errors: 1, warnings: 1 });
    // The last day still waives.
    const lastDay = project(`waivers:\n  - rule: notice/altered\n    paths: ["archive/**"]\n    reason: r\n    approvedBy: legal desk\n    approved: 2026-01-05\n    expires: ${tehranDayFromNow(0)}\n`, { 'archive/a.txt': altered() });
    expect((await cli(['check', 'archive'], { cwd: lastDay })).code).toBe(0);
  });

  it('--report-unused-waivers reports each active waiver that covered no finding', async () => {
    const waivers = `${WAIVED}  - rule: attribution
    outlet: irna
    reason: The agency allowed it in writing.
    approvedBy: legal desk
    approved: 2026-10-01
    expires: 2099-01-01
`;
    const dir = project(waivers, { 'archive/1398/old.txt': altered(), 'archive/1402/new.txt': reference() });
    const plain = await cli(['check', 'archive', '--format', 'json'], { cwd: dir });
    expect((JSON.parse(plain.stdout) as JsonReport).documents.map((d) => d.path)).toEqual(['archive/1398/old.txt', 'archive/1402/new.txt']);
    const r = await cli(['check', 'archive', '--format', 'json', '--report-unused-waivers'], { cwd: dir });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.documents.at(-1)).toEqual({
      path: 'legal/waivers.yaml',
      findings: [{ ruleId: 'waiver/unused', severity: 'warning', message: 'This waiver for attribution covered no finding in this run; remove it if it is no longer needed.', line: 8, column: 5, endLine: 8, endColumn: 5 }],
    });
  });

  it('a URL pattern covers live pages: JSON export items by their url field, and a page named by URL on standard input', async () => {
    const json = JSON.stringify(
      [
        { id: '55', title: 'old', body: altered(), url: 'https://www.titronline.ir/news/1398/55' },
        { id: '9', title: 'new', body: altered(), url: 'https://www.titronline.ir/news/1402/9' },
      ],
      null,
      1,
    );
    const dir = project(
      `waivers:\n  - rule: notice/altered\n    urls: ["https://www.titronline.ir/news/1398/*"]\n    reason: Pages of 1398, before the policy.\n    approvedBy: legal desk\n    approved: 1405/09/01\n    expires: 1406/09/01\n`,
      { 'export.json': json },
    );
    const r = await cli(['check', 'export.json', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const first = positionOf(json, '۷۵ قانون');
    const second = positionOf(json, '۷۵ قانون', json.indexOf('news/1398/55'));
    const waived = { file: 'legal/waivers.yaml', line: 2, column: 5, rule: 'notice/altered', reason: 'Pages of 1398, before the policy.', approvedBy: 'legal desk', approved: '2026-11-22', expires: '2027-11-22' };
    expect((JSON.parse(r.stdout) as JsonReport).documents.map((d) => [d.path, d.findings.map((f) => [f.ruleId, f.line, f.column, f.waived])])).toEqual([
      ['export.json#55', [['notice/altered', first.line, first.column, waived]]],
      ['export.json#9', [['notice/altered', second.line, second.column, undefined]]],
    ]);
    const live = await cli(['check', '-', '--stdin-filename', 'https://www.titronline.ir/news/1398/77.txt', '--format', 'json'], { cwd: dir, stdin: altered() });
    expect(live.code).toBe(0);
    expect((JSON.parse(live.stdout) as JsonReport).documents[0]!.findings[0]!.waived).toEqual(waived);
    const other = await cli(['check', '-', '--stdin-filename', 'https://www.titronline.ir/news/1400/1.txt'], { cwd: dir, stdin: altered() });
    expect(other.code).toBe(1);
  });

  it('the audit database records waived findings with their waiver, and the diff does not count them', async () => {
    const dir = project(WAIVED, { 'archive/1398/old.txt': altered() });
    writeFileSync(join(dir, 'manba.config.yaml'), '');
    await cli(['check', 'archive', '--record', 'audits.db'], { cwd: dir });
    writeFileSync(join(dir, 'manba.config.yaml'), 'waivers: legal/waivers.yaml\n');
    await cli(['check', 'archive', '--record', 'audits.db'], { cwd: dir });
    const diff = JSON.parse((await cli(['history', 'diff', '--db', 'audits.db', '--format', 'json'], { cwd: dir })).stdout) as { totals: object; documents: { path: string; exempted: { ruleId: string }[] }[] };
    expect(diff.totals).toEqual({ new: 0, resolved: 0, persisting: 0, exempted: 1 });
    expect(diff.documents.map((d) => [d.path, d.exempted.map((f) => f.ruleId)])).toEqual([['archive/1398/old.txt', ['notice/altered']]]);
  });

  it('manba waivers list shows each waiver with the days left', async () => {
    const soon = tehranDayFromNow(10);
    const dir = project(`${WAIVED}  - id: LEGAL-7\n    rule: byline\n    sha256: ${'ab'.repeat(32)}\n    reason: r\n    approvedBy: editor in chief\n    approved: 2026-10-01\n    expires: ${soon}\n  - rule: notice/altered\n    paths: ["x/**"]\n    reason: r2\n    approvedBy: desk\n    approved: 1405/01/01\n    expires: 1405/12/29\n`, {});
    const r = await cli(['waivers', 'list'], { cwd: dir });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`${join(dir, 'legal/waivers.yaml')}: 3 waivers (today ${tehranDayFromNow(0)})`);
    expect(lines.slice(2, 5)).toEqual(['2:5  notice  paths archive/1398/**', `    approved by head of the legal desk on 1405/08/29; expires 2099-03-20: ${Math.round((Date.parse('2099-03-20') - Date.parse(tehranDayFromNow(0))) / 86400000)} days left`, '    Published before the notice policy; the legal desk accepts the risk.']);
    expect(lines.slice(5, 7)).toEqual(['8:5  LEGAL-7  byline  sha256 abababababab…', `    approved by editor in chief on 2026-10-01; expires ${soon}: 10 days left`]);
    // 1405/12/29, the last day of 1405, is 2027-03-20.
    expect(lines[9]).toMatch(/^ {4}approved by desk on 1405\/01\/01; expires 1405\/12\/29 \(2027-03-20\): \d+ days left$/);
    const json = JSON.parse((await cli(['waivers', 'list', '--format', 'json'], { cwd: dir })).stdout) as { waivers: { daysLeft: number; expires: string }[] };
    expect(json.waivers.map((w) => w.expires)).toEqual(['2099-03-20', soon, '2027-03-20']);
    expect(json.waivers[1]!.daysLeft).toBe(10);
  });
});

describe('waiver files with problems', () => {
  it('an unknown rule id, a missing approver and impossible dates are load errors at their line and column (exit 2)', async () => {
    const dir = project(
      `waivers:
  - rule: notice/mising
    paths: ["archive/**"]
    reason: r
    approved: 1405/12/30
    expires: 2027-02-30
  - rule: attribution
    outlet: irnaa
    reason: r
    approvedBy: desk
    approved: yesterday
    expires: 2027-01-01
  - rule: notice
    reason: covers nothing
    approvedBy: desk
    approved: 2027-01-01
    expires: 2026-01-01
`,
      { 'a.txt': altered() },
    );
    const r = await cli(['check', 'a.txt'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const file = join(dir, 'legal/waivers.yaml');
    expect(r.stderr).toBe(
      [
        `${file}:2:5: waivers.0 is missing the required key "approvedBy"`,
        `${file}:2:11: waivers.0.rule: no rule of this run is "notice/mising" (did you mean "notice/missing"?)`,
        // 1405 is not a leap year: Esfand has 29 days.
        `${file}:5:15: waivers.0.approved: "1405/12/30" is no date in the ISO or the Jalali calendar`,
        `${file}:6:14: waivers.0.expires: "2027-02-30" is no date in the ISO or the Jalali calendar`,
        `${file}:8:13: waivers.1.outlet: no outlet with the id "irnaa" in the registry (did you mean "irna"?)`,
        `${file}:11:15: waivers.1.approved must match pattern "^[0-9۰-۹]{4}[-/][0-9۰-۹]{1,2}[-/][0-9۰-۹]{1,2}$"`,
        `${file}:13:5: waivers.2 covers no documents: give paths, urls, outlet or sha256`,
        `${file}:17:14: waivers.2.expires (2026-01-01) is before it was approved (2027-01-01)`,
        'manba: 8 problems in rule or config files; nothing was checked',
        '',
      ].join('\n'),
    );
    // The same problems from manba waivers list.
    expect((await cli(['waivers', 'list'], { cwd: dir })).code).toBe(2);
  });

  it('a config naming a waiver file that is not there is a load error at the config key', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'manba.config.yaml'), 'waivers: nowhere.yaml\n');
    writeFileSync(join(dir, 'a.txt'), reference());
    const r = await cli(['check', 'a.txt'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'nowhere.yaml')}:1:1: cannot read waiver file: no such file\n`);
  });

  it('dates: ISO and Jalali, Latin or Persian digits; impossible days refused', () => {
    expect(parseWaiverDate('1405/08/29')).toBe('2026-11-20');
    expect(parseWaiverDate('۱۴۰۵/۰۸/۲۹')).toBe('2026-11-20');
    expect(parseWaiverDate('1403/12/30')).toBe('2025-03-20'); // 1403 is a leap year
    expect(parseWaiverDate('2027-03-20')).toBe('2027-03-20');
    expect(parseWaiverDate('2028-02-29')).toBe('2028-02-29');
    expect(parseWaiverDate('2027-02-29')).toBeUndefined();
    expect(parseWaiverDate('1405/13/01')).toBeUndefined();
  });

  it('the published waiver schema (rules/schemas/waivers.schema.json) is the one manba validates with, titled throughout', () => {
    expect(JSON.parse(readFileSync(`${ROOT}rules/schemas/waivers.schema.json`, 'utf8'))).toEqual(waiverFileSchema);
    expect(() => new Ajv({ strict: false }).compile(waiverFileSchema)).not.toThrow();
    const item = (waiverFileSchema.properties as { waivers: { items: { properties: Record<string, { title?: string; description?: string }> } } }).waivers.items.properties;
    for (const [key, s] of Object.entries(item)) expect([key, !!s.title && !!s.description]).toEqual([key, true]);
  });
});
