import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { fixText } from '../src/index.js';
import { fixFiles, writeFixed } from '../src/fix/files.js';
import { checkInputs, shardOf } from '../src/engine/run.js';
import { builtinEngine, cli, FIXTURES, reference, ROOT } from './helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'manba-fix-'));
const NOTICE_LINE = /\nبا استناد[^\n]*/;
const ATTRIBUTION_LINE = 'منبع خبر "ایرنا" است و موتور جستجوگر خبر تیترآنلاین در قبال محتوای آن هیچ مسئولیتی ندارد. (ادامه)';
const CANONICAL =
  'با استناد به ماده ۷۴ قانون تجارت الکترونیک مصوب ۱۳۸۲/۱۰/۱۷ مجلس شورای اسلامی و با عنایت به اینکه سایت تیترآنلاین مصداق بستر مبادلات الکترونیکی متنی، صوتی و تصویری است، مسئولیت نقض حقوق تصریح شده مولفان از قبیل تکثیر، اجرا و توزیع و یا هرگونه محتوای خلاف قوانین کشور ایران بر عهده منبع خبر و کاربران است.';

/** Every failing example a fix repairs; a new one only needs its expected file in tests/fixtures/fixed/. */
const TWINS = readdirSync(`${ROOT}examples`)
  .filter((n) => /^fail-notice-.*\.txt$/.test(n) || n === 'fail-attribution-missing.txt')
  .sort();

describe('fixed twins of the examples', () => {
  it('covers every fail-notice-* example and fail-attribution-missing', () => {
    expect(TWINS).toContain('fail-notice-missing.txt');
    expect(TWINS).toContain('fail-attribution-missing.txt');
    expect(TWINS.length).toBeGreaterThanOrEqual(8);
  });

  for (const name of TWINS) {
    it(`${name}: --fix on a copy passes and is byte-equal to tests/fixtures/fixed/${name}`, async () => {
      const expectedPath = `${FIXTURES}fixed/${name}`;
      expect(existsSync(expectedPath), `add the fixed twin tests/fixtures/fixed/${name} (read it by eye first)`).toBe(true);
      const dir = tmp();
      copyFileSync(`${ROOT}examples/${name}`, join(dir, name));
      const r = await cli(['check', name, '--fix'], { cwd: dir });
      expect(r.stdout).toBe(`✓ ${name}\n✓ 1 document checked, 1 passed, no problems\n`);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('manba: fixed 1 problem in 1 file\n');
      expect(readFileSync(join(dir, name)).equals(readFileSync(expectedPath))).toBe(true);
      // A second --fix changes nothing.
      const again = await cli(['check', name, '--fix'], { cwd: dir });
      expect(again.stderr).toBe('');
      expect(readFileSync(join(dir, name)).equals(readFileSync(expectedPath))).toBe(true);
    });
  }

  it('the notice examples come back as the reference article itself (each differs from it in the notice only)', () => {
    for (const name of TWINS.filter((n) => n.startsWith('fail-notice-'))) {
      expect(readFileSync(`${FIXTURES}fixed/${name}`, 'utf8'), name).toBe(readFileSync(`${ROOT}examples/pass-reference-titronline-irna.txt`, 'utf8'));
    }
    // The attribution line written is the rule's form, without the page's «(ادامه)» link.
    expect(readFileSync(`${FIXTURES}fixed/fail-attribution-missing.txt`, 'utf8')).toBe(reference().replace(ATTRIBUTION_LINE, ATTRIBUTION_LINE.replace(' (ادامه)', '')));
  });
});

