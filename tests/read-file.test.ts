import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFileBounded } from '../src/documents/read-file.js';
import { cli, reference } from './helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'manba-read-'));

/** Bytes that differ at every position, so a chunk read at the wrong offset cannot go unnoticed. */
const pattern = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + (i >> 8)) & 0xff));

describe('readFileBounded', () => {
  it('reads a small file and a file larger than its first read exactly', () => {
    const dir = tmp();
    for (const size of [0, 1, 4600, 256 * 1024 - 1, 256 * 1024, 256 * 1024 + 1, 700_000]) {
      const file = join(dir, `f${size}`);
      writeFileSync(file, pattern(size));
      const r = readFileBounded(file, 1_000_000);
      expect(r.ok, `size ${size}`).toBe(true);
      if (r.ok) expect(r.bytes.equals(pattern(size)), `size ${size}`).toBe(true);
    }
  });

  it('gives the size of a file over the limit without reading it whole, below and above its first read', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'small'), pattern(5000));
    writeFileSync(join(dir, 'large'), pattern(600_000));
    expect(readFileBounded(join(dir, 'small'), 4999)).toEqual({ ok: false, tooLarge: true, size: 5000 });
    expect(readFileBounded(join(dir, 'small'), 5000).ok).toBe(true);
    expect(readFileBounded(join(dir, 'large'), 500_000)).toEqual({ ok: false, tooLarge: true, size: 600_000 });
  });

  it('reports a missing file and a folder as errors with their codes', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'folder'));
    const missing = readFileBounded(join(dir, 'nope.txt'), 1000);
    expect(missing.ok === false && !missing.tooLarge && missing.error.code).toBe('ENOENT');
    const folder = readFileBounded(join(dir, 'folder'), 1000);
    expect(folder.ok === false && !folder.tooLarge && folder.error.code).toBe('EISDIR');
  });

  it('gives each read a buffer of its own', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a'), 'first');
    writeFileSync(join(dir, 'b'), 'second');
    const a = readFileBounded(join(dir, 'a'), 100);
    const b = readFileBounded(join(dir, 'b'), 100);
    expect(a.ok && a.bytes.toString()).toBe('first');
    expect(b.ok && b.bytes.toString()).toBe('second');
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
