import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode } from '../src/documents/decode.js';
import { readFileSnapshotSync } from '../src/documents/read.js';
import { cli, reference } from './helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'manba-read-'));

/** Bytes that differ at every position, so a chunk read at the wrong offset cannot go unnoticed. */
const pattern = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + (i >> 8)) & 0xff));

describe('readFileSnapshotSync (the one way a listed file is read, in this thread and on workers)', () => {
  it('reads files of every size exactly', () => {
    const dir = tmp();
    for (const size of [0, 1, 4600, 256 * 1024 - 1, 256 * 1024, 256 * 1024 + 1, 700_000]) {
      const file = join(dir, `f${size}`);
      writeFileSync(file, pattern(size));
      const r = readFileSnapshotSync(file, `f${size}`, 1_000_000);
      expect(r.ok, `size ${size}`).toBe(true);
      if (r.ok) expect(Buffer.from(r.bytes).equals(pattern(size)), `size ${size}`).toBe(true);
    }
  });

  it('refuses a file over the limit by its size, without reading it', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'small'), pattern(5000));
    writeFileSync(join(dir, 'large'), pattern(600_000));
    expect(readFileSnapshotSync(join(dir, 'small'), 'small', 4999)).toEqual({ ok: false, ruleId: 'input/too-large', message: 'small is 0.0 MB, over the 0 MB limit; not checked (raise maxFileSize in the config or --max-file-size)' });
    expect(readFileSnapshotSync(join(dir, 'small'), 'small', 5000).ok).toBe(true);
    expect(readFileSnapshotSync(join(dir, 'large'), 'large', 500_000)).toEqual({ ok: false, ruleId: 'input/too-large', message: 'large is 0.6 MB, over the 0 MB limit; not checked (raise maxFileSize in the config or --max-file-size)' });
  });

  it('says why a missing file and a folder cannot be read', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'folder'));
    expect(readFileSnapshotSync(join(dir, 'nope.txt'), 'nope.txt', 1000)).toEqual({ ok: false, ruleId: 'input/unreadable', message: expect.stringMatching(/^cannot read nope\.txt: /) });
    expect(readFileSnapshotSync(join(dir, 'folder'), 'folder', 1000)).toEqual({ ok: false, ruleId: 'input/unreadable', message: 'cannot read folder: is a folder' });
  });

  it('gives each read a buffer of its own (it may be transferred to another thread)', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a'), 'first');
    writeFileSync(join(dir, 'b'), 'second');
    const a = readFileSnapshotSync(join(dir, 'a'), 'a', 100);
    const b = readFileSnapshotSync(join(dir, 'b'), 'b', 100);
    expect(a.ok && Buffer.from(a.bytes).toString()).toBe('first');
    expect(b.ok && Buffer.from(b.bytes).toString()).toBe('second');
    expect(a.ok && b.ok && a.bytes.buffer !== b.bytes.buffer).toBe(true);
  });
});

describe('--max-file-size through the CLI', () => {
  it('reports input/too-large in one thread and on workers alike, and checks the rest', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'a'));
    const text = reference();
    const size = Buffer.byteLength(text);
    writeFileSync(join(dir, 'a', 'big.txt'), text + text);
    writeFileSync(join(dir, 'a', 'ok.txt'), text);
    for (const jobs of ['1', '2']) {
      const r = await cli(['check', 'a', '--format', 'json', '--jobs', jobs, '--max-file-size', String(size + 10)], { cwd: dir });
      const docs = (JSON.parse(r.stdout) as { documents: { path: string; findings: { ruleId: string; message: string; line: number; column: number }[] }[] }).documents;
      expect(docs.map((d) => d.path)).toEqual(['a/big.txt', 'a/ok.txt']);
      expect(docs[0]!.findings).toEqual([
        expect.objectContaining({ ruleId: 'input/too-large', line: 1, column: 1, message: `a/big.txt is ${((2 * size) / 1048576).toFixed(1)} MB, over the 0 MB limit; not checked (raise maxFileSize in the config or --max-file-size)` }),
      ]);
      expect(docs[1]!.findings).toEqual([]);
      expect(r.code).toBe(1);
    }
  });
});

describe('UTF-16, read as strictly as UTF-8', () => {
  const le = (text: string) => Buffer.from(text, 'utf16le');
  const be = (text: string) => Buffer.from(text, 'utf16le').swap16();

  it('reads a whole file, a surrogate pair included', () => {
    const d = decode(Buffer.concat([Buffer.from([0xff, 0xfe]), le('منبع 𝐀 ایرنا')]));
    expect(d).toEqual({ ok: true, text: 'منبع 𝐀 ایرنا', encoding: 'utf-16le', bom: true });
    expect(decode(Buffer.concat([Buffer.from([0xfe, 0xff]), be('متن')]))).toEqual({ ok: true, text: 'متن', encoding: 'utf-16be', bom: true });
  });

  it('says where a file ends in the middle of a character, or holds an unpaired surrogate', () => {
    expect(decode(Buffer.concat([Buffer.from([0xff, 0xfe]), le('ab\nمتن'), Buffer.from([0x41])]))).toEqual({
      ok: false, reason: 'encoding', byteOffset: 14, line: 2, column: 4,
      message: 'not valid UTF-16LE: a last character cut in half (an odd number of bytes) at byte offset 14 (line 2, column 4); save the file as UTF-8',
    });
    expect(decode(Buffer.concat([Buffer.from([0xfe, 0xff]), be('ab\nc'), Buffer.from([0xd8, 0x01, 0x00, 0x41])]))).toEqual({
      ok: false, reason: 'encoding', byteOffset: 10, line: 2, column: 2,
      message: 'not valid UTF-16BE: an unpaired surrogate 0xD801 at byte offset 10 (line 2, column 2); save the file as UTF-8',
    });
    // A low surrogate alone, with --encoding utf-16le and no byte-order mark.
    expect(decode(le('x\uDC00'), 'utf-16le')).toMatchObject({ ok: false, byteOffset: 2, line: 1, column: 2 });
  });

  it('is input/encoding at that place in a run', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), le('ab\nمتن'), Buffer.from([0x41])]));
    const r = await cli(['check', 'a.txt', '--format', 'compact'], { cwd: dir });
    expect(r.stdout).toBe('a.txt:2:4: error input/encoding a.txt: not valid UTF-16LE: a last character cut in half (an odd number of bytes) at byte offset 14 (line 2, column 4); save the file as UTF-8\n');
    expect(r.code).toBe(1);
  });
});
