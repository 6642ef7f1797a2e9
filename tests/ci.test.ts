import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, findingsByPath, reference } from './helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'manba-ci-'));
const altered = () => reference().replace('ماده ۷۴', 'ماده ۷۵');
const json = (stdout: string) => JSON.parse(stdout) as { documents: { path: string; findings: { ruleId: string; line: number; column: number; suppressed?: { reason: string } }[] }[]; summary: { errors: number; warnings: number } };

describe('suppressions in a document', () => {
  it('a reasoned manba-disable-next-line suppresses; the finding stays in JSON as suppressed; exit 0', async () => {
    const dir = tmp();
    const lines = altered().split('\n');
    lines.splice(23, 0, '<!-- manba-disable-next-line notice/altered -- the law text on this page quotes the 1399 draft -->');
    writeFileSync(join(dir, 'a.txt'), lines.join('\n'));
    const r = await cli(['check', 'a.txt', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    const doc = json(r.stdout).documents[0]!;
    expect(doc.findings).toEqual([expect.objectContaining({ ruleId: 'notice/altered', line: 25, column: 19, suppressed: { reason: 'the law text on this page quotes the 1399 draft' } })]);
    expect(json(r.stdout).summary.errors).toBe(0);
    const stylish = await cli(['check', 'a.txt'], { cwd: dir });
    expect(stylish.stdout).toContain('1 document checked, 1 passed, 1 finding suppressed in documents');
  });

  it('a suppression without a reason is itself an error and suppresses nothing', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.txt'), '# manba-disable notice\n' + altered());
    const r = await cli(['check', 'a.txt', '--format', 'json'], { cwd: dir });
    expect(findingsByPath(r.stdout)['a.txt']).toEqual(['suppression/missing-reason 1:1', 'notice/altered 25:19']);
    expect(r.code).toBe(1);
  });

  it('block form with manba-enable, unknown rule ids, and --report-unused-suppressions', async () => {
    const dir = tmp();
    const text = '# manba-disable attribution/nonsense -- typo\n# manba-disable notice/position -- nothing to hide\n' + reference();
    writeFileSync(join(dir, 'a.txt'), text);
    const r = await cli(['check', 'a.txt', '--format', 'json', '--report-unused-suppressions'], { cwd: dir });
    expect(findingsByPath(r.stdout)['a.txt']).toEqual(['suppression/unknown-rule 1:1', 'suppression/unused 1:1', 'suppression/unused 2:1']);
    const block = '# manba-disable notice -- sidebar notice\n' + altered().replace('\nمنبع خبر', '\n# manba-enable notice\nمنبع خبر');
    writeFileSync(join(dir, 'b.txt'), block);
    // The block ends before the notice, so the alteration is reported.
    expect(findingsByPath((await cli(['check', 'b.txt', '--format', 'json'], { cwd: dir })).stdout)['b.txt']).toEqual(['notice/altered 26:19']);
  });
});

describe('baseline', () => {
  it('create, then check reports only new findings, stable when lines move above; prune drops fixed ones', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.txt'), altered());
    writeFileSync(join(dir, 'b.txt'), reference().replace(/\nبا استناد[^\n]*/, ''));
    const created = await cli(['baseline', 'create', '.'], { cwd: dir });
    expect(created.stdout).toBe('wrote .manba-baseline.json: 2 findings in 2 documents\n');
    const baseline = JSON.parse(readFileSync(join(dir, '.manba-baseline.json'), 'utf8'));
    expect(baseline.entries.map((e: { path: string; ruleId: string }) => `${e.path} ${e.ruleId}`)).toEqual(['a.txt notice/altered', 'b.txt notice/missing']);

    // Lines added above, and a new problem in a.txt: only the new one is reported.
    writeFileSync(join(dir, 'a.txt'), 'یک سطر تازه\n\n' + altered().replace('مجلس شورای اسلامی و', 'هیئت وزیران و'));
    const r = await cli(['check', '.', '--baseline', '.manba-baseline.json', '--format', 'json'], { cwd: dir });
    expect(findingsByPath(r.stdout)).toEqual({ 'a.txt': ['notice/altered 26:60'], 'b.txt': [] });
    expect(r.stderr).toContain('2 findings already in the baseline not reported');

    writeFileSync(join(dir, 'b.txt'), reference());
    const pruned = await cli(['baseline', 'prune', '.'], { cwd: dir });
    expect(pruned.stdout).toBe('pruned .manba-baseline.json: removed 1 entry that no longer occurs, 1 left\n');
  });

  it('a corrupt baseline is a warning and a full check, never a silent pass', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.txt'), altered());
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    const r = await cli(['check', 'a.txt', '--baseline', 'bad.json', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(findingsByPath(r.stdout)['a.txt']).toEqual(['notice/altered 24:19']);
    expect(r.stderr).toMatch(/warning: baseline .*bad\.json: not valid JSON/);
  });
});

describe('cache', () => {
  it('skips unchanged documents, and a changed rule file invalidates it', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.txt'), altered());
    writeFileSync(join(dir, 'house.yaml'), "rules:\n  - id: house\n    kind: pattern\n    options: { pattern: 'کد خبر', mode: required }\n    checks:\n      missing: { severity: warning }\n");
    writeFileSync(join(dir, 'manba.config.yaml'), 'extends: [./house.yaml]\n');
    const first = await cli(['check', 'a.txt', '--cache', '--format', 'json'], { cwd: dir });
    expect(existsSync(join(dir, '.manba-cache'))).toBe(true);
    const second = await cli(['check', 'a.txt', '--cache', '--format', 'json'], { cwd: dir });
    expect(second.stderr).toContain('1 unchanged document taken from the cache');
    expect(findingsByPath(second.stdout)).toEqual(findingsByPath(first.stdout));
    writeFileSync(join(dir, 'house.yaml'), readFileSync(join(dir, 'house.yaml'), 'utf8').replace('warning', 'error'));
    const third = await cli(['check', 'a.txt', '--cache', '--format', 'json'], { cwd: dir });
    expect(third.stderr).not.toContain('from the cache');
    writeFileSync(join(dir, '.manba-cache'), 'garbage');
    const fourth = await cli(['check', 'a.txt', '--cache', '--format', 'json'], { cwd: dir });
    expect(fourth.stderr).toContain('warning: cache');
    expect(findingsByPath(fourth.stdout)['a.txt']).toEqual(['notice/altered 24:19', 'house/missing 24:304']);
  });

  it("an older manba's JSON cache is started anew; another program's SQLite file is left as it is", async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.txt'), altered());
    const cache = join(dir, '.manba-cache');
    writeFileSync(cache, JSON.stringify({ version: 1, key: 'k', entries: {} }));
    const first = await cli(['check', 'a.txt', '--cache', '--format', 'json'], { cwd: dir });
    expect(first.stderr).toBe(`manba: warning: cache ${cache} is from another version of manba or corrupt; checking everything, and starting it anew\n`);
    expect(readFileSync(cache).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    const second = await cli(['check', 'a.txt', '--cache', '--format', 'json'], { cwd: dir });
    expect(second.stderr).toBe('manba: 1 unchanged document taken from the cache\n');
    expect(findingsByPath(second.stdout)).toEqual(findingsByPath(first.stdout));
    // An audit database named as the cache by mistake: not touched, and the run checks everything.
    expect((await cli(['check', 'a.txt', '--record', 'audit.db', '--format', 'json'], { cwd: dir })).code).toBe(1);
    const audit = readFileSync(join(dir, 'audit.db'));
    const third = await cli(['check', 'a.txt', '--cache', '--cache-location', 'audit.db', '--format', 'json'], { cwd: dir });
    expect(third.stderr).toBe(`manba: warning: cache ${join(dir, 'audit.db')} cannot be used (a SQLite file that is not a manba cache; give another --cache-location); checking everything\n`);
    expect(third.code).toBe(1);
    expect(findingsByPath(third.stdout)['a.txt']).toEqual(['notice/altered 24:19']);
    expect(readFileSync(join(dir, 'audit.db')).equals(audit)).toBe(true);
  });
});

