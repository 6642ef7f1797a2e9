import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { APPLICATION_ID, SCHEMA_VERSION } from '../src/ledger/database.js';
import { diffRuns, listRuns, openLedger, sinceLastRun, startRecording } from '../src/ledger/index.js';
import { historyFormats } from '../src/ledger/formats/index.js';
import { HISTORY_FORMAT_NAMES } from '../src/cli/history.js';
import { runEvidence } from '../src/engine/evidence.js';
import { buildRuleSet } from '../src/config/load.js';
import { readPlainText } from '../src/documents/readers/text.js';
import { builtinEngine } from './helpers.js';
import { cli, FIXTURES, positionOf, reference, ROOT } from './helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'manba-history-'));
const ALTERED_75 = 'The Article 74 notice is altered (article number): expected «۷۴», found «۷۵». Use the canonical wording.';
const ALTERED_76 = 'The Article 74 notice is altered (article number): expected «۷۴», found «۷۶». Use the canonical wording.';
const MISSING = 'No Article 74 notice found. Add it to the footer, after the article.';
const SITE = 'تیترآنلاین';

const altered = (n: string) => reference().replace('ماده ۷۴', `ماده ${n}`);
const withoutNotice = () => reference().replace(/\nبا استناد[^\n]*/, '');
/** Where the notice number stands in the reference article (counted here, not by manba). */
const noticeAt = () => positionOf(reference(), '۷۴ قانون');
/** A missing notice is reported just after the last line of the article. */
const endOf = (text: string) => {
  const lines = text.trimEnd().split('\n');
  return { line: lines.length, column: lines.at(-1)!.length + 1 };
};

function write(dir: string, files: Record<string, string | null>) {
  for (const [name, text] of Object.entries(files)) {
    const p = join(dir, name);
    if (text === null) rmSync(p);
    else {
      mkdirSync(join(p, '..'), { recursive: true });
      writeFileSync(p, text);
    }
  }
}

interface DiffJson {
  from: { id: number };
  to: { id: number };
  totals: { new: number; resolved: number; persisting: number; exempted: number };
  notChecked: number;
  documents: { path: string; outlet?: string; site?: string; new: unknown[]; resolved: unknown[]; persisting: unknown[]; exempted: unknown[] }[];
  bySite: unknown[];
  byOutlet: unknown[];
}

/** Two audits of one archive: a document broken, one fixed, one unchanged, one removed, one added. */
async function twoAudits(extra: string[] = []) {
  const dir = tmp();
  write(dir, { 'archive/a.txt': reference(), 'archive/b.txt': altered('۷۵'), 'archive/c.txt': withoutNotice(), 'archive/d.txt': altered('۷۵') });
  const first = await cli(['check', 'archive', '--record', 'audits.db', ...extra], { cwd: dir });
  write(dir, { 'archive/a.txt': altered('۷۶'), 'archive/b.txt': reference(), 'archive/d.txt': null, 'archive/e.txt': withoutNotice() });
  const second = await cli(['check', 'archive', '--record', 'audits.db', ...extra], { cwd: dir });
  return { dir, first, second };
}

