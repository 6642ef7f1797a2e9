/**
 * The read-ahead of a run in one thread: every file's bytes come back exactly, in order, with the same refusals as a
 * read at the file's turn, across batches and buffers handed back for reuse; and when its thread dies, the files it
 * had not answered are read all the same.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReadAhead, type FileToRead } from '../src/documents/read-ahead.js';
import { readFileSnapshotSync, type FileBytes } from '../src/documents/read.js';
import { checkInputs } from '../src/engine/run.js';
import { Engine } from '../src/engine/engine.js';
import { buildRuleSet } from '../src/config/load.js';
import { reference, ROOT } from './helpers.js';
import { spawnSync } from 'node:child_process';

/** Bytes particular to file i at every position: a file given another's bytes, or bytes at the wrong offset, shows. */
const content = (i: number) => Buffer.from(Array.from({ length: 500 + ((i * 37) % 3000) }, (_, k) => (i * 13 + k * 7 + (k >> 8)) & 0xff));

/** A folder of `count` files; a few are no longer files, one is larger than `maxSize`. */
function folder(count: number): { dir: string; files: FileToRead[] } {
  const dir = mkdtempSync(join(tmpdir(), 'manba-read-ahead-'));
  const files: FileToRead[] = [];
  for (let i = 0; i < count; i++) {
    const shown = `f${String(i).padStart(4, '0')}.txt`;
    const absolute = join(dir, shown);
    if (i === 70) mkdirSync(absolute);
    else if (i === 71) writeFileSync(absolute, Buffer.alloc(9000, 1));
    else if (i !== 130) writeFileSync(absolute, content(i)); // 130: never written
    files.push({ absolute, shown });
  }
  return { dir, files };
}

const MAX = 8000;
/** What a read at the file's turn gives, as plain data. */
const plain = (r: FileBytes) => (r.ok ? { ok: true, bytes: Buffer.from(r.bytes).toString('hex') } : r);

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

/** What reads at each file's turn give. */
const readsAtTheirTurn = (files: FileToRead[]) => files.map((f) => plain(readFileSnapshotSync(f.absolute, f.shown, MAX)));

/** Ends the thread from outside, as an out-of-memory or a crash of the thread would. */
const kill = (ahead: ReadAhead) => (ahead as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();

describe('ReadAhead', () => {
  it('gives each file the bytes, or the refusal, a read at its turn would give, in order, over many batches', async () => {
    // 11 batches of 64: buffers go back to the thread and are reused.
    await withReadAhead(700, async (files, ahead) => {
      const got = [];
      for (const f of files) got.push(await ahead.take(f.absolute, plain));
      expect(got).toEqual(readsAtTheirTurn(files));
      // The refusals, spelled out (the comparison above would pass if both ways were wrong alike).
      expect(got[70]).toEqual({ ok: false, ruleId: 'input/unreadable', message: 'cannot read f0070.txt: is a folder' });
      expect(got[71]).toEqual({ ok: false, ruleId: 'input/too-large', message: 'f0071.txt is 0.0 MB, over the 0 MB limit; not checked (raise maxFileSize in the config or --max-file-size)' });
      expect(got[130]).toEqual({ ok: false, ruleId: 'input/unreadable', message: 'cannot read f0130.txt: no such file (removed after it was listed, or a link to nothing)' });
      expect(got[699]).toEqual({ ok: true, bytes: content(699).toString('hex') });
    });
  });

  it('reads files of every size exactly, a batch buffer growing past its start size and a large one not reused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manba-read-ahead-sizes-'));
    // 0 bytes; one byte; a batch whose files outgrow its 256 KB start; 3 MB (a buffer not given back for reuse);
    // then small files, read into the buffers that came back.
    const sizes = [0, 1, ...Array.from({ length: 20 }, () => 40_000), 3_000_000, ...Array.from({ length: 300 }, (_, i) => 100 + i * 37)];
    const bytesOf = (i: number, n: number) => Buffer.from(Array.from({ length: n }, (_, k) => (i * 31 + k * 7 + (k >> 8)) & 0xff));
    const files = sizes.map((n, i) => {
      const absolute = join(dir, `s${i}`);
      writeFileSync(absolute, bytesOf(i, n));
      return { absolute, shown: `s${i}` };
    });
    const ahead = new ReadAhead(10_000_000).read(files.values());
    try {
      for (const [i, f] of files.entries()) {
        const same = await ahead.take(f.absolute, (r) => r.ok && Buffer.from(r.bytes).equals(bytesOf(i, sizes[i]!)));
        expect(same, `file ${i} (${sizes[i]} bytes)`).toBe(true);
      }
    } finally {
      ahead.close();
    }
  });

  it('takes files asked for all at once (a window of checks) in order', () =>
    withReadAhead(150, async (files, ahead) => {
      const got = await Promise.all(files.map((f) => ahead.take(f.absolute, plain)));
      expect(got).toEqual(readsAtTheirTurn(files));
    }));

  it('reads in this thread what its thread had not answered when that thread died', () =>
    withReadAhead(600, async (files, ahead) => {
      const got = [];
      for (const f of files.slice(0, 10)) got.push(await ahead.take(f.absolute, plain));
      await kill(ahead);
      for (const f of files.slice(10)) got.push(await ahead.take(f.absolute, plain));
      expect(got).toEqual(readsAtTheirTurn(files));
    }));

  it('refuses a file taken out of the order it was given', () =>
    withReadAhead(3, async (files, ahead) => {
      await kill(ahead);
      await expect(ahead.take(files[1]!.absolute, plain)).rejects.toThrow(`read-ahead out of order at ${files[1]!.absolute}`);
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
