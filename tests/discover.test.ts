import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { argumentRoots, discover, listInputs, overlaps, type Input } from '../src/documents/discover.js';
import { FileCount, Listing } from '../src/documents/listing.js';
import { buildRuleSet } from '../src/config/load.js';
import { Engine } from '../src/engine/engine.js';
import { checkInputs, LISTED_FIRST } from '../src/engine/run.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('discover: the list of a run', () => {
  it('lists a folder in the order of its paths, folder by folder: «b.txt» before «b/c.txt», as a sort of the whole list puts them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manba-discover-'));
    dirs.push(dir);
    const files = ['b/c.txt', 'b.txt', 'ab/x.txt', 'a.txt', 'a.d/z.md', 'b0/y.txt', 'c/Z.txt', 'c/z.txt', 'c/é.txt', 'c/ض.txt', 'c/d/e/f.txt', 'c/d.txt', 'c/d-e.txt'];
    for (const f of files) {
      mkdirSync(join(dir, 'r', f, '..'), { recursive: true });
      writeFileSync(join(dir, 'r', f), 'x');
    }
    writeFileSync(join(dir, 'r', 'a'), 'x'); // no reader for it
    const list = await discover(['r'], dir);
    expect([...list].map((i) => i.path)).toEqual(files.map((f) => `r/${f}`).sort());
    // Written out, for the reader: «-» (0x2D) and «.» (0x2E) sort before «/» (0x2F), upper case before lower.
    expect([...list].map((i) => i.path).slice(6)).toEqual(['r/c/Z.txt', 'r/c/d-e.txt', 'r/c/d.txt', 'r/c/d/e/f.txt', 'r/c/z.txt', 'r/c/é.txt', 'r/c/ض.txt']);
  });

  it('follows a link to a file, in its place among the names, and not a link to a folder (a loop could not end) or to nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manba-discover-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'r', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'r', 'a.txt'), 'x');
    writeFileSync(join(dir, 'r', 'sub', 'c.txt'), 'x');
    symlinkSync(join(dir, 'r', 'a.txt'), join(dir, 'r', 'b.txt'));
    symlinkSync(join(dir, 'r'), join(dir, 'r', 'loop'));
    symlinkSync(join(dir, 'r', 'gone.txt'), join(dir, 'r', 'dangling.txt'));
    const list = await discover(['r'], dir);
    expect([...list].map((i) => i.path)).toEqual(['r/a.txt', 'r/b.txt', 'r/sub/c.txt']);
  });

  it('lists a file named twice once, where it is first named, and remembers only files a later argument can name again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manba-discover-'));
    dirs.push(dir);
    for (const f of ['r/a.txt', 'r/b/c.txt', 'r/b/d.txt', 'r/e/f.txt', 's/g.txt']) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      writeFileSync(join(dir, f), 'x');
    }
    const paths = async (args: string[]) => [...(await discover(args, dir))].map((i) => i.path);
    expect(await paths(['r', 'r/b', 'r/b/c.txt', 's'])).toEqual(['r/a.txt', 'r/b/c.txt', 'r/b/d.txt', 'r/e/f.txt', 's/g.txt']);
    expect(await paths(['r/b/c.txt', 'r/b', 'r'])).toEqual(['r/b/c.txt', 'r/b/d.txt', 'r/a.txt', 'r/e/f.txt']);
    expect(await paths(['r/*/c.txt', './r/'])).toEqual(['r/b/c.txt', 'r/a.txt', 'r/b/d.txt', 'r/e/f.txt']);
    expect(await paths(['s', 'r', 's/g.txt'])).toEqual(['s/g.txt', 'r/a.txt', 'r/b/c.txt', 'r/b/d.txt', 'r/e/f.txt']);
    // What each argument remembers: nothing for folders apart; under r, only what r/b will list again.
    const remembered = (args: string[]) => {
      const found = overlaps(argumentRoots(args, dir));
      return found.map((r) => (r ? ['r/a.txt', 'r/b/c.txt', 'r/b/d.txt', 's/g.txt'].filter((f) => r(join(dir, f))) : undefined));
    };
    expect(remembered(['r', 's'])).toEqual([undefined, undefined]);
    expect(remembered(['r', 'r/b'])).toEqual([['r/b/c.txt', 'r/b/d.txt'], undefined]);
    expect(remembered(['r/b', 'r'])).toEqual([['r/a.txt', 'r/b/c.txt', 'r/b/d.txt'], undefined]);
    expect(remembered(['s', 'r/b/c.txt', 'r'])).toEqual([undefined, ['r/a.txt', 'r/b/c.txt', 'r/b/d.txt'], undefined]);
  });

  it('keeps 2,500 files across its chunks of 1,024 in order, and counts files apart from other inputs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manba-discover-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'a'));
    for (let i = 0; i < 2500; i++) writeFileSync(join(dir, 'a', `${String(i).padStart(4, '0')}.txt`), 'x');
    writeFileSync(join(dir, 'a', 'notes.bin'), 'x'); // no reader for it: not listed from a folder
    const list = await discover(['a', 'missing.txt', '-'], dir);
    // 2,500 files, then the missing path, then standard input.
    expect(list.length).toBe(2502);
    expect(list.files).toBe(2500);
    expect(list.at(0)).toEqual({ kind: 'file', path: 'a/0000.txt' });
    expect(list.at(1023)).toEqual({ kind: 'file', path: 'a/1023.txt' });
    expect(list.at(1024)).toEqual({ kind: 'file', path: 'a/1024.txt' });
    expect(list.at(2499)).toEqual({ kind: 'file', path: 'a/2499.txt' });
    expect(list.at(2500)).toMatchObject({ kind: 'missing', path: 'missing.txt' });
    expect(list.at(2501)).toEqual({ kind: 'stdin', path: '<stdin>' });
  });

  it('asks `keep` of each file as it is found, with its absolute path, and lists only those it keeps', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manba-discover-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    for (let i = 0; i < 2500; i++) writeFileSync(join(dir, 'a', `${String(i).padStart(4, '0')}.txt`), 'x');
    writeFileSync(join(dir, 'a', 'b', 'c.txt'), 'x');
    writeFileSync(join(dir, 'one.txt'), 'x');
    const asked: [string, string][] = [];
    const keep = (absolute: string, shown: string) => {
      asked.push([absolute, shown]);
      return shown.endsWith('7.txt') || shown.endsWith('c.txt');
    };
    // The folder typed with «./» and a trailing «/», a file named outright and again inside the folder, stdin.
    const list = await discover(['./a/', 'a/0007.txt', 'one.txt', '-'], dir, undefined, keep);
    // Every file once (a/0007.txt is not asked again as a second argument), the folder's in order first.
    expect(asked.length).toBe(2502);
    expect(asked[0]).toEqual([join(dir, 'a', '0000.txt'), 'a/0000.txt']);
    expect(asked[2500]).toEqual([join(dir, 'a', 'b', 'c.txt'), 'a/b/c.txt']);
    expect(asked[2501]).toEqual([join(dir, 'one.txt'), 'one.txt']);
    // 250 files ending in 7 and a/b/c.txt kept; one.txt left out; standard input is not a file and stays.
    expect(list.files).toBe(251);
    expect(list.length).toBe(252);
    expect(list.at(249)).toEqual({ kind: 'file', path: 'a/2497.txt' });
    expect(list.at(250)).toEqual({ kind: 'file', path: 'a/b/c.txt' });
    expect(list.at(251)).toEqual({ kind: 'stdin', path: '<stdin>' });
  });
});

