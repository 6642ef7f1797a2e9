import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discover } from '../src/documents/discover.js';

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