describe('the formats of manba history', () => {
  it('are offered by the names the CLI knows before loading them', () => {
    expect(historyFormats.map((f) => f.name)).toEqual([...HISTORY_FORMAT_NAMES]);
  });

  it('a diff is read a document at a time, again at each reading, and its JSON is written in pieces as JSON.stringify writes it whole', async () => {
    const { dir } = await twoAudits();
    const db = openLedger(join(dir, 'audits.db'), { create: false });
    try {
      const [one, two] = listRuns(db);
      const diff = diffRuns(db, one!, two!);
      const documents = [...diff.documents];
      expect(documents.map((d) => d.path)).toEqual(['archive/a.txt', 'archive/b.txt', 'archive/c.txt', 'archive/e.txt']);
      // A second diff on the same connection (its own temporary tables) leaves the first one readable.
      const back = diffRuns(db, two!, one!);
      expect([...diff.documents]).toEqual(documents);
      expect([...back.documents].map((d) => `${d.path} +${d.new.length} -${d.resolved.length} =${d.persisting.length}`)).toEqual([
        'archive/a.txt +0 -1 =0',
        'archive/b.txt +1 -0 =0',
        'archive/c.txt +0 -0 =1',
        // In the first run only: new, going backwards. e.txt, in the second only, was not checked by the first.
        'archive/d.txt +1 -0 =0',
      ]);
      const tool = { name: 'manba', version: 'test' };
      const json = historyFormats.find((f) => f.name === 'json')!;
      const pieces = [...json.diff(diff, tool)];
      expect(pieces.length).toBe(documents.length + 2);
      expect(pieces.join('')).toBe(JSON.stringify({ tool, ...diff, documents }, null, 2) + '\n');
      // No document at all: an empty array, as JSON.stringify writes it.
      const none = { ...diff, documents: [] };
      expect([...json.diff(none, tool)].join('')).toBe(JSON.stringify({ tool, ...none }, null, 2) + '\n');
      // Released, a diff's temporary tables are gone, and its documents can no longer be read; the other's can.
      const tables = () => (db.prepare("SELECT name FROM temp.sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
      expect(tables()).toHaveLength(4);
      diff.release();
      expect(tables()).toHaveLength(2);
      expect(() => [...diff.documents]).toThrow(/no such table/);
      expect([...back.documents]).toHaveLength(4);
      back.release();
      expect(tables()).toEqual([]);
    } finally {
      db.close();
    }
  });
});

describe('recording audits and the diff between them', () => {
  it('lists exactly the new, resolved and persisting findings by document and rule, with totals per site and outlet', async () => {
    const { dir, first, second } = await twoAudits();
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('manba: recorded as run 1 in audits.db');
    expect(second.stderr).toContain('manba: recorded as run 2 in audits.db');
    const r = await cli(['history', 'diff', '--db', 'audits.db', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    const diff = JSON.parse(r.stdout) as DiffJson;
    const at = noticeAt();
    const end = endOf(withoutNotice());
    const f = (ruleId: string, pos: { line: number; column: number }, en: string) => expect.objectContaining({ ruleId, severity: 'error', line: pos.line, column: pos.column, message: expect.objectContaining({ en }) });
    expect(diff.from.id).toBe(1);
    expect(diff.to.id).toBe(2);
    expect(diff.documents).toEqual([
      { path: 'archive/a.txt', outlet: 'irna', site: SITE, new: [f('notice/altered', at, ALTERED_76)], resolved: [], persisting: [], exempted: [] },
      { path: 'archive/b.txt', outlet: 'irna', site: SITE, new: [], resolved: [f('notice/altered', at, ALTERED_75)], persisting: [], exempted: [] },
      { path: 'archive/c.txt', outlet: 'irna', site: SITE, new: [], resolved: [], persisting: [f('notice/missing', end, MISSING)], exempted: [] },
      { path: 'archive/e.txt', outlet: 'irna', site: SITE, new: [f('notice/missing', end, MISSING)], resolved: [], persisting: [], exempted: [] },
    ]);
    // d.txt was removed: its finding is neither resolved nor persisting.
    expect(diff.notChecked).toBe(1);
    expect(diff.totals).toEqual({ new: 2, resolved: 1, persisting: 1, exempted: 0 });
    expect(diff.bySite).toEqual([{ site: SITE, new: 2, resolved: 1, persisting: 1, exempted: 0 }]);
    expect(diff.byOutlet).toEqual([{ outlet: 'irna', new: 2, resolved: 1, persisting: 1, exempted: 0 }]);

    // The same diff for people, and with explicit runs; run 1 against itself changes nothing.
    const stylish = await cli(['history', 'diff', '--db', 'audits.db', '--from', '1', '--to', '2'], { cwd: dir });
    expect(stylish.stdout).toContain(`archive/a.txt  (irna)\n  + ${at.line}:${at.column}   error    notice/altered  ${ALTERED_76}\n`);
    expect(stylish.stdout).toContain(`archive/b.txt  (irna)\n  - ${at.line}:${at.column}   error    notice/altered  ${ALTERED_75}\n`);
    expect(stylish.stdout).toContain('2 new findings, 1 resolved, 1 persisting; 1 document of run 1 not checked in run 2\n');
    const same = JSON.parse((await cli(['history', 'diff', '--db', 'audits.db', '--from', '1', '--to', '1', '--format', 'json'], { cwd: dir })).stdout) as DiffJson;
    expect(same.totals).toEqual({ new: 0, resolved: 0, persisting: 3, exempted: 0 });

    const csv = (await cli(['history', 'diff', '--db', 'audits.db', '--format', 'csv'], { cwd: dir })).stdout.replace('\uFEFF', '').trimEnd().split('\r\n');
    expect(csv).toEqual([
      'change,document,url,outlet,site,rule,severity,line,column,message',
      `new,archive/a.txt,,irna,${SITE},notice/altered,error,${at.line},${at.column},"${ALTERED_76}"`,
      `resolved,archive/b.txt,,irna,${SITE},notice/altered,error,${at.line},${at.column},"${ALTERED_75}"`,
      `persisting,archive/c.txt,,irna,${SITE},notice/missing,error,${end.line},${end.column},"${MISSING}"`,
      `new,archive/e.txt,,irna,${SITE},notice/missing,error,${end.line},${end.column},"${MISSING}"`,
    ]);
  });

  it('stores the run evidence and each document, never the article text', async () => {
    const { dir } = await twoAudits();
    const report = JSON.parse((await cli(['check', 'archive', '--format', 'json'], { cwd: dir })).stdout) as { run: { ruleSetSha256: string; registrySha256: string }; documents: { path: string; sha256: string }[] };
    const db = new Database(join(dir, 'audits.db'), { readonly: true });
    const runs = db.prepare('SELECT * FROM runs ORDER BY id').all() as { manba_version: string; status: string; rule_set_sha256: string; registry_sha256: string; settings: string; documents: number; errors: number }[];
    expect(runs.map((r) => [r.status, r.documents, r.errors])).toEqual([
      ['complete', 4, 3],
      ['complete', 4, 3],
    ]);
    expect(runs[1]!.manba_version).toBe(JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')).version);
    expect(runs[1]!.rule_set_sha256).toBe(report.run.ruleSetSha256);
    expect(runs[1]!.registry_sha256).toBe(report.run.registrySha256);
    expect(JSON.parse(runs[1]!.settings)).toEqual({ lang: 'en' });
    const docs = db.prepare("SELECT path, hex(sha256) AS sha, format FROM documents WHERE run_id = 2 ORDER BY path").all() as { path: string; sha: string; format: string }[];
    expect(docs).toEqual(report.documents.map((d) => ({ path: d.path, sha: d.sha256.toUpperCase(), format: 'text' })));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    db.close();
    // The database holds no sentence of the articles (their first line, the notice's wording).
    const bytes = Buffer.concat([readFileSync(join(dir, 'audits.db')), existsSync(join(dir, 'audits.db-wal')) ? readFileSync(join(dir, 'audits.db-wal')) : Buffer.alloc(0)]);
    for (const line of [reference().split('\n')[0]!, 'مصوب ۱۳۸۲/۱۰/۱۷ مجلس شورای اسلامی']) expect(bytes.includes(Buffer.from(line))).toBe(false);
  });

  it('trend: per run the documents, compliant share, findings by family and by outlet; runs lists them', async () => {
    const { dir } = await twoAudits();
    const t = JSON.parse((await cli(['history', 'trend', '--db', 'audits.db', '--format', 'json'], { cwd: dir })).stdout) as { runs: { run: { id: number }; documents: number; compliant: number; compliantShare: number; byFamily: object; byOutlet: object }[] };
    expect(t.runs.map(({ run, ...p }) => ({ id: run.id, ...p }))).toEqual([
      { id: 1, documents: 4, compliant: 1, compliantShare: 0.25, byFamily: { notice: 3 }, byOutlet: { irna: { documents: 4, failing: 3, findings: 3 } } },
      { id: 2, documents: 4, compliant: 1, compliantShare: 0.25, byFamily: { notice: 3 }, byOutlet: { irna: { documents: 4, failing: 3, findings: 3 } } },
    ]);
    const runs = await cli(['history', 'runs', '--db', 'audits.db'], { cwd: dir });
    const rows = runs.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^ run {2}started \(UTC\) +status +command +documents +errors +warnings +manba +site$/);
    expect(rows.slice(1).map((l) => l.trim().split(/\s+/).filter((_, i) => i !== 1 && i !== 2))).toEqual([
      ['1', 'complete', 'check', '4', '3', '0', '0.1.0'],
      ['2', 'complete', 'check', '4', '3', '0', '0.1.0'],
    ]);
    const html = (await cli(['history', 'trend', '--db', 'audits.db', '--format', 'html'], { cwd: dir })).stdout;
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="fa" dir="rtl">/);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/\b(?:src|href)=/);
    expect(html.match(/<circle /g)).toHaveLength(2);
    expect(html).toContain('<title>run 1: 25.0%</title>');
    expect(html).toContain('id="lang-toggle"');
  });

  it('the HTML diff and the audit report\'s "since the last audit" section show new and resolved findings', async () => {
    const { dir } = await twoAudits();
    const page = (await cli(['history', 'diff', '--db', 'audits.db', '--format', 'html'], { cwd: dir })).stdout;
    expect(page).toMatch(/^<!DOCTYPE html>\n<html lang="fa" dir="rtl">/);
    const rows = [...page.matchAll(/<tr class="change-(\w+)"><td class="path"><bdi>([^<]+)<\/bdi><\/td><td><span data-i18n="\w+">[^<]+<\/span><\/td><td><code>([^<]+)<\/code><\/td><td class="num">(\d+:\d+)<\/td>/g)].map((m) => m.slice(1).join(' '));
    const at = `${noticeAt().line}:${noticeAt().column}`;
    const end = `${endOf(withoutNotice()).line}:${endOf(withoutNotice()).column}`;
    expect(rows).toEqual([`new archive/a.txt notice/altered ${at}`, `resolved archive/b.txt notice/altered ${at}`, `new archive/e.txt notice/missing ${end}`]);
    expect(page).toContain(`<span data-lang="en" dir="ltr" hidden>${ALTERED_76.replace(/</g, '&lt;')}</span>`);

    // A third audit, written as HTML: since run 2, c.txt is fixed and b.txt broken again.
    write(dir, { 'archive/c.txt': reference(), 'archive/b.txt': altered('۷۵') });
    const r = await cli(['check', 'archive', '--record', 'audits.db', '--format', 'html:report.html'], { cwd: dir });
    expect(r.code).toBe(1);
    const report = readFileSync(join(dir, 'report.html'), 'utf8');
    const section = /<section id="since-last">([^]*?)<\/section>/.exec(report)![1]!;
    expect(section).toContain('<span data-lang="en" dir="ltr" hidden>Compared with run 2 of ');
    expect(section).toMatch(/<span data-i18n="newFindings">[^<]+<\/span>: 1<\/h3>/);
    expect(section).toMatch(/<span data-i18n="resolvedFindings">[^<]+<\/span>: 1<\/h3>/);
    const listed = [...section.matchAll(/<tr><td class="path"><bdi>([^<]+)<\/bdi><\/td><td><code>([^<]+)<\/code><\/td><td class="num">([\d:]+)<\/td>/g)].map((m) => m.slice(1).join(' '));
    expect(listed).toEqual([`archive/b.txt notice/altered ${at}`, `archive/c.txt notice/missing ${end}`]);
  });

  it('since the last audit, the report keeps the first rows of each list and counts them all', async () => {
    const { dir } = await twoAudits();
    // Run 2 against run 1: a.txt altered and e.txt without a notice are new, b.txt fixed is resolved.
    const since = sinceLastRun(join(dir, 'audits.db'), 2, 1);
    expect(since.counts).toEqual({ new: 2, resolved: 1 });
    expect(since.new.map((f) => `${f.path} ${f.ruleId}`)).toEqual(['archive/a.txt notice/altered']);
    expect(since.resolved.map((f) => `${f.path} ${f.ruleId}`)).toEqual(['archive/b.txt notice/altered']);
    expect(sinceLastRun(join(dir, 'audits.db'), 2).new.map((f) => f.path)).toEqual(['archive/a.txt', 'archive/e.txt']);
    const { htmlReporter } = await import('../src/report/html.js');
    const page = htmlReporter.format({ tool: { name: 'manba', version: '0' }, documents: [], summary: { documents: 0, errors: 0, warnings: 0 }, sinceLast: since }, { color: false, showPassing: true });
    const section = /<section id="since-last">([^]*?)<\/section>/.exec(page)![1]!;
    expect(section).toMatch(/<span data-i18n="newFindings">[^<]+<\/span>: 2<\/h3>/);
    expect(section).toContain('<span data-lang="en" dir="ltr" hidden>and 1 more (all of them in manba history diff)</span>');
    expect(section.match(/<tr><td class="path">/g)).toHaveLength(2);
  });

  it('two runs recording into one database at once both land complete', async () => {
    const dir = tmp();
    const N = 1500;
    for (const side of ['left', 'right']) {
      mkdirSync(join(dir, side));
      for (let i = 0; i < N; i++) writeFileSync(join(dir, side, `${String(i).padStart(4, '0')}.txt`), side === 'left' && i % 2 === 0 ? altered('۷۵') : reference());
    }
    const run = (side: string) =>
      new Promise<{ code: number | null; stderr: string }>((done) => {
        const child = spawn(process.execPath, [`${ROOT}bin/manba.js`, 'check', side, '--record', 'audits.db', '--jobs', '1', '--format', 'compact'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (code) => done({ code, stderr }));
      });
    const [left, right] = await Promise.all([run('left'), run('right')]);
    expect([left.code, right.code]).toEqual([1, 0]);
    const db = new Database(join(dir, 'audits.db'), { readonly: true });
    const runs = db.prepare('SELECT r.status, r.documents, r.errors, (SELECT count(*) FROM documents d WHERE d.run_id = r.id) AS rows, (SELECT min(path) FROM documents d WHERE d.run_id = r.id) AS first FROM runs r ORDER BY first').all();
    expect(runs).toEqual([
      { status: 'complete', documents: N, errors: N / 2, rows: N, first: 'left/0000.txt' },
      { status: 'complete', documents: N, errors: 0, rows: N, first: 'right/0000.txt' },
    ]);
    expect(db.prepare("SELECT count(*) AS n FROM findings f JOIN documents d ON d.id = f.document_id JOIN texts t ON t.id = f.rule WHERE t.text = 'notice/altered'").get()).toEqual({ n: N / 2 });
    db.close();
  }, 120_000);
});

describe('bad database files', () => {
  it('a corrupt file is an error naming it; the run goes on and its report is written (exit 2)', async () => {
    const dir = tmp();
    write(dir, { 'a.txt': altered('۷۵') });
    writeFileSync(join(dir, 'audits.db'), 'this is not a database, it is a note to self\n'.repeat(200));
    const r = await cli(['check', 'a.txt', '--record', 'audits.db', '--format', 'json:report.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`manba: ${join(dir, 'audits.db')}: not an audit database (the file is not SQLite, or it is damaged): file is not a database; the run is not recorded\n`);
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).summary).toEqual({ documents: 1, errors: 1, warnings: 0 });
    // Left as it was.
    expect(readFileSync(join(dir, 'audits.db'), 'utf8')).toBe('this is not a database, it is a note to self\n'.repeat(200));
    const h = await cli(['history', 'runs', '--db', 'audits.db'], { cwd: dir });
    expect(h.code).toBe(2);
    expect(h.stderr).toContain(`${join(dir, 'audits.db')}: not an audit database`);
  });

  it('a SQLite file of another program, and one from a newer manba, are refused by name', async () => {
    const dir = tmp();
    write(dir, { 'a.txt': reference() });
    const foreign = new Database(join(dir, 'foreign.db'));
    foreign.exec('CREATE TABLE invoices (id INTEGER)');
    foreign.close();
    const newer = new Database(join(dir, 'newer.db'));
    newer.pragma(`application_id = ${APPLICATION_ID}`);
    newer.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    newer.close();
    const f = await cli(['check', 'a.txt', '--record', 'foreign.db'], { cwd: dir });
    expect(f.code).toBe(2);
    expect(f.stderr).toContain(`${join(dir, 'foreign.db')}: not a manba audit database (a SQLite file of another program)`);
    expect(f.stdout).toContain('✓ a.txt');
    const n = await cli(['check', 'a.txt', '--record', 'newer.db'], { cwd: dir });
    expect(n.code).toBe(2);
    expect(n.stderr).toContain(`${join(dir, 'newer.db')}: made by a newer manba (database schema version ${SCHEMA_VERSION + 1}; this manba reads up to version ${SCHEMA_VERSION}); upgrade manba to use it`);
    const missing = await cli(['history', 'diff', '--db', 'none.db'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`${join(dir, 'none.db')}: no such audit database`);
    expect(existsSync(join(dir, 'none.db'))).toBe(false);
  });

  it('diff needs two complete runs, and names the run it cannot use', async () => {
    const dir = tmp();
    write(dir, { 'a.txt': reference() });
    await cli(['check', 'a.txt', '--record', 'audits.db'], { cwd: dir });
    const one = await cli(['history', 'diff', '--db', 'audits.db'], { cwd: dir });
    expect(one.code).toBe(2);
    expect(one.stderr).toBe('manba: run 1 is the first complete run; there is nothing to compare it with\n');
    const none = await cli(['history', 'diff', '--db', 'audits.db', '--from', '7'], { cwd: dir });
    expect(none.stderr).toBe('manba: no run 7 in the database (manba history runs lists them)\n');
    expect((await cli(['history', 'diff', '--db', 'audits.db', '--from', 'last'], { cwd: dir })).stderr).toBe('manba: --from takes a run number (manba history runs lists them), not "last"\n');
  });
});

/** A recording of the built-in rules started in a new database, made by the library as a run makes it. */
async function newRecording() {
  const file = join(tmp(), 'audits.db');
  const config = { extends: [], builtins: true, rules: {} };
  const evidence = runEvidence(await buildRuleSet(config), config, new Date(), { lang: 'en' });
  return { file, evidence, recording: startRecording(file, evidence, 'check') };
}

describe('a write that fails midway', () => {
  it('ends recording with an error naming the file; the run stays unfinished and history ignores it', async () => {
    const { file, evidence, recording } = await newRecording();
    expect(recording.error).toBeUndefined();
    const engine = await builtinEngine();
    recording.add(engine.check(readPlainText('a.txt', altered('۷۵'))));
    // Another program breaks the database under the run.
    const other = new Database(file);
    other.exec('DROP TABLE findings');
    other.close();
    recording.add(engine.check(readPlainText('b.txt', reference())));
    recording.finish(evidence, false);
    expect(recording.finished).toBe(false);
    expect(recording.error).toBe(`${file}: recording failed: no such table: findings; the run is not complete in the database`);
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT status FROM runs').all()).toEqual([{ status: 'recording' }]);
    db.close();
  });
});

describe('schema migrations', () => {
  it('a version-1 database (tests/fixtures/ledger) is migrated and its run compared with a new one', async () => {
    const dir = tmp();
    copyFileSync(`${FIXTURES}ledger/audits-v1.db`, join(dir, 'audits.db'));
    write(dir, { 'archive/a.txt': altered('۷۶'), 'archive/b.txt': reference() });
    const before = new Database(join(dir, 'audits.db'), { readonly: true });
    expect(before.pragma('user_version', { simple: true })).toBe(1);
    before.close();
    const r = await cli(['check', 'archive', '--record', 'audits.db'], { cwd: dir });
    expect(r.stderr).toContain('recorded as run 2 in audits.db');
    const diff = JSON.parse((await cli(['history', 'diff', '--db', 'audits.db', '--format', 'json'], { cwd: dir })).stdout) as DiffJson;
    expect(diff.from.id).toBe(1);
    expect(diff.documents.map((d) => [d.path, d.new.length, d.resolved.length, d.persisting.length])).toEqual([
      ['archive/a.txt', 1, 0, 0],
      ['archive/b.txt', 0, 1, 0],
    ]);
    // The migrated file has exactly the schema of a file made new.
    write(dir, { 'x.txt': reference() });
    await cli(['check', 'x.txt', '--record', 'fresh.db'], { cwd: dir });
    const schema = (file: string) => {
      const db = new Database(join(dir, file), { readonly: true });
      const rows = db.prepare("SELECT type, name, tbl_name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all();
      const columns = db.prepare("SELECT m.name AS t, p.name, p.type, p.pk FROM sqlite_schema m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY m.name, p.cid").all();
      const version = db.pragma('user_version', { simple: true });
      db.close();
      return { rows, columns, version };
    };
    expect(schema('audits.db')).toEqual(schema('fresh.db'));
    expect(schema('audits.db').version).toBe(SCHEMA_VERSION);
  });
});

const CHROMIUM = '/usr/bin/chromium';
describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('history pages in a real browser (Chromium)', () => {
  it('the diff page runs its toggle under its CSP: Persian right to left, English left to right with #lang=en', { timeout: 90_000 }, async () => {
    const { dir } = await twoAudits();
    await cli(['history', 'diff', '--db', 'audits.db', '--format', 'html', '--output', 'diff.html'], { cwd: dir });
    const dom = async (hash: string) => {
      const profile = mkdtempSync(join(tmpdir(), 'manba-history-chromium-'));
      const { stdout } = await promisify(execFile)(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--dump-dom', `file://${join(dir, 'diff.html')}${hash}`], { maxBuffer: 16 * 1024 * 1024, timeout: 60_000 });
      rmSync(profile, { recursive: true, force: true });
      return stdout.replace(/<script\b[^>]*>[^]*?<\/script>/g, '');
    };
    const fa = await dom('');
    expect(fa).toMatch(/<html lang="fa" dir="rtl">/);
    expect(fa).toContain('<h2 data-i18n="byDocument">بر پایهٔ سند و قاعده</h2>');
    const en = await dom('#lang=en');
    expect(en).toMatch(/<html lang="en" dir="ltr">/);
    expect(en).toContain('<h2 data-i18n="byDocument">By document and rule</h2>');
    expect(en).toContain(`<span data-lang="en" dir="ltr">${ALTERED_76}</span>`);
    expect(en).toMatch(/<span data-lang="fa" dir="rtl" hidden="">/);
  });
});

describe('recording an archive of many messages', () => {
  it('stores each finding with its own message past the texts it remembers (10,000), and each text once', async () => {
    const { file, evidence, recording } = await newRecording();
    const N = 12_000;
    const finding = (i: number) => ({ ruleId: 'house/quote', severity: 'error' as const, message: `quote ${i}`, messages: { en: `quote ${i}`, fa: `نقل ${i % 7}` }, line: 1, column: 1, endLine: 1, endColumn: 2 });
    for (let i = 0; i < N; i++) recording.add({ path: `d${i}.txt`, findings: [finding(i)] });
    recording.finish(evidence, false);
    expect(recording.error).toBeUndefined();
    const db = new Database(file, { readonly: true });
    const rows = db.prepare('SELECT d.path, en.text AS en, fa.text AS fa FROM findings f JOIN documents d ON d.id = f.document_id JOIN texts en ON en.id = f.message_en JOIN texts fa ON fa.id = f.message_fa ORDER BY f.rowid').all() as { path: string; en: string; fa: string }[];
    expect(rows).toHaveLength(N);
    expect(rows.every((r, i) => r.path === `d${i}.txt` && r.en === `quote ${i}` && r.fa === `نقل ${i % 7}`)).toBe(true);
    // The rule id, 12,000 English messages and 7 Persian ones: a text forgotten and met again is not stored twice.
    expect((db.prepare('SELECT count(*) AS n FROM texts').get() as { n: number }).n).toBe(1 + N + 7);
    db.close();
  });
});