describe('files a run leaves out', () => {
  it('are told to onLeftOut as they are listed, with whether an argument named them, and not kept; without it, kept in `skipped`', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manba-left-out-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'a'));
    for (const n of ['1.txt', '2.txt', '3.txt']) writeFileSync(join(dir, 'a', n), 'x');
    const engine = new Engine(await buildRuleSet({ extends: [], builtins: true, rules: {} }));
    // Every file but a/2.txt left out; a/3.txt named outright as well as inside the folder named first.
    const accept = (absolute: string, named: boolean) => (absolute.endsWith('2.txt') ? true : named ? 'named, refused' : 'refused');
    const told: string[] = [];
    const outcome = await checkInputs(engine, ['a', 'a/3.txt', 'b.txt'], { cwd: dir, accept, onLeftOut: (path, reason, named) => told.push(`${path} ${reason} ${named}`) });
    // a/3.txt is listed once, inside a (its first naming), where the named flag is true: the file was named.
    expect(told).toEqual(['a/1.txt refused false', 'a/3.txt named, refused true']);
    expect(outcome.skipped).toEqual([]);
    expect(outcome.results.map((r) => r.path)).toEqual(['a/2.txt', 'b.txt']);
    const kept = await checkInputs(engine, ['a', 'a/3.txt'], { cwd: dir, accept });
    expect(kept.skipped).toEqual([
      { path: 'a/1.txt', reason: 'refused' },
      { path: 'a/3.txt', reason: 'named, refused' },
    ]);
  });
});

/** `count` inputs: a file, except every fifth, which is an argument that named nothing. */
function* inputs(count: number, pulled: { n: number }, failAt = Infinity): Generator<Input> {
  for (let i = 0; i < count; i++) {
    if (i === failAt) throw new Error(`listing failed at ${i}`);
    pulled.n++;
    yield i % 5 === 4 ? { kind: 'missing', path: `m${i}`, message: 'gone' } : { kind: 'file', path: `f${i}` };
  }
}

