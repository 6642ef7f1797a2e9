/**
 * The read-ahead of a run in one thread: every file comes back decoded and digested exactly, in order, with the same
 * refusals as a read at the file's turn, across batches; and when its thread dies, the files it had not answered are
 * read all the same.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReadAhead, readAheadFile, type FileToRead, type ReadAheadFile } from '../src/documents/read-ahead.js';
import { checkInputs } from '../src/engine/run.js';
import { ResultCache } from '../src/engine/cache.js';
import { Engine } from '../src/engine/engine.js';
import { buildRuleSet } from '../src/config/load.js';
import { reference, ROOT } from './helpers.js';
import { FoldedText, foldText } from '../src/text/fold.js';
import { spawnSync } from 'node:child_process';

/** Text particular to file i, of a length particular to it: a file given another's text, or a part of it, shows. */
const content = (i: number) => `متن ${i}: ${'ی‌ك'.repeat(100 + ((i * 37) % 900))} ${i}`; // at most about 7 KB, under MAX

/** What a file holding `text` as UTF-8 must come back as (the digest by node:crypto, not by the code under test). */
const expected = (text: string): ReadAheadFile => ({
  ok: true,
  decoded: { ok: true, text, encoding: 'utf-8', bom: false },
  sha256: createHash('sha256').update(Buffer.from(text)).digest('hex'),
});

/** A folder of `count` files; a few are no longer files, one is larger than `maxSize`, one is not UTF-8. */
function folder(count: number): { dir: string; files: FileToRead[] } {
  const dir = mkdtempSync(join(tmpdir(), 'manba-read-ahead-'));
  const files: FileToRead[] = [];
  for (let i = 0; i < count; i++) {
    const shown = `f${String(i).padStart(4, '0')}.txt`;
    const absolute = join(dir, shown);
    if (i === 70) mkdirSync(absolute);
    else if (i === 71) writeFileSync(absolute, Buffer.alloc(9000, 0x61));
    else if (i === 72) writeFileSync(absolute, Buffer.concat([Buffer.from(content(72)), Buffer.from([0xc3, 0x28])]));
    else if (i !== 130) writeFileSync(absolute, content(i)); // 130: never written
    files.push({ absolute, shown });
  }
  return { dir, files };
}

const MAX = 8000;

/** A read-ahead over a new folder of `count` files, closed whatever the test does with it. */
async function withReadAhead(count: number, test: (files: FileToRead[], ahead: ReadAhead) => Promise<void>): Promise<void> {
  const { files } = folder(count);
  const ahead = new ReadAhead(MAX).read(files.values());
  try {
    await test(files, ahead);
  } finally {
    ahead.close();
  }
}

/** What each file of `folder` must come back as, spelled out. */
const answers = (files: FileToRead[]): ReadAheadFile[] =>
  files.map((f, i) => {
    if (i === 70) return { ok: false, ruleId: 'input/unreadable', message: 'cannot read f0070.txt: is a folder' };
    if (i === 71) return { ok: false, ruleId: 'input/too-large', message: 'f0071.txt is 0.0 MB, over the 0 MB limit; not checked (raise maxFileSize in the config or --max-file-size)' };
    if (i === 130) return { ok: false, ruleId: 'input/unreadable', message: 'cannot read f0130.txt: no such file (removed after it was listed, or a link to nothing)' };
    return i === 72 ? { ok: true, decoded: { ok: false, problem: expect.objectContaining({ path: 'f0072.txt', ruleId: 'input/encoding' }) }, sha256: expect.any(String) } : expected(content(i));
  });