describe('config by path: overrides, ignorePatterns, .manbaignore', () => {
  it('the last matching override wins; ignored files are not checked, and said so', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'zendegi'));
    mkdirSync(join(dir, 'drafts'));
    writeFileSync(join(dir, 'a.txt'), altered());
    writeFileSync(join(dir, 'zendegi', 'b.txt'), altered());
    writeFileSync(join(dir, 'drafts', 'c.txt'), altered());
    writeFileSync(join(dir, 'old.txt'), altered());
    writeFileSync(
      join(dir, 'manba.config.yaml'),
      'ignorePatterns: [drafts/**]\noverrides:\n  - files: ["zendegi/**"]\n    rules: { notice/altered: off }\n  - files: ["**/b.txt"]\n    rules: { notice/altered: warn }\n    site: زندگی آنلاین\n',
    );
    writeFileSync(join(dir, '.manbaignore'), '# old pages\nold.txt\n');
    const r = await cli(['check', '.', '--format', 'json'], { cwd: dir });
    const found = findingsByPath(r.stdout);
    expect(Object.keys(found)).toEqual(['a.txt', 'zendegi/b.txt']);
    expect(found['zendegi/b.txt']).toEqual(['notice/altered 24:19', 'notice/site 24:103']);
    const j = json(r.stdout).documents[1]!.findings.map((f) => `${f.ruleId}`);
    expect(j).toEqual(['notice/altered', 'notice/site']);
    expect(r.stderr).toContain('2 files not checked (ignored by ignorePatterns in the config; ignored by .manbaignore)');
    const named = await cli(['check', 'old.txt'], { cwd: dir });
    expect(named.stderr).toContain('old.txt: ignored by .manbaignore (named on the command line, still not checked)');
  });

  it('.manbaignore applies inside its folder only, not to a folder whose name begins the same', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'site'));
    mkdirSync(join(dir, 'site-archive'));
    writeFileSync(join(dir, 'site', '.manbaignore'), 'old.txt\n');
    writeFileSync(join(dir, 'site', 'old.txt'), altered());
    writeFileSync(join(dir, 'site-archive', 'old.txt'), altered());
    const r = await cli(['check', '.', join(dir, 'site-archive'), '--format', 'json'], { cwd: join(dir, 'site') });
    expect(findingsByPath(r.stdout)).toEqual({ [join(dir, 'site-archive', 'old.txt')]: ['notice/altered 24:19'] });
    expect(r.stderr).toContain('1 file not checked (ignored by .manbaignore)');
  });

  it('a folder of the project whose name begins with two dots is inside it: .manbaignore applies there too', async () => {
    const dir = tmp();
    mkdirSync(join(dir, '..drafts'));
    writeFileSync(join(dir, '.manbaignore'), 'old.txt\n');
    writeFileSync(join(dir, '..drafts', 'old.txt'), altered());
    const r = await cli(['check', '..drafts/old.txt', '--format', 'json'], { cwd: dir });
    expect(findingsByPath(r.stdout)).toEqual({});
    expect(r.stderr).toContain('..drafts/old.txt: ignored by .manbaignore (named on the command line, still not checked)');
  });

  it('--site on the command line wins over an override\'s site, in one thread and on workers alike', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'z'));
    for (let i = 0; i < 3; i++) writeFileSync(join(dir, 'z', `${i}.txt`), reference());
    writeFileSync(join(dir, 'manba.config.yaml'), 'overrides:\n  - files: ["z/**"]\n    site: زندگی آنلاین\n');
    const byOverride = await cli(['check', 'z', '--format', 'json'], { cwd: dir });
    expect(findingsByPath(byOverride.stdout)['z/0.txt']).toEqual(['notice/site 24:103']);
    for (const jobs of ['1', '2']) {
      const r = await cli(['check', 'z', '--site', 'تیترآنلاین', '--jobs', jobs, '--format', 'json'], { cwd: dir });
      expect(Object.values(findingsByPath(r.stdout)), `--jobs ${jobs}`).toEqual([[], [], []]);
    }
  });

  it('an unknown rule id in an override is a config error at its key', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.txt'), reference());
    writeFileSync(join(dir, 'manba.config.yaml'), 'overrides:\n  - files: ["**"]\n    rules: { notice/alterd: off }\n');
    const r = await cli(['check', 'a.txt'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'manba.config.yaml')}:3:14: unknown rule id "notice/alterd" (did you mean "notice/altered"?)`);
  });
});

describe('--changed-since', () => {
  it('checks only files changed since the ref, plus untracked ones', async () => {
    const dir = tmp();
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    git('config', 'user.email', 't@example.com');
    git('config', 'user.name', 't');
    writeFileSync(join(dir, 'old.txt'), altered());
    writeFileSync(join(dir, 'edited.txt'), reference());
    git('add', '.');
    git('commit', '-qm', 'base');
    writeFileSync(join(dir, 'edited.txt'), altered());
    writeFileSync(join(dir, 'new.txt'), altered());
    const r = await cli(['check', '.', '--changed-since', 'HEAD', '--format', 'json'], { cwd: dir });
    expect(Object.keys(findingsByPath(r.stdout))).toEqual(['edited.txt', 'new.txt']);
    expect(r.stderr).toContain('1 file not checked (unchanged since HEAD)');
    const bad = await cli(['check', '.', '--changed-since', 'no-such-ref'], { cwd: dir });
    expect(bad.code).toBe(2);
  });
});

describe('formats and failing policy', () => {
  it('several formats at once, each to its place', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.txt'), altered());
    const r = await cli(['check', 'a.txt', '--format', 'compact', '--format', 'json:report.json', '--format', 'sarif:out/../report.sarif'], { cwd: dir });
    expect(r.stdout).toBe('a.txt:24:19: error notice/altered The Article 74 notice is altered (article number): expected «۷۴», found «۷۵». Use the canonical wording.\n');
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).summary.errors).toBe(1);
    expect(JSON.parse(readFileSync(join(dir, 'report.sarif'), 'utf8')).version).toBe('2.1.0');
    const two = await cli(['check', 'a.txt', '--format', 'json', '--format', 'compact'], { cwd: dir });
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('only one format can go to standard output');
  });

  it('--fail-on warning fails on a warning alone', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'manba.config.yaml'), 'rules: { notice/altered: warn }\n');
    writeFileSync(join(dir, 'a.txt'), altered());
    expect((await cli(['check', 'a.txt'], { cwd: dir })).code).toBe(0);
    expect((await cli(['check', 'a.txt', '--fail-on', 'warning'], { cwd: dir })).code).toBe(1);
    expect((await cli(['check', 'a.txt', '--fail-on', 'info'], { cwd: dir })).code).toBe(2);
  });
});

describe('suppression directives are invisible to the rules', () => {
  it('a Persian reason on the line before the notice does not become part of the notice', async () => {
    const dir = tmp();
    const lines = altered().split('\n');
    lines.splice(23, 0, '<!-- manba-disable-next-line notice/altered -- متن قانون در این صفحه از پیش‌نویس ۱۳۹۹ نقل شده است -->');
    writeFileSync(join(dir, 'a.txt'), lines.join('\n'));
    const r = await cli(['check', 'a.txt', '--format', 'json'], { cwd: dir });
    expect(json(r.stdout).documents[0]!.findings).toEqual([expect.objectContaining({ ruleId: 'notice/altered', line: 25, column: 19, suppressed: { reason: 'متن قانون در این صفحه از پیش‌نویس ۱۳۹۹ نقل شده است' } })]);
    expect(r.code).toBe(0);
  });
});

describe('the result cache (library)', () => {
  it('keeps results across runs by path and digest; a cache another run holds too long ends its use, not the run', async () => {
    const { ResultCache } = await import('../src/engine/cache.js');
    const Database = (await import('better-sqlite3')).default;
    const file = join(tmp(), 'cache');
    const result = { path: 'a.txt', findings: [], facts: { bylineDate: { jalali: '1399/04/18', valid: true } } };
    const first = new ResultCache(file, 'k');
    first.set('a.txt', 'd1', result);
    await first.save();
    const second = new ResultCache(file, 'k', 50);
    expect(second.get('a.txt', 'd1')).toEqual(result);
    expect(second.get('a.txt', 'd2')).toBeUndefined(); // other bytes
    expect(second.hits).toBe(1);
    await second.save();
    // Another run holds the file: after the wait, this one checks on without the cache and says why at the end.
    const other = new Database(file);
    other.exec('BEGIN EXCLUSIVE');
    const third = new ResultCache(file, 'k', 50);
    expect(third.warning).toMatch(/^cache .* cannot be used \(database is locked\); checking everything$/);
    other.exec('COMMIT');
    const fourth = new ResultCache(file, 'k', 50);
    expect(fourth.warning).toBeUndefined();
    other.exec('BEGIN EXCLUSIVE');
    expect(fourth.get('a.txt', 'd1')).toBeUndefined();
    expect(fourth.failure).toBe(`cache ${file} stopped being used during the run (database is locked); the documents after that were checked, not cached`);
    fourth.set('b.txt', 'd3', { ...result, path: 'b.txt' }); // no longer tried
    other.exec('COMMIT');
    await fourth.save();
    other.close();
    // Another key (rules or settings changed): every entry is stale.
    const fifth = new ResultCache(file, 'other key');
    expect(fifth.get('a.txt', 'd1')).toBeUndefined();
    await fifth.save();
  });
});