describe('a run takes its inputs as they are listed', () => {
  it('listInputs lists a folder only as far as it is asked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'manba-discover-'));
    dirs.push(dir);
    for (const f of ['a/1.txt', 'a/2.txt', 'b/1.txt', 'c/d/1.txt']) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      writeFileSync(join(dir, f), 'x');
    }
    const asked: string[] = [];
    const list = listInputs(['.'], dir, undefined, (_abs, shown) => asked.push(shown) > 0);
    expect(list.next().value).toEqual({ kind: 'file', path: 'a/1.txt' });
    expect(asked).toEqual(['a/1.txt']);
    expect(list.next().value).toEqual({ kind: 'file', path: 'a/2.txt' });
    expect(list.next().value).toEqual({ kind: 'file', path: 'b/1.txt' });
    expect(asked).toEqual(['a/1.txt', 'a/2.txt', 'b/1.txt']);
    expect([...list].map((i) => i.path)).toEqual(['c/d/1.txt']);
  });

  it('Listing lists as far as asked, keeps inputs across what it lets go of, and tells the number of files at the end', () => {
    const pulled = { n: 0 };
    const ends: number[] = [];
    const listing = new Listing(inputs(5000, pulled), (files) => ends.push(files));
    expect(listing.at(5)).toEqual({ kind: 'file', path: 'f5' });
    expect(pulled.n).toBe(6);
    expect(listing.at(4)).toEqual({ kind: 'missing', path: 'm4', message: 'gone' });
    expect(pulled.n).toBe(6);
    // Ten files are inputs 0–11 (4 and 9 are not files).
    listing.listFiles(10);
    expect(pulled.n).toBe(12);
    expect(listing.files).toBe(10);
    expect(listing.complete).toBe(false);
    for (let k = 0; k < 4000; k++) {
      expect(listing.at(k)!.path).toBe(k % 5 === 4 ? `m${k}` : `f${k}`);
      listing.release(k);
    }
    expect(listing.at(3999)!.path).toBe('m3999');
    expect(ends).toEqual([]);
    expect(listing.at(5000)).toBeUndefined();
    expect(ends).toEqual([4000]);
    expect(listing.complete).toBe(true);
    expect(listing.at(4999)).toEqual({ kind: 'missing', path: 'm4999', message: 'gone' });
    expect(listing.failure()).toBeUndefined();
  });

  it('Listing keeps a failure of the listing for the run to throw, and ends there', () => {
    const listing = new Listing(inputs(10, { n: 0 }, 7));
    expect(listing.at(6)!.path).toBe('f6');
    expect(listing.at(7)).toBeUndefined();
    expect(listing.complete).toBe(true);
    expect((listing.failure()!.thrown as Error).message).toBe('listing failed at 7');
  });

  it('FileCount counts the files ahead, and tells the count once it is whole', () => {
    const counts: number[] = [];
    const count = new FileCount(inputs(100_000, { n: 0 }), (files) => counts.push(files));
    while (counts.length === 0) count.advance(1);
    expect(counts).toEqual([80_000]);
    count.advance(1);
    expect(counts).toEqual([80_000]);
    const failed: number[] = [];
    new FileCount(inputs(10, { n: 0 }, 7), (files) => failed.push(files)).advance(100);
    expect(failed).toEqual([]);
  });

  it('checks the first files before the rest are listed, and keeps only the inputs between its checks and its reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manba-listing-run-'));
    dirs.push(dir);
    for (let f = 0; f < 4; f++) {
      mkdirSync(join(dir, `d${f}`));
      for (let i = 0; i < 1000; i++) writeFileSync(join(dir, `d${f}`, `${String(i).padStart(3, '0')}.txt`), `متن ${f} ${i}`);
    }
    const engine = new Engine(await buildRuleSet({ extends: [], builtins: true, rules: {} }), { now: new Date('2026-12-01T00:00:00Z') });
    let listed = 0;
    let checked = 0;
    let listedAtFirst = -1;
    let lead = 0;
    const outcome = await checkInputs(engine, ['.'], {
      cwd: dir,
      inThread: true,
      keepResults: false,
      // Asked of each file as it is listed: what the run has listed so far.
      accept: () => (listed++, true),
      onResult: () => {
        if (checked++ === 0) listedAtFirst = listed;
        if (checked > LISTED_FIRST) lead = Math.max(lead, listed - checked);
      },
    });
    expect(checked).toBe(4000);
    expect(listed).toBe(4000);
    expect(outcome.missing).toEqual([]);
    // What the run lists before it starts: enough files to choose how to check them, not the archive.
    expect(listedAtFirst).toBe(LISTED_FIRST);
    // Past those, the listing stays within the read-ahead's window of the checks: 192 files, asked for 64 at a time.
    expect(lead).toBeLessThanOrEqual(192 + 64);
    expect(lead).toBeGreaterThan(64);

    // A listing that fails part way: the files listed before it are checked, then the run throws its error.
    let asked = 0;
    checked = 0;
    const failing = checkInputs(engine, ['.'], {
      cwd: dir,
      inThread: true,
      keepResults: false,
      onResult: () => checked++,
      accept: () => {
        if (++asked === 1500) throw new Error('the ignore file went away');
        return true;
      },
    });
    await expect(failing).rejects.toThrow('the ignore file went away');
    expect(checked).toBe(1499);

    // With a progress line, the total is counted while the checks go, and told once.
    const totals: [number, number][] = [];
    checked = 0;
    await checkInputs(engine, ['.'], { cwd: dir, inThread: true, keepResults: false, onResult: () => checked++, onTotal: (files) => totals.push([files, checked]) });
    expect(totals).toHaveLength(1);
    expect(totals[0]![0]).toBe(4000);
    expect(totals[0]![1]).toBeGreaterThan(0);
  });
});