/** Ends the thread from outside, as an out-of-memory or a crash of the thread would. */
const kill = (ahead: ReadAhead) => (ahead as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();

describe('ReadAhead', () => {
  it('gives each file its text and digest, or the refusal, in order, over many batches', () =>
    // 11 batches of 64.
    withReadAhead(700, async (files, ahead) => {
      const got = [];
      for (const f of files) got.push(await ahead.take(f.shown));
      expect(got).toEqual(answers(files));
    }));

  it('reads files of every size exactly, up to several MB', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manba-read-ahead-sizes-'));
    // Empty, one letter, files larger than the thread's reused buffer (1 MB) and a batch of small ones after them.
    const texts = ['', 'ی', ...Array.from({ length: 3 }, (_, i) => `${i} ${'ب'.repeat(700_000)}`), ...Array.from({ length: 100 }, (_, i) => content(i))];
    const files = texts.map((text, i) => {
      const absolute = join(dir, `s${i}`);
      writeFileSync(absolute, text);
      return { absolute, shown: `s${i}` };
    });
    const ahead = new ReadAhead(10_000_000).read(files.values());
    try {
      for (const [i, f] of files.entries()) expect(await ahead.take(f.shown), `file ${i}`).toEqual(expected(texts[i]!));
    } finally {
      ahead.close();
    }
  });

  it('takes files asked for all at once (a window of checks) in order', () =>
    withReadAhead(150, async (files, ahead) => {
      expect(await Promise.all(files.map((f) => ahead.take(f.shown)))).toEqual(answers(files));
    }));

  it('gives without waiting the files already read, the same files in the same order as take', () =>
    withReadAhead(700, async (files, ahead) => {
      // Nothing can have come back before this thread's event loop turns: nothing is taken.
      expect(ahead.takeReady(files[0]!.shown)).toBeUndefined();
      const got = [];
      let waited = 0;
      for (const f of files) {
        const ready = ahead.takeReady(f.shown);
        if (!ready) waited++;
        got.push(ready ?? (await ahead.take(f.shown)));
      }
      expect(got).toEqual(answers(files));
      // A batch of 64 comes back whole: at most one wait a batch (11 batches).
      expect(waited).toBeLessThanOrEqual(11);
    }));

  it('gives without waiting, or by take, what its thread had not answered when it died', () =>
    withReadAhead(600, async (files, ahead) => {
      const got = [];
      for (const f of files.slice(0, 10)) got.push(ahead.takeReady(f.shown) ?? (await ahead.take(f.shown)));
      await kill(ahead);
      for (const f of files.slice(10)) got.push(ahead.takeReady(f.shown) ?? (await ahead.take(f.shown)));
      expect(got).toEqual(answers(files));
    }));

  it('reads in this thread what its thread had not answered when that thread died', () =>
    withReadAhead(600, async (files, ahead) => {
      const got = [];
      for (const f of files.slice(0, 10)) got.push(await ahead.take(f.shown));
      await kill(ahead);
      for (const f of files.slice(10)) got.push(await ahead.take(f.shown));
      expect(got).toEqual(answers(files));
    }));

  it('folds the texts of the files asked to be folded, as this thread would, and those only', async () => {
    const { files } = folder(200);
    // Every other file folded; 72 (not UTF-8) asked too, and has no text to fold.
    const asked = files.map((f, i) => ({ ...f, fold: i % 2 === 0 || i === 72 }));
    const ahead = new ReadAhead(MAX).read(asked.values());
    try {
      for (const [i, f] of asked.entries()) {
        const got = await ahead.take(f.shown);
        const want = answers(files)[i]!;
        // Not asked, or no text: the answer as ever, with nothing folded.
        if (!f.fold || [70, 71, 72, 130].includes(i)) {
          expect(got, `file ${i}`).toEqual(want);
          continue;
        }
        if (!got.ok || !got.decoded.ok) throw new Error(`file ${i} was not read`);
        const { folded, ...rest } = got;
        expect(rest, `file ${i}`).toEqual(want);
        expect(folded, `file ${i}`).toBeDefined();
        // The Arabic kaf of content(i) is folded to the Persian one there, as foldText does here.
        expect(folded!.text, `file ${i}`).toContain('ی ک');
        expect(FoldedText.fromParts(got.decoded.text, folded!).toParts(), `file ${i}`).toEqual(foldText(content(i)).toParts());
      }
    } finally {
      ahead.close();
    }
  });

  it('folds, on its thread, what a fold of the decoded text gives here: a byte-order mark, entities, presentation forms, pairs', async () => {
    // The thread folds UTF-8 files from their UTF-16 units, never a string (readAheadInto); here the text is decoded
    // and folded as strings (readAheadFile). Each case reaches a different branch of the fold.
    const dir = mkdtempSync(join(tmpdir(), 'manba-read-ahead-units-'));
    const texts = [
      '\uFEFFمنبع خبر «ايرنا» است',
      'تیتر&zwnj;آنلاین &amp; &#8204;خبر &NBSP; پایان&',
      '\uFEFB\uFEF7 ﻻ ﷲ ＡＢＣ ۱۴۰۲/۰۵/۰۱',
      'بیرون از صفحه 😀 پایه 𝕏 \r\n\r\nدو',
      '',
    ];
    const files: FileToRead[] = texts.map((text, i) => {
      const absolute = join(dir, `u${i}.txt`);
      writeFileSync(absolute, text);
      return { absolute, shown: `u${i}.txt`, fold: true };
    });
    const ahead = new ReadAhead(MAX).read(files.values());
    try {
      for (const [i, f] of files.entries()) {
        const got = await ahead.take(f.shown);
        const want = readAheadFile(f, MAX, undefined);
        expect(got, `file ${i}`).toEqual(want);
        if (!got.ok || !got.decoded.ok) throw new Error(`file ${i} was not read`);
        // The byte-order mark is not text; the fold is that of the text.
        expect(got.decoded.text, `file ${i}`).toBe(texts[i]!.replace(/^\uFEFF/, ''));
        expect(got.decoded.bom, `file ${i}`).toBe(i === 0);
        expect(FoldedText.fromParts(got.decoded.text, got.folded!).toParts(), `file ${i}`).toEqual(foldText(got.decoded.text).toParts());
      }
    } finally {
      ahead.close();
    }
  });

  it('refuses a file taken out of the order it was given', () =>
    withReadAhead(3, async (files, ahead) => {
      await kill(ahead);
      await expect(ahead.take(files[1]!.shown)).rejects.toThrow(`read-ahead out of order at ${files[1]!.shown}`);
    }));
});

