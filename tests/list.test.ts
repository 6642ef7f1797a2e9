/**
 * `manba list` (the files check would take, and each shard's list in one walk) and `manba check --files-from` (the
 * files a list names): a check from the lists must be the check of the archive, document for document.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listedInputs } from '../src/documents/discover.js';
import { pathListProblem, pathsInFile, pathsInText } from '../src/documents/path-list.js';
import { cli, findingsByPath, reference } from './helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'manba-list-'));
/** The documented partition (README, --shard): the first four bytes of the path's SHA-256, modulo n. */
const shardOf = (path: string, n: number) => createHash('sha256').update(path).digest().readUInt32BE(0) % n;

describe('a list of paths', () => {
  it('is one path a line, LF or CRLF, or NUL-separated when it holds a NUL; empty entries are skipped', () => {
    expect(pathsInText('a.txt\r\nb/c.txt\n\n\nd e.txt\n')).toEqual(['a.txt', 'b/c.txt', 'd e.txt']);
    expect(pathsInText('x.txt')).toEqual(['x.txt']);
    // With NULs, a newline is part of a name.
    expect(pathsInText('a\nb.txt\0c.txt\0\0')).toEqual(['a\nb.txt', 'c.txt']);
    const dir = tmp();
    writeFileSync(join(dir, 'nul.lst'), 'a\nb.txt\0c.txt\0');
    expect([...pathsInFile(join(dir, 'nul.lst'))]).toEqual(['a\nb.txt', 'c.txt']);
    writeFileSync(join(dir, 'last.lst'), 'one.txt\ntwo.txt');
    expect([...pathsInFile(join(dir, 'last.lst'))]).toEqual(['one.txt', 'two.txt']);
  });

  it('is read a megabyte at a time, a Persian name cut between two pieces read whole', () => {
    const dir = tmp();
    const paths = Array.from({ length: 60_000 }, (_, i) => `آرشیو/۱۴۰۳/خبر-${i}.txt`);
    const text = paths.join('\r\n') + '\r\n';
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 << 20); // three pieces at least
    writeFileSync(join(dir, 'big.lst'), text);
    expect([...pathsInFile(join(dir, 'big.lst'))]).toEqual(paths);
  });

  it('is read whole whatever the pieces: a character, a CRLF or a separator cut between two pieces', () => {
    const dir = tmp();
    const file = join(dir, 'random.lst');
    // Names of Persian, Latin, astral and space characters; a NUL list's names may hold line breaks.
    const name = fc.array(fc.constantFrom('آ', 'ی', 'ك', '۷', 'a', 'Z', ' ', '.', '/', '😀', '\u200c', '\r', '\n'), { minLength: 1, maxLength: 12 }).map((c) => c.join(''));
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 30 }), fc.constantFrom('\n', '\r\n', '\0'), fc.boolean(), fc.integer({ min: 1, max: 40 }), (names, separator, last, small) => {
        // One path a line cannot hold a line break, nor end in CR; no path is empty once cut.
        const paths = separator === '\0' ? names : names.map((n) => n.replace(/[\r\n]/g, '_'));
        // A NUL list ends in NUL, as every tool writes one (a single path with no NUL is a list of one line).
        const text = paths.join(separator) + (last || separator === '\0' ? separator : '');
        writeFileSync(file, text);
        // The first piece holds the first separator, as a megabyte always does.
        const piece = Math.max(small, Buffer.byteLength(paths[0]! + separator));
        expect([...pathsInFile(file, piece)]).toEqual(paths);
        expect(pathsInText(text)).toEqual(paths);
      }),
      { numRuns: 300 },
    );
  });

  it('that cannot be read is said before a run', () => {
    const dir = tmp();
    expect(pathListProblem(join(dir, 'none.lst'), 'none.lst')).toBe('cannot read the list of files none.lst: no such file');
    expect(pathListProblem(dir, 'lists')).toBe('cannot read the list of files lists: it is a folder');
    writeFileSync(join(dir, 'ok.lst'), '');
    expect(pathListProblem(join(dir, 'ok.lst'))).toBeUndefined();
  });

  it('names inputs as a folder listing does: no reader skipped, files not looked at, a path ending in / walked, nothing remembered', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'b', 'c'), { recursive: true });
    for (const f of ['a.txt', 'b/x.md', 'b/c/y.txt', 'b/z.png']) writeFileSync(join(dir, f), 'x');
    const skipped: string[] = [];
    const asked: string[] = [];
    const inputs = [...listedInputs(['a.txt', 'b/', 'pic.png', 'gone.txt', 'a.txt', 'left-out.txt'], dir, (p) => skipped.push(p), (abs, shown) => (asked.push(`${abs} ${shown}`), shown !== 'left-out.txt'))];
    expect(inputs).toEqual([
      { kind: 'file', path: 'a.txt' },
      { kind: 'file', path: 'b/c/y.txt' },
      { kind: 'file', path: 'b/x.md' },
      { kind: 'file', path: 'gone.txt' },
      { kind: 'file', path: 'a.txt' },
    ]);
    expect(skipped).toEqual(['b/z.png', 'pic.png']);
    expect(asked).toEqual(['a.txt', 'b/c/y.txt', 'b/x.md', 'gone.txt', 'a.txt', 'left-out.txt'].map((p) => `${join(dir, p)} ${p}`));
    // A folder listed that cannot be read is that folder's input, where a walk would report it.
    expect([...listedInputs(['missing/'], dir)]).toEqual([{ kind: 'unreadable', path: 'missing', message: `cannot read folder ${join(dir, 'missing')}: ENOENT: no such file or directory, scandir '${join(dir, 'missing')}'` }]);
  });
});

