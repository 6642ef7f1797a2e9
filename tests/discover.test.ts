import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discover } from '../src/documents/discover.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('discover: the list of a run', () => {
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
    const kept = list.filter((input) => input.kind !== 'file' || input.path.endsWith('7.txt'));
    expect(kept.files).toBe(250);
    expect(kept.length).toBe(252);
    expect(kept.at(249)).toEqual({ kind: 'file', path: 'a/2497.txt' });
  });
});