describe('a run in one thread, with and without the read-ahead', () => {
  it('gives the same results, document for document', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manba-read-ahead-run-'));
    const withoutNotice = reference().split('\n').filter((line) => !line.startsWith('با استناد به ماده ۷۴')).join('\n');
    for (let i = 0; i < 120; i++) {
      // Every third article lacks its notice; one file is too large; one has a byte that is not UTF-8.
      const text = i % 3 ? reference() : withoutNotice;
      const bytes = i === 50 ? Buffer.concat([Buffer.from(text), Buffer.from([0xc3, 0x28])]) : Buffer.from(i === 51 ? text.repeat(40) : text);
      writeFileSync(join(dir, `a${i}.txt`), bytes);
    }
    const engine = new Engine(await buildRuleSet({ extends: [], builtins: true, rules: {} }), { now: new Date('2026-12-01T00:00:00Z') });
    const run = (readAheadFrom: number) => checkInputs(engine, ['.'], { cwd: dir, readAheadFrom, maxFileSize: 100_000 });
    const withIt = await run(1);
    const without = await run(Infinity);
    expect(withIt.results).toEqual(without.results);
    expect(withIt.results).toHaveLength(120);
    const ids = (path: string) => withIt.results.find((r) => r.path === path)!.findings.map((f) => f.ruleId);
    expect(ids('a0.txt')).toEqual(['notice/missing']);
    expect(ids('a1.txt')).toEqual([]);
    expect(ids('a50.txt')).toEqual(['input/encoding']);
    expect(ids('a51.txt')).toEqual(['input/too-large']);
  });

  it('checks the text as the reader left it, not the file folded ahead, where a directive line is blanked out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manba-read-ahead-directive-'));
    const lines = reference().split('\n');
    const notice = lines.find((line) => line.startsWith('با استناد به ماده ۷۴'))!;
    // The directive's reason quotes the notice: in the file's own text, folded, a notice stands in the first line.
    // Without it, the notice belongs after the attribution, the last line (24, 97 characters).
    const text = `# manba-disable-next-line byline -- ${notice}\n${lines.filter((line) => line !== notice).join('\n')}`;
    for (let i = 0; i < 3; i++) writeFileSync(join(dir, `a${i}.txt`), text);
    const engine = new Engine(await buildRuleSet({ extends: [], builtins: true, rules: {} }), { now: new Date('2026-12-01T00:00:00Z') });
    const run = (readAheadFrom: number) => checkInputs(engine, ['.'], { cwd: dir, readAheadFrom });
    const withIt = await run(1);
    expect(withIt.results).toEqual((await run(Infinity)).results);
    expect(withIt.results.map((r) => r.findings.map((f) => [f.ruleId, f.line, f.column]))).toEqual(Array.from({ length: 3 }, () => [['notice/missing', 24, 98]]));
  });

  it('folds ahead only what the text reader reads: Markdown and HTML beside plain text give the same results', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manba-read-ahead-formats-'));
    const formats = ['markdown/pass-reference.md', 'markdown/fail-notice-altered.md', 'html/pass-titr-article.html', 'pass-reference-titronline-irna.txt', 'fail-notice-altered-article.txt'];
    for (let i = 0; i < 20; i++) {
      const example = formats[i % formats.length]!;
      writeFileSync(join(dir, `a${i}${example.slice(example.lastIndexOf('.'))}`), readFileSync(join(ROOT, 'examples', example)));
    }
    const engine = new Engine(await buildRuleSet({ extends: [], builtins: true, rules: {} }), { now: new Date('2026-12-01T00:00:00Z') });
    const run = (readAheadFrom: number) => checkInputs(engine, ['.'], { cwd: dir, readAheadFrom });
    const withIt = await run(1);
    expect(withIt.results).toEqual((await run(Infinity)).results);
    const ids = (path: string) => withIt.results.find((r) => r.path === path)!.findings.map((f) => f.ruleId);
    expect([ids('a0.md'), ids('a1.md'), ids('a2.html'), ids('a3.txt'), ids('a4.txt')]).toEqual([[], ['notice/altered'], [], [], ['notice/altered']]);
  });

  it('decodes in the encoding the run forces, and takes unchanged files from the cache by their digest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manba-read-ahead-1256-'));
    const iconv = (await import('iconv-lite')).default;
    // Windows-1256 has no Persian yeh or digits: legacy archives wrote Arabic yeh and ASCII digits.
    const legacy = reference().replace(/ی/g, 'ي').replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0));
    for (let i = 0; i < 30; i++) writeFileSync(join(dir, `a${i}.txt`), iconv.encode(legacy, 'windows-1256'));
    const engine = new Engine(await buildRuleSet({ extends: [], builtins: true, rules: {} }), { now: new Date('2026-12-01T00:00:00Z') });
    const cache = new ResultCache(join(mkdtempSync(join(tmpdir(), 'manba-cache-')), 'cache'), 'key');
    const run = (readAheadFrom: number) => checkInputs(engine, ['.'], { cwd: dir, readAheadFrom, read: { encoding: 'windows-1256' }, cache });
    const withIt = await run(1);
    // The reference article passes when its bytes are read as Windows-1256 (as UTF-8 they are not text at all).
    expect(withIt.results.map((r) => r.findings)).toEqual(Array.from({ length: 30 }, () => []));
    expect(cache.hits).toBe(0);
    const again = await run(1);
    expect(cache.hits).toBe(30);
    // From the cache: the same findings, facts and digest.
    expect(again.results.map(({ path, findings, facts, sha256 }) => ({ path, findings, facts, sha256 }))).toEqual(withIt.results.map(({ path, findings, facts, sha256 }) => ({ path, findings, facts, sha256 })));
    expect(withIt.results[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await run(Infinity)).results).toEqual(again.results);
  });
});

describe('the reading thread started before the listing (--jobs 1 on a folder)', () => {
  it('is stopped when the folder holds too few files to read ahead, and the run ends', () => {
    const dir = mkdtempSync(join(tmpdir(), 'manba-read-ahead-few-'));
    for (let i = 0; i < 3; i++) writeFileSync(join(dir, `a${i}.txt`), reference());
    // A thread left running would keep the process alive: the timeout would end it with a signal instead.
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/manba.js'), 'check', dir, '--jobs', '1', '--format', 'json'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).summary.documents).toBe(3);
  });
});