/**
 * archive/ of 12 articles in two folders (every third with its notice's article changed to ۷۵), a picture no reader
 * takes, and a folder .manbaignore leaves out.
 */
function makeArchive(): { dir: string; files: string[] } {
  const dir = tmp();
  const files: string[] = [];
  for (const year of ['1399', '1400']) mkdirSync(join(dir, 'archive', year), { recursive: true });
  mkdirSync(join(dir, 'archive', 'drafts'));
  for (let i = 0; i < 12; i++) {
    const path = `archive/${i < 7 ? '1399' : '1400'}/${String(i).padStart(2, '0')}.txt`;
    writeFileSync(join(dir, path), i % 3 === 0 ? reference().replace('ماده ۷۴', 'ماده ۷۵') : reference());
    files.push(path);
  }
  writeFileSync(join(dir, 'archive', '1399', 'photo.png'), 'png');
  writeFileSync(join(dir, 'archive', 'drafts', 'draft.txt'), 'draft');
  writeFileSync(join(dir, '.manbaignore'), 'archive/drafts/\n');
  return { dir, files };
}

describe('manba list', () => {
  it('prints the files check would check, one a line, and says what the config left out', async () => {
    const { dir, files } = makeArchive();
    const r = await cli(['list', 'archive'], { cwd: dir });
    expect(r).toEqual({ code: 0, stdout: files.map((f) => `${f}\n`).join(''), stderr: 'manba: 1 file not listed (ignored by .manbaignore)\n' });
    // What check checks, by its own report.
    const checked = await cli(['check', 'archive', '--format', 'json'], { cwd: dir });
    expect(Object.keys(findingsByPath(checked.stdout))).toEqual(files);
    expect((await cli(['list', 'archive', '--null', '--verbose'], { cwd: dir })).stdout).toBe(files.map((f) => `${f}\0`).join(''));
    expect((await cli(['list', 'archive', '--verbose'], { cwd: dir })).stderr).toBe('manba: skipped archive/1399/photo.png: no reader for its extension\nmanba: 1 file not listed (ignored by .manbaignore)\n');
  });

  it('--shard i/n prints that shard, the files check --shard i/n checks', async () => {
    const { dir, files } = makeArchive();
    for (const i of [1, 2, 3]) {
      const r = await cli(['list', 'archive', '--shard', `${i}/3`], { cwd: dir });
      const mine = files.filter((f) => shardOf(f, 3) === i - 1);
      expect(r.stdout).toBe(mine.map((f) => `${f}\n`).join(''));
      const checked = await cli(['check', 'archive', '--shard', `${i}/3`, '--format', 'json'], { cwd: dir });
      expect(Object.keys(findingsByPath(checked.stdout))).toEqual(mine);
    }
  });

  it('--shards n writes each shard\'s list in one walk; checks of the lists, merged, are the check of the archive', async () => {
    const { dir, files } = makeArchive();
    const r = await cli(['list', 'archive', '--shards', '3', '--output-dir', 'lists'], { cwd: dir });
    expect(r).toEqual({ code: 0, stdout: '', stderr: 'manba: 1 file not listed (ignored by .manbaignore)\nmanba: listed 12 files in 3 shards: lists/shard-1.txt … shard-3.txt\n' });
    for (const i of [1, 2, 3]) {
      expect(readFileSync(join(dir, 'lists', `shard-${i}.txt`), 'utf8')).toBe(files.filter((f) => shardOf(f, 3) === i - 1).map((f) => `${f}\n`).join(''));
      const c = await cli(['check', '--files-from', `lists/shard-${i}.txt`, '--shard', `${i}/3`, '--format', `json:shard-${i}.json`], { cwd: dir });
      // Exit 1 for a shard that holds an altered notice (every third article), 0 for one that does not.
      const altered = files.some((f, k) => k % 3 === 0 && shardOf(f, 3) === i - 1);
      expect([c.code, c.stderr]).toEqual([altered ? 1 : 0, '']);
    }
    const merged = await cli(['merge', 'shard-1.json', 'shard-2.json', 'shard-3.json', '--format', 'json'], { cwd: dir });
    const one = await cli(['check', 'archive', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(merged.stdout).documents).toEqual(JSON.parse(one.stdout).documents);
    const line = reference().split('\n').findIndex((l) => l.includes('ماده ۷۴')) + 1;
    const column = reference().split('\n')[line - 1]!.indexOf('ماده ۷۴') + 'ماده '.length + 1;
    expect(findingsByPath(merged.stdout)).toEqual(Object.fromEntries(files.map((f, i) => [f, i % 3 === 0 ? [`notice/altered ${line}:${column}`] : []])));
    // A list made for another partition: its files of other shards are not checked, and said.
    const other = await cli(['check', '--files-from', 'lists/shard-1.txt', '--shard', '2/3', '--format', 'json'], { cwd: dir });
    const stray = files.filter((f) => shardOf(f, 3) === 0);
    expect(other.stderr).toBe(`manba: ${stray.length} files not checked (of another shard than 2/3)\n`);
    expect(JSON.parse(other.stdout).documents).toEqual([]);
  });

  it('--changed-since lists what check --changed-since checks: the files changed since the ref, and untracked ones', async () => {
    const dir = tmp();
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    git('config', 'user.email', 't@example.com');
    git('config', 'user.name', 't');
    for (const n of ['old.txt', 'edited.txt']) writeFileSync(join(dir, n), reference());
    git('add', '.');
    git('commit', '-qm', 'base');
    writeFileSync(join(dir, 'edited.txt'), `${reference()}\n`);
    writeFileSync(join(dir, 'new.txt'), reference());
    const r = await cli(['list', '.', '--changed-since', 'HEAD'], { cwd: dir });
    expect(r).toEqual({ code: 0, stdout: 'edited.txt\nnew.txt\n', stderr: 'manba: 1 file not listed (unchanged since HEAD)\n' });
    expect(Object.keys(findingsByPath((await cli(['check', '.', '--changed-since', 'HEAD', '--format', 'json'], { cwd: dir })).stdout))).toEqual(['edited.txt', 'new.txt']);
  });

  it('refuses what it cannot do, with exit 2', async () => {
    const { dir } = makeArchive();
    const refused = async (args: string[]) => {
      const r = await cli(args, { cwd: dir });
      return [r.code, r.stderr];
    };
    expect(await refused(['list'])).toEqual([2, 'manba: no paths given: name files, folders or globs to list, or give --files-from\n']);
    expect(await refused(['list', '-'])).toEqual([2, 'manba: manba list lists files: standard input (-) is not one; to list the paths it holds, use --files-from -\n']);
    expect(await refused(['list', 'archive', '--shards', '3'])).toEqual([2, 'manba: --shards N and --output-dir DIR go together: the N lists are written to DIR/shard-1.txt … DIR/shard-N.txt\n']);
    expect(await refused(['list', 'archive', '--shards', '0', '--output-dir', 'l'])).toEqual([2, 'manba: --shards takes a whole number of at least 1, not "0"\n']);
    expect(await refused(['list', 'archive', '--shards', '3', '--shard', '1/3', '--output-dir', 'l'])).toEqual([2, "manba: --shard prints one shard's files and --shards writes every shard's list: give one of them\n"]);
    expect(await refused(['list', 'archive', '--shard', '4/3'])).toEqual([2, 'manba: --shard takes i/n with 1 <= i <= n, e.g. 2/8, not "4/3"\n']);
    expect(await refused(['list', 'nowhere'])).toEqual([2, 'manba: no such file or folder: nowhere\n']);
    expect(await refused(['check', '--files-from', 'none.lst'])).toEqual([2, 'manba: cannot read the list of files none.lst: no such file\n']);
    expect(await refused(['check', 'archive', '--files-from', 'none.lst'])).toEqual([2, 'manba: --files-from none.lst names the paths to take: give no paths besides it (here: archive)\n']);
  });

  it('a name with a line break is listed only with --null, and checked from that list', async () => {
    const { dir } = makeArchive();
    writeFileSync(join(dir, 'archive', '1400', 'two\nlines.txt'), reference());
    const r = await cli(['list', 'archive/1400'], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([2, 'manba: "archive/1400/two\\nlines.txt" holds a line break, which a list of one path a line cannot: list with --null\n']);
    const nul = await cli(['list', 'archive/1400', '--null'], { cwd: dir });
    expect(nul.stdout).toBe('archive/1400/07.txt\0archive/1400/08.txt\0archive/1400/09.txt\0archive/1400/10.txt\0archive/1400/11.txt\0archive/1400/two\nlines.txt\0');
    const checked = await cli(['check', '--files-from', '-', '--format', 'json'], { cwd: dir, stdin: nul.stdout });
    expect(findingsByPath(checked.stdout)).toEqual(findingsByPath((await cli(['check', 'archive/1400', '--format', 'json'], { cwd: dir })).stdout));
    expect(Object.keys(findingsByPath(checked.stdout))).toHaveLength(6);
  });

  it('lists a name that is not UTF-8 as a folder, so that the check of the list reports it as the check of the archive does', async (ctx) => {
    const { dir } = makeArchive();
    const cp1256 = Buffer.from([0xcc, 0xc8, 0xd1]); // «خبر» in Windows-1256
    try {
      writeFileSync(Buffer.concat([Buffer.from(`${dir}/archive/1400/`), cp1256, Buffer.from('.txt')]), reference());
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EILSEQ') return ctx.skip();
      throw err;
    }
    const r = await cli(['list', 'archive/1400'], { cwd: dir });
    const why = 'cannot read archive/1400/���.txt: its name is not valid UTF-8 (manba shows its bad bytes as �), so it cannot be opened by name; rename it in UTF-8 (for example with convmv -f cp1256 -t utf-8)';
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`manba: warning: ${why}; listed as archive/1400/���.txt/, for the check to report it\n`);
    expect(r.stdout.split('\n')).toContain('archive/1400/���.txt/');
    const fromList = await cli(['check', '--files-from', '-', '--format', 'json'], { cwd: dir, stdin: r.stdout });
    const direct = await cli(['check', 'archive/1400', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(fromList.stdout).documents).toEqual(JSON.parse(direct.stdout).documents);
    expect(findingsByPath(direct.stdout)['archive/1400/���.txt']).toEqual(['input/unreadable 1:1']);
  });
});