describe('manba check --fix-dry-run', () => {
  it('prints the diff the README shows, changes nothing, and reports what would be left (exit 0)', async () => {
    const before = readFileSync(`${ROOT}examples/fail-notice-missing.txt`);
    const r = await cli(['check', 'examples/fail-notice-missing.txt', '--fix-dry-run']);
    expect(readFileSync(`${ROOT}examples/fail-notice-missing.txt`).equals(before)).toBe(true);
    expect(r.code).toBe(0);
    const lines = reference().split('\n');
    expect(r.stdout).toBe(
      [
        '--- a/examples/fail-notice-missing.txt',
        '+++ b/examples/fail-notice-missing.txt',
        '@@ -20,4 +20,5 @@',
        ' ',
        ` ${lines[20]}`,
        ' ',
        `-${ATTRIBUTION_LINE}`,
        '\\ No newline at end of file',
        `+${ATTRIBUTION_LINE}`,
        `+${CANONICAL}`,
        '\\ No newline at end of file',
        '',
        '✓ examples/fail-notice-missing.txt',
        '✓ 1 document checked, 1 passed, no problems',
        '',
      ].join('\n'),
    );
    expect(r.stderr).toBe('manba: --fix-dry-run: 1 problem in 1 file would be fixed; nothing was written\n');
    // The README shows this very output.
    const readme = readFileSync(`${ROOT}README.md`, 'utf8');
    expect(readme).toContain('$ manba check examples/fail-notice-missing.txt --fix-dry-run\n' + r.stdout);
  });

  it('shows a suggestion apart, never applies it; --fix-suggestions does', async () => {
    const dir = tmp();
    copyFileSync(`${ROOT}examples/fail-attribution-mismatch.txt`, join(dir, 'm.txt'));
    const dry = await cli(['check', 'm.txt', '--fix-dry-run'], { cwd: dir });
    expect(dry.stdout).toContain('# suggestion, not applied by --fix (a person decides; --fix-suggestions applies it):\n--- a/m.txt\n+++ b/m.txt\n');
    expect(dry.stdout).toContain('\n-منبع خبر "ایسنا" است');
    expect(dry.stdout).toContain('\n+منبع خبر "ایرنا" است');
    expect(dry.stdout).toMatch(/23:11 {2}error {4}The attribution names «ایسنا», .* attribution\/mismatch {2}\(suggestion\)\n/);
    expect(dry.code).toBe(1);
    const fixed = await cli(['check', 'm.txt', '--fix'], { cwd: dir });
    expect(fixed.code).toBe(1);
    expect(readFileSync(join(dir, 'm.txt')).equals(readFileSync(`${ROOT}examples/fail-attribution-mismatch.txt`))).toBe(true);
    const applied = await cli(['check', 'm.txt', '--fix', '--fix-suggestions'], { cwd: dir });
    expect(applied.code).toBe(0);
    expect(readFileSync(join(dir, 'm.txt'), 'utf8')).toBe(readFileSync(`${ROOT}examples/pass-reference-titronline-irna.txt`, 'utf8'));
  });
  it('each diff comes just before its own file in a report that streams to standard output', async () => {
    const dir = tmp();
    copyFileSync(`${ROOT}examples/fail-notice-missing.txt`, join(dir, 'a.txt'));
    copyFileSync(`${ROOT}examples/fail-attribution-mismatch.txt`, join(dir, 'm.txt'));
    copyFileSync(`${ROOT}examples/fail-notice-missing.txt`, join(dir, 'z.txt'));
    const r = await cli(['check', 'a.txt', 'm.txt', 'z.txt', '--fix-dry-run', '--format', 'compact'], { cwd: dir });
    expect(r.code).toBe(1);
    // a.txt and z.txt are fixed whole; m.txt's suggestion is shown, and what is left in it (compact prints only
    // findings) follows its diff, before z.txt's.
    expect(r.stdout.split('\n').filter((l) => /^(--- a\/|# suggestion|\w\.txt:)/.test(l)).map((l) => l.replace(/ The attribution names.*/, ''))).toEqual([
      '--- a/a.txt',
      '# suggestion, not applied by --fix (a person decides; --fix-suggestions applies it):',
      '--- a/m.txt',
      'm.txt:23:11: error attribution/mismatch',
      '--- a/z.txt',
    ]);
    expect(r.stderr).toBe('manba: --fix-dry-run: 2 problems in 2 files would be fixed; nothing was written\n');
  });
});

describe('fixing on worker threads (--jobs 2)', () => {
  /** a.txt and z.txt without the notice (fixable), m.txt with another outlet named (a suggestion only), ok.txt passing. */
  const folder = () => {
    const dir = tmp();
    copyFileSync(`${ROOT}examples/fail-notice-missing.txt`, join(dir, 'a.txt'));
    copyFileSync(`${ROOT}examples/fail-attribution-mismatch.txt`, join(dir, 'm.txt'));
    copyFileSync(`${ROOT}examples/pass-reference-titronline-irna.txt`, join(dir, 'ok.txt'));
    copyFileSync(`${ROOT}examples/fail-notice-missing.txt`, join(dir, 'z.txt'));
    return dir;
  };

  it('a dry run on workers prints the diffs and the report of one thread, each diff before its file', async () => {
    const dir = folder();
    const one = await cli(['check', '.', '--fix-dry-run', '--jobs', '1', '--format', 'compact'], { cwd: dir });
    const two = await cli(['check', '.', '--fix-dry-run', '--jobs', '2', '--format', 'compact'], { cwd: dir });
    expect(two).toEqual(one);
    expect(two.stdout.split('\n').filter((l) => /^(--- a\/|# suggestion|\w+\.txt:)/.test(l)).map((l) => l.replace(/ The attribution names.*/, ''))).toEqual([
      '--- a/a.txt',
      '# suggestion, not applied by --fix (a person decides; --fix-suggestions applies it):',
      '--- a/m.txt',
      'm.txt:23:11: error attribution/mismatch',
      '--- a/z.txt',
    ]);
    expect(two.stderr).toBe('manba: --fix-dry-run: 2 problems in 2 files would be fixed; nothing was written\n');
    expect(readFileSync(join(dir, 'a.txt')).equals(readFileSync(`${ROOT}examples/fail-notice-missing.txt`))).toBe(true);
  });

  it('--fix on workers writes the files, tells a file not written, and reports the check of what each now holds', async () => {
    const dir = folder();
    chmodSync(join(dir, 'z.txt'), 0o444);
    const r = await cli(['check', '.', '--fix', '--jobs', '2', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const documents = JSON.parse(r.stdout).documents as { path: string; sha256: string; findings: { ruleId: string }[] }[];
    expect(documents.map((d) => `${d.path}: ${d.findings.map((f) => f.ruleId).join(' ')}`)).toEqual(['a.txt: ', 'm.txt: attribution/mismatch', 'ok.txt: ', 'z.txt: fix/not-written notice/missing']);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe(readFileSync(`${FIXTURES}fixed/fail-notice-missing.txt`, 'utf8'));
    expect(readFileSync(join(dir, 'z.txt')).equals(readFileSync(`${ROOT}examples/fail-notice-missing.txt`))).toBe(true);
    // The digest is that of the bytes the file now holds.
    expect(documents[0]!.sha256).toBe(createHash('sha256').update(readFileSync(join(dir, 'a.txt'))).digest('hex'));
    expect(r.stderr).toBe('manba: fixed 1 problem in 1 file\nmanba: z.txt: not fixed: the file is read-only\n');
  });

  it('a file whose worker crashes is input/crash; the other files of its batch are fixed alone, and told', async () => {
    const dir = folder();
    const run = spawnSync(process.execPath, [`${ROOT}bin/manba.js`, 'check', '.', '--fix', '--jobs', '2', '--format', 'compact'], { cwd: dir, env: { ...process.env, MANBA_TEST_WORKER_FAULT: 'crash:m.txt' }, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^m\.txt:1:1: error input\/crash checking m\.txt crashed its worker \(.*\); the rest of the run went on\n$/);
    expect(run.stderr).toBe('manba: fixed 2 problems in 2 files\n');
    for (const n of ['a.txt', 'z.txt']) expect(readFileSync(join(dir, n), 'utf8'), n).toBe(readFileSync(`${FIXTURES}fixed/fail-notice-missing.txt`, 'utf8'));
  });

  it('a file written before its batch crashed is counted as fixed, though its retry finds nothing left to fix', () => {
    const dir = tmp();
    const names = Array.from({ length: 16 }, (_, i) => `f${String(i + 1).padStart(2, '0')}.txt`);
    for (const n of names) copyFileSync(`${ROOT}examples/fail-notice-missing.txt`, join(dir, n));
    // 16 files on 2 workers go in batches of 2: f04 crashes its worker once written, after f03 was written too.
    const run = spawnSync(process.execPath, [`${ROOT}bin/manba.js`, 'check', '.', '--fix', '--jobs', '2', '--format', 'compact'], { cwd: dir, env: { ...process.env, MANBA_TEST_WORKER_FAULT: 'crash-written:f04' }, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^f04\.txt:1:1: error input\/crash checking f04\.txt crashed its worker \(.*\); the rest of the run went on\n$/);
    expect(run.stderr).toBe('manba: fixed 16 problems in 16 files\n');
    for (const n of names) expect(readFileSync(join(dir, n), 'utf8'), n).toBe(readFileSync(`${FIXTURES}fixed/fail-notice-missing.txt`, 'utf8'));
  });
});

describe('fixing at each file\'s turn (the run\'s fix hook)', () => {
  it('is given each file once, in order, whole; the run reports what it returns, digested; a file too large to read whole streams past it', async () => {
    const dir = tmp();
    const line = readFileSync(`${ROOT}examples/json/articles.jsonl`, 'utf8').split('\n')[0]!;
    writeFileSync(join(dir, 'a.txt'), 'one');
    writeFileSync(join(dir, 'b.jsonl'), `${line}\n`);
    writeFileSync(join(dir, 'c.jsonl'), `${line}\n${line}\n`);
    writeFileSync(join(dir, 'd.txt'), 'four');
    const size = statSync(join(dir, 'b.jsonl')).size;
    const given: string[] = [];
    const engine = await builtinEngine();
    const { results } = await checkInputs(engine, ['a.txt', 'b.jsonl', 'c.jsonl', 'd.txt'], {
      cwd: dir,
      maxFileSize: size, // c.jsonl, twice b.jsonl, is too large to read whole: streamed and checked, never fixed
      fix: (path, absolute, bytes) => {
        given.push(`${path} ${absolute === join(dir, path)} ${Buffer.from(bytes).toString('utf8').length}`);
        return { bytes: Buffer.from(`fixed ${path}`), results: [{ path: `${path}#as-fixed`, findings: [] }] };
      },
    });
    expect(given).toEqual(['a.txt true 3', `b.jsonl true ${line.length + 1}`, 'd.txt true 4']);
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(results.map((r) => `${r.path} ${r.sha256}`)).toEqual([
      `a.txt#as-fixed ${sha('fixed a.txt')}`,
      `b.jsonl#as-fixed ${sha('fixed b.jsonl')}`,
      // Streamed: one document a line, each digested from its own text.
      ...results.slice(2, 4).map((r) => `${r.path} ${r.sha256}`),
      `d.txt#as-fixed ${sha('fixed d.txt')}`,
    ]);
    expect(results.slice(2, 4).map((r) => r.path.replace(/#.*/, ''))).toEqual(['c.jsonl', 'c.jsonl']);
    expect(results).toHaveLength(5);
  });
});

describe('fixFiles (library)', () => {
  it('fixes the files a list of paths names, says what it did to each, and writes only when asked', async () => {
    const dir = tmp();
    copyFileSync(`${ROOT}examples/fail-notice-missing.txt`, join(dir, 'a.txt'));
    copyFileSync(`${ROOT}examples/pass-reference-titronline-irna.txt`, join(dir, 'b.txt'));
    const before = readFileSync(join(dir, 'a.txt'));
    const engine = await builtinEngine();
    const dry = await fixFiles(engine, ['.', '-'], { cwd: dir, write: false });
    expect(dry.stdin).toBe(true);
    expect(dry.files.map((f) => `${f.path} ${f.findings.map((x) => x.ruleId).join(',')} ${f.written} ${f.diff?.split('\n')[0]}`)).toEqual(['a.txt notice/missing false --- a/a.txt', 'b.txt  false undefined']);
    expect(readFileSync(join(dir, 'a.txt')).equals(before)).toBe(true);
    expect(Buffer.from(dry.files[0]!.fixed!).toString('utf8')).toBe(readFileSync(`${FIXTURES}fixed/fail-notice-missing.txt`, 'utf8'));
    const run = await fixFiles(engine, ['a.txt'], { cwd: dir, write: true });
    expect(run.files.map((f) => `${f.path} ${f.written}`)).toEqual(['a.txt true']);
    expect(readFileSync(join(dir, 'a.txt')).equals(readFileSync(`${FIXTURES}fixed/fail-notice-missing.txt`))).toBe(true);
  });
});

describe('manba check --fix', () => {
  it('--fix-type limits the families; exit codes are on what is left', async () => {
    const dir = tmp();
    // No notice and no attribution: both are fixable (the byline declares ایرنا, --site names the site).
    writeFileSync(join(dir, 'a.txt'), reference().replace(NOTICE_LINE, '').replace(`\n${ATTRIBUTION_LINE}`, ''));
    const r = await cli(['check', 'a.txt', '--fix', '--fix-type', 'notice', '--site', 'تیترآنلاین', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const left = JSON.parse(r.stdout).documents[0].findings;
    expect(left.map((f: { ruleId: string }) => f.ruleId)).toEqual(['attribution/missing']);
    // The body ends «…بود.⏎» once the footer's two lines are gone: the notice follows its last paragraph, set apart
    // by a blank line as the reference's footer is.
    const body = reference().replace(NOTICE_LINE, '').replace(`\n${ATTRIBUTION_LINE}`, '');
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe(body.replace(/\n$/, `\n\n${CANONICAL}\n`));
    const rest = await cli(['check', 'a.txt', '--fix', '--site', 'تیترآنلاین'], { cwd: dir });
    expect(rest.code).toBe(0);
    // The attribution goes before the notice.
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe(body.replace(/\n$/, `\n\n${ATTRIBUTION_LINE.replace(' (ادامه)', '')}\n${CANONICAL}\n`));
  });

  it('without a known site, notice/missing has no fix and says why; --site makes it fixable', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.txt'), reference().replace(NOTICE_LINE, '').replace(`\n${ATTRIBUTION_LINE}`, '\nمنبع: ایرنا'));
    const r = await cli(['check', 'a.txt', '--fix', '--format', 'json'], { cwd: dir });
    const [f] = JSON.parse(r.stdout).documents[0].findings;
    expect(f.ruleId).toBe('notice/missing');
    expect(f.message).toBe('No Article 74 notice found. Add it to the footer, after the article. Not fixable automatically: the publishing site is not known (give --site, or site: in the config).');
    expect(f.fix).toBeUndefined();
    expect(r.code).toBe(1);
    const withSite = await cli(['check', 'a.txt', '--fix', '--site', 'تیترآنلاین'], { cwd: dir });
    expect(withSite.code).toBe(0);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8').endsWith(`منبع: ایرنا\n${CANONICAL}`)).toBe(true);
  });

  it('never invents a source: with nothing declaring one, attribution/missing has no fix and says why', async () => {
    const r = await fixText(`عنوان خبر\n\nمتنی بی‌منبع که هیچ رسانه‌ای را نام نمی‌برد.\n\n${CANONICAL}`);
    expect(r.fixes).toEqual([]);
    expect(r.remaining.map((f) => f.ruleId)).toEqual(['attribution/missing']);
    expect(r.remaining[0]!.message).toContain('Not fixable automatically: the article does not say where it came from');
  });

  it("the attribution kind's `line` option is the line a fix writes; a line without {source} is a load error", async () => {
    const dir = tmp();
    const rule = (line: string) =>
      `rules:\n  - id: attribution\n    kind: attribution\n    options:\n      forms: ['منبع: {source}']\n      line: '${line}'\n    checks:\n      missing: { severity: error }\n`;
    writeFileSync(join(dir, 'attribution.yaml'), rule('منبع: {source}'));
    writeFileSync(join(dir, 'manba.config.yaml'), 'builtins: false\nextends: [attribution.yaml, manba:article74]\n');
    writeFileSync(join(dir, 'a.txt'), readFileSync(`${ROOT}examples/fail-attribution-missing.txt`));
    const r = await cli(['check', 'a.txt', '--fix'], { cwd: dir });
    expect(r.code).toBe(0);
    // Before the notice, naming the byline's «ایرنا».
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe(readFileSync(`${ROOT}examples/fail-attribution-missing.txt`, 'utf8').replace('\nبا استناد', '\nمنبع: ایرنا\nبا استناد'));
    writeFileSync(join(dir, 'attribution.yaml'), rule('منبع را ببینید'));
    const bad = await cli(['check', 'a.txt'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('line «منبع را ببینید» has no {source} placeholder: the line a fix writes must name the outlet');
  });

  it('a read-only file is a finding, not a crash; the file is left as it was', async () => {
    const dir = tmp();
    const path = join(dir, 'ro.txt');
    copyFileSync(`${ROOT}examples/fail-notice-missing.txt`, path);
    // The mode bits, not the write call, decide: root could write the file, but its owner said no.
    chmodSync(path, 0o444);
    const r = await cli(['check', 'ro.txt', '--fix', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout).documents[0].findings;
    expect(findings.map((f: { ruleId: string; line: number }) => `${f.ruleId} ${f.line}`)).toEqual(['fix/not-written 1', 'notice/missing 23']);
    expect(findings[0].message).toBe('ro.txt was not fixed: the file is read-only. Nothing in it was changed; the findings below are still there.');
    expect(r.stderr).toContain('manba: ro.txt: not fixed: the file is read-only\n');
    expect(readFileSync(path).equals(readFileSync(`${ROOT}examples/fail-notice-missing.txt`))).toBe(true);
    // With the file's findings in a baseline, the finding that the fix was not written is still reported.
    expect((await cli(['baseline', 'create', 'ro.txt'], { cwd: dir })).code).toBe(0);
    const b = await cli(['check', 'ro.txt', '--fix', '--baseline', '.manba-baseline.json', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(b.stdout).documents[0].findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['fix/not-written']);
    expect(b.code).toBe(1);
  });

  it('writes atomically, keeps the mode, and refuses a file that changed on disk or cannot be written', async () => {
    const dir = tmp();
    const path = join(dir, 'a.txt');
    writeFileSync(path, 'before');
    chmodSync(path, 0o640);
    expect(writeFixed(path, Buffer.from('before'), Buffer.from('after'))).toBeUndefined();
    expect(readFileSync(path, 'utf8')).toBe('after');
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['a.txt']); // no temporary file left behind
    // Changed since it was read: not written, the newer bytes kept.
    expect(writeFixed(path, Buffer.from('before'), Buffer.from('fixed'))).toBe('the file changed on disk during the run');
    expect(readFileSync(path, 'utf8')).toBe('after');
    // A write that really fails (for root too): the temporary file's name is taken by a folder.
    mkdirSync(join(dir, `.a.txt.manba-fix-${process.pid}.tmp`));
    expect(writeFixed(path, Buffer.from('after'), Buffer.from('fixed'))).toBe('it could not be written (EEXIST)');
    expect(readFileSync(path, 'utf8')).toBe('after');
    // What stood in the temporary file's place was not this run's: it is left where it was.
    expect(statSync(join(dir, `.a.txt.manba-fix-${process.pid}.tmp`)).isDirectory()).toBe(true);
    rmSync(join(dir, `.a.txt.manba-fix-${process.pid}.tmp`), { recursive: true });
    writeFileSync(join(dir, `.a.txt.manba-fix-${process.pid}.tmp`), 'not ours');
    expect(writeFixed(path, Buffer.from('after'), Buffer.from('fixed'))).toBe('it could not be written (EEXIST)');
    expect(readFileSync(join(dir, `.a.txt.manba-fix-${process.pid}.tmp`), 'utf8')).toBe('not ours');
    expect(readFileSync(path, 'utf8')).toBe('after');
  });

  it("--shard: only the shard's files are fixed, as only they are checked", async () => {
    const dir = tmp();
    const names = ['a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt', 'f.txt', 'g.txt', 'h.txt'];
    for (const n of names) copyFileSync(`${ROOT}examples/fail-notice-missing.txt`, join(dir, n));
    const mine = names.filter((n) => shardOf(n, 3) === 0);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.length).toBeLessThan(names.length);
    const r = await cli(['check', ...names, '--fix', '--shard', '1/3'], { cwd: dir });
    expect(r.code).toBe(0);
    for (const n of names) expect(readFileSync(join(dir, n), 'utf8').includes('با استناد'), n).toBe(mine.includes(n));
  });

  it('--fix leaves alone the files .manbaignore ignores, in a folder and named outright', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'a', 'drafts'), { recursive: true });
    for (const n of ['a/one.txt', 'a/drafts/two.txt', 'a/three.txt']) copyFileSync(`${ROOT}examples/fail-notice-missing.txt`, join(dir, n));
    writeFileSync(join(dir, '.manbaignore'), 'drafts/\nthree.txt\n');
    const before = readFileSync(join(dir, 'a/drafts/two.txt'));
    const r = await cli(['check', 'a', 'a/three.txt', '--fix'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'a/one.txt'), 'utf8').includes('با استناد')).toBe(true);
    expect(readFileSync(join(dir, 'a/drafts/two.txt')).equals(before)).toBe(true);
    expect(readFileSync(join(dir, 'a/three.txt')).equals(before)).toBe(true);
  });

  it('usage errors exit 2', async () => {
    expect((await cli(['check', 'examples/', '--fix', '--fix-dry-run'])).code).toBe(2);
    const t = await cli(['check', 'examples/', '--fix-type', 'notice']);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('--fix-type needs --fix or --fix-dry-run');
    const u = await cli(['check', 'examples/', '--fix-dry-run', '--fix-type', 'notise']);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('--fix-type: no rule family "notise"; the rules loaded have attribution, byline, notice');
    const j = await cli(['check', 'examples/', '--fix-dry-run', '--format', 'json']);
    expect(j.code).toBe(2);
    expect(j.stderr).toContain('--fix-dry-run prints its diff to standard output; write the json report to a file (--format json:report.json)');
  });
});

describe('every format written back in its own terms', () => {
  it('Markdown: front matter and the rest of the file unchanged', async () => {
    const dir = tmp();
    const source = readFileSync(`${ROOT}examples/markdown/fail-notice-altered.md`, 'utf8');
    writeFileSync(join(dir, 'a.md'), source);
    expect((await cli(['check', 'a.md', '--fix'], { cwd: dir })).code).toBe(0);
    expect(readFileSync(join(dir, 'a.md'), 'utf8')).toBe(source.replace('ماده ۷۵', 'ماده ۷۴'));
  });

  it('HTML: a paragraph in the footer region, entities escaped, every other byte unchanged', async () => {
    const dir = tmp();
    const page = readFileSync(`${ROOT}examples/html/pass-titr-article.html`, 'utf8');
    const start = page.indexOf('<p class="news-notice">');
    const end = page.indexOf('</p>', start) + '</p>\n'.length;
    writeFileSync(join(dir, 'a.html'), page.slice(0, start) + page.slice(end));
    const r = await cli(['check', 'a.html', '--fix', '--site', 'تیتر & آنلاین <1>', '--format', 'json'], { cwd: dir });
    const fixed = readFileSync(join(dir, 'a.html'), 'utf8');
    const attribution = page.indexOf('</p>', page.indexOf('<p class="news-source-line">')) + '</p>'.length;
    const inserted = `\n<p>${CANONICAL.replace('تیترآنلاین', 'تیتر &amp; آنلاین &lt;1&gt;')}</p>`;
    expect(fixed).toBe(page.slice(0, attribution) + inserted + page.slice(attribution, start) + page.slice(end));
    // The page now names «تیتر & آنلاین <1>» in its notice but its attribution names تیترآنلاین: nothing else is left.
    expect(JSON.parse(r.stdout).documents[0].findings).toEqual([]);
  });

  it('HTML: an attribution goes before the notice\'s element; a notice in the body is moved, its element removed', async () => {
    const dir = tmp();
    const page = readFileSync(`${ROOT}examples/html/pass-titr-article.html`, 'utf8');
    const a0 = page.indexOf('<p class="news-source-line">');
    const a1 = page.indexOf('</p>', a0) + '</p>\n'.length;
    writeFileSync(join(dir, 'attr.html'), page.slice(0, a0) + page.slice(a1));
    const n0 = page.indexOf('<p class="news-notice">');
    const n1 = page.indexOf('</p>', n0) + '</p>\n'.length;
    const without = page.slice(0, n0) + page.slice(n1);
    const lead = without.indexOf('</p>', without.indexOf('<div class="news-body">')) + '</p>\n'.length;
    writeFileSync(join(dir, 'pos.html'), without.slice(0, lead) + page.slice(n0, n1) + without.slice(lead));
    const r = await cli(['check', 'attr.html', 'pos.html', '--fix'], { cwd: dir });
    expect(r.code).toBe(0);
    const line = 'منبع خبر "ایرنا" است و موتور جستجوگر خبر تیترآنلاین در قبال محتوای آن هیچ مسئولیتی ندارد.';
    // The new paragraph takes the notice element's place in the line; the notice follows it unchanged.
    expect(readFileSync(join(dir, 'attr.html'), 'utf8')).toBe(page.slice(0, a0) + `<p>${line}</p>\n` + page.slice(a1));
    // The notice's element is gone from the body; the notice, as it stood, follows the attribution's element.
    const notice = page.slice(n0, n1).replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim();
    const attributionEnd = without.indexOf('</p>', without.indexOf('<p class="news-source-line">')) + '</p>'.length;
    expect(readFileSync(join(dir, 'pos.html'), 'utf8')).toBe(without.slice(0, attributionEnd) + `\n<p>${notice}</p>` + without.slice(attributionEnd));
  });

  it('JSON: the body string edited with escapes, every other byte unchanged, still valid JSON', async () => {
    const dir = tmp();
    const source = readFileSync(`${ROOT}examples/json/cms-export.json`, 'utf8');
    writeFileSync(join(dir, 'a.json'), source);
    const r = await cli(['check', 'a.json', '--fix'], { cwd: dir });
    expect(r.code).toBe(0);
    const fixed = readFileSync(join(dir, 'a.json'), 'utf8');
    expect(fixed).toBe(source.replace('ماده ۷۵', 'ماده ۷۴'));
    expect(() => JSON.parse(fixed)).not.toThrow();
  });

  it('JSON: a notice added to a body of \\u escapes and to an HTML body, each still valid JSON', async () => {
    const dir = tmp();
    const jsonl = readFileSync(`${ROOT}examples/json/articles.jsonl`, 'utf8').split('\n')[0]!;
    const article = JSON.parse(jsonl) as { text: string };
    const body = article.text.replace(NOTICE_LINE, '');
    // One article whose body escapes every non-ASCII character, one whose body is HTML.
    const escaped = JSON.stringify(body).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const html = body.split('\n').map((p) => `<p>${p}</p>`).join('');
    const file = `[\n  {"id": "e", "title": "t", "body": ${escaped}},\n  {"id": "h", "title": "t", "body": ${JSON.stringify(html)}}\n]\n`;
    writeFileSync(join(dir, 'a.json'), file);
    const r = await cli(['check', 'a.json', '--fix'], { cwd: dir });
    expect(r.code).toBe(0);
    const fixed = readFileSync(join(dir, 'a.json'), 'utf8');
    const data = JSON.parse(fixed) as { body: string }[];
    expect(data[0]!.body).toBe(`${body}\n${CANONICAL}`);
    expect(data[1]!.body).toBe(`${html}\n<p>${CANONICAL}</p>`);
    // Outside the two insertions, the file is as it was.
    expect(fixed.replace(`\\n${CANONICAL}`, '').replace(`\\n<p>${CANONICAL}</p>`, '')).toBe(file);
  });

  it('JSONL: the line edited in place, the other lines byte for byte', async () => {
    const dir = tmp();
    const source = readFileSync(`${ROOT}examples/json/articles.jsonl`, 'utf8');
    writeFileSync(join(dir, 'a.jsonl'), source);
    const r = await cli(['check', 'a.jsonl', '--fix', '--format', 'json:report.json'], { cwd: dir });
    expect(r.code).toBe(1); // line 3 is not JSON: reported, not fixed
    const [one, two, three] = readFileSync(join(dir, 'a.jsonl'), 'utf8').split('\n');
    const [o1, o2, o3] = source.split('\n');
    expect([one, three]).toEqual([o1, o3]);
    // Line 2 writes every Persian letter as a \u escape: the notice (from «با استناد») is replaced by the canonical
    // text, written as it is; what comes before it is untouched, and the line is still one valid JSON object.
    const noticeAt = o2!.indexOf('\\u0628\\u0627 \\u0627\\u0633\\u062a\\u0646\\u0627\\u062f');
    expect(noticeAt).toBeGreaterThan(0);
    expect(two!.slice(0, noticeAt)).toBe(o2!.slice(0, noticeAt));
    const was = JSON.parse(o2!) as Record<string, string>;
    expect(JSON.parse(two!)).toEqual({ ...was, text: was.text!.replace('۱۳۸۳/۱۰/۱۷', '۱۳۸۲/۱۰/۱۷') });
  });

  it('feeds are reported, not rewritten, and the run says so', async () => {
    const dir = tmp();
    copyFileSync(`${ROOT}examples/feed/titr-two-items.rss`, join(dir, 'f.rss'));
    const r = await cli(['check', 'f.rss', '--fix'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('manba: f.rss: fixes are not applied to feed items (a feed is made from the articles: fix them where they are written)\n');
    expect(readFileSync(join(dir, 'f.rss')).equals(readFileSync(`${ROOT}examples/feed/titr-two-items.rss`))).toBe(true);
  });

  it('encodings are kept: Windows-1256 stays Windows-1256, UTF-16 stays UTF-16, a BOM and CRLF stay', async () => {
    const dir = tmp();
    const altered = readFileSync(`${ROOT}examples/fail-notice-altered-date.txt`, 'utf8');
    // Legacy archives write Arabic yeh and ASCII digits: the code page has no Persian ones.
    const legacy = (s: string) => s.replace(/\u06cc/g, '\u064a').replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x6f0));
    writeFileSync(join(dir, 'w.txt'), iconv.encode(legacy(altered), 'windows-1256'));
    writeFileSync(join(dir, 'u.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(altered, 'utf16le')]));
    const missing = readFileSync(`${ROOT}examples/fail-notice-missing.txt`, 'utf8').replace(/\n/g, '\r\n') + '\r\n';
    writeFileSync(join(dir, 'b.txt'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(missing)]));
    const r = await cli(['check', 'w.txt', 'u.txt', 'b.txt', '--fix'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('manba: fixed 3 problems in 3 files\n');
    // Windows-1256: one byte changed, «1383» to «1382».
    expect(readFileSync(join(dir, 'w.txt')).equals(iconv.encode(legacy(altered.replace('۱۳۸۳', '۱۳۸۲')), 'windows-1256'))).toBe(true);
    expect(readFileSync(join(dir, 'u.txt')).equals(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(altered.replace('۱۳۸۳', '۱۳۸۲'), 'utf16le')]))).toBe(true);
    expect(readFileSync(join(dir, 'b.txt')).equals(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(missing.replace(/\r\n$/, `\r\n${CANONICAL}\r\n`))]))).toBe(true);
  });
});

describe('reports carry the fix', () => {
  it('stylish marks fixable findings and ends with the count', async () => {
    const r = await cli(['check', 'examples/fail-notice-site.txt', 'examples/fail-attribution-mismatch.txt']);
    expect(r.stdout.split('\n').filter((l) => /fixable|suggestion/.test(l))).toEqual([
      expect.stringMatching(/^ {2}24:103 {2}error {4}The Article 74 notice names the site «خبرآنلاین».* notice\/site {2}\(fixable\)$/),
      expect.stringMatching(/^ {2}23:11 {2}error {4}The attribution names «ایسنا».* attribution\/mismatch {2}\(suggestion\)$/),
      '1 problem fixable with --fix; 1 problem with a suggestion (--fix-dry-run shows it, --fix-suggestions applies it)',
    ]);
  });

  it('JSON: the site slot only, in the file\'s line, column and bytes', async () => {
    const r = await cli(['check', 'examples/fail-notice-site.txt', '--format', 'json']);
    const text = readFileSync(`${ROOT}examples/fail-notice-site.txt`, 'utf8');
    const at = text.indexOf('خبرآنلاین', text.indexOf('با استناد'));
    const column = at - text.lastIndexOf('\n', at);
    const [f] = JSON.parse(r.stdout).documents[0].findings;
    expect(f.fix).toEqual({
      range: { start: { line: 24, column, offset: Buffer.byteLength(text.slice(0, at)) }, end: { line: 24, column: column + 'خبرآنلاین'.length, offset: Buffer.byteLength(text.slice(0, at + 'خبرآنلاین'.length)) } },
      text: 'تیترآنلاین',
    });
  });

  it('SARIF: fixes with artifactChanges and replacements; a suggestion says so', async () => {
    const r = await cli(['check', 'examples/fail-notice-missing.txt', 'examples/fail-attribution-mismatch.txt', '--format', 'sarif']);
    const results = JSON.parse(r.stdout).runs[0].results as { ruleId: string; fixes?: unknown[] }[];
    const text = readFileSync(`${ROOT}examples/fail-notice-missing.txt`, 'utf8');
    const end = Buffer.byteLength(text);
    expect(results.find((x) => x.ruleId === 'notice/missing')!.fixes).toEqual([
      {
        description: { text: 'manba check --fix' },
        artifactChanges: [
          {
            artifactLocation: { uri: 'examples/fail-notice-missing.txt', uriBaseId: '%SRCROOT%' },
            replacements: [{ deletedRegion: { startLine: 23, startColumn: 98, endLine: 23, endColumn: 98, byteOffset: end, byteLength: 0 }, insertedContent: { text: `\n${CANONICAL}` } }],
          },
        ],
      },
    ]);
    const mismatch = results.find((x) => x.ruleId === 'attribution/mismatch')!.fixes as { description: { text: string } }[];
    expect(mismatch[0]!.description.text).toBe('Suggestion (a person decides): manba check --fix --fix-suggestions');
  });

  it('the HTML report shows the proposed text', async () => {
    const dir = tmp();
    const r = await cli(['check', `${ROOT}examples/fail-notice-missing.txt`, '--format', `html:${join(dir, 'r.html')}`]);
    expect(r.code).toBe(1);
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).toContain('Proposed fix (manba check --fix)');
    // The notice the fix adds is in the report's data (a notice/missing finding has no other text of it).
    expect(html).toContain(CANONICAL);
  });
});

describe('fixText (library)', () => {
  // BesMark's wording (docs/writing-rules.md): «پایگاه حاضر» stands where «سایت {site}» goes. The alignment puts
  // those words in the site slot, but they name no site: a fix must not write «سایت پایگاه حاضر».
  const besmark = () => {
    const lines = readFileSync(`${ROOT}examples/pass-reference-titronline-irna.txt`, 'utf8').split('\n');
    lines[22] = 'منبع: ایرنا';
    lines[23] = 'با استناد به ماده ۷۴ قانون تجارت الکترونیک مصوب ۱۳۸۲/۱۰/۱۷ مجلس شورای اسلامی و با عنایت به اینکه پایگاه حاضر، مصداق بستر مبادلات الکترونیکی متنی، صوتی و تصویر است، مسئولیت نقض حقوق تصریح شده مولفان در قانون فوق از قبیل تکثیر، اجرا و توزیع و یا هر گونه محتوی خلاف قوانین جمهوری اسلامی ایران بر عهده منبع خبر و کاربران است.';
    return lines.join('\n');
  };

  it('a notice whose site words were altered is not rewritten with them as the site: no fix without a known site', async () => {
    const r = await fixText(besmark());
    expect(r.fixes).toEqual([]);
    expect(r.remaining.map((f) => `${f.ruleId} ${f.line}:${f.column}`)).toEqual(['notice/altered 24:98', 'notice/altered 24:154', 'notice/altered 24:199', 'notice/altered 24:245', 'notice/altered 24:271']);
    for (const f of r.remaining) expect(f.message).toContain('Not fixable automatically: the publishing site is not known');
  });

  it('with the publishing site given, the same notice is rewritten naming it', async () => {
    const r = await fixText(besmark(), { site: 'تیترآنلاین' });
    expect(r.remaining).toEqual([]);
    expect(r.text.split('\n')[23]).toBe(CANONICAL);
  });


  it('returns the fixed text and the fixes applied', async () => {
    const r = await fixText(readFileSync(`${ROOT}examples/fail-notice-altered-article.txt`, 'utf8'));
    expect(r.text).toBe(readFileSync(`${ROOT}examples/pass-reference-titronline-irna.txt`, 'utf8'));
    expect(r.fixes.map((f) => `${f.ruleId} ${f.line}:${f.column}`)).toEqual(['notice/altered 24:19']);
    expect(r.remaining).toEqual([]);
    expect(r.fixes[0]!.fix!.text).toBe(CANONICAL);
  });
});
