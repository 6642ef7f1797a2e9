/**
 * Under load, nothing is lost: files that vanish, stop being readable or grow after the run listed them each
 * still give exactly one entry per document, in this thread and on workers, and the run ends.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/program.js';
import { documentsInFlight } from '../src/engine/pool.js';
import { reference } from './helpers.js';

const name = (i: number) => `a/${String(i).padStart(5, '0')}.txt`;
const jsonl = (ids: string[]) => ids.map((id) => JSON.stringify({ id, title: 'عنوان', body: reference() })).join('\n') + '\n';

function archive(files: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'manba-load-'));
  mkdirSync(join(dir, 'a'));
  for (let i = 0; i < files; i++) writeFileSync(join(dir, name(i)), reference());
  for (let k = 0; k < 4; k++) writeFileSync(join(dir, `a/z-${k}.jsonl`), jsonl([`z${k}-a`, `z${k}-b`]));
  return dir;
}

/**
 * What happens to the files once the run has listed them and started checking (files `far` and after, past the
 * window of documents in flight and past what the read-ahead thread has read, so none of them has been opened yet). The run is root in some sandboxes, and root reads a chmod-000
 * file all the same; so "unreadable" is made of things that fail for root too: a folder, a link to nothing and a
 * named pipe (which, opened the ordinary way with no writer, blocks forever) in place of the file.
 */
function disturb(dir: string, far: number): void {
  const at = (f: string) => join(dir, f);
  unlinkSync(at(name(far + 0))); // vanished
  unlinkSync(at(name(far + 1)));
  mkdirSync(at(name(far + 1))); // a folder now
  unlinkSync(at(name(far + 2)));
  symlinkSync(at('nowhere.txt'), at(name(far + 2))); // a link to nothing
  unlinkSync(at(name(far + 3)));
  execFileSync('mkfifo', [at(name(far + 3))]); // a named pipe
  appendFileSync(at(name(far + 4)), '\nبندی که پس از فهرست شدن پرونده افزوده شد.'); // grew
  unlinkSync(at('a/z-0.jsonl'));
  unlinkSync(at('a/z-1.jsonl'));
  execFileSync('mkfifo', [at('a/z-1.jsonl')]);
  appendFileSync(at('a/z-2.jsonl'), jsonl(['z2-c']));
}

async function run(jobs: string, files: number): Promise<{ code: number; documents: { path: string; findings: { ruleId: string; message: string }[] }[] }> {
  const dir = archive(files);
  let out = '';
  let disturbed = false;
  const code = await runCli(['check', 'a', '--format', 'json', '--jobs', jobs, '--progress'], {
    stdout: (s) => (out += s),
    // The progress line is first drawn when the first document is done: the files are listed, reading has begun.
    stderr: () => {
      if (!disturbed) disturb(dir, files - 100);
      disturbed = true;
    },
    cwd: dir,
    readStdin: async () => new Uint8Array(),
    isTTY: false,
    env: {},
  });
  expect(disturbed).toBe(true);
  return { code, documents: JSON.parse(out).documents };
}

const unreadable = (file: string, why: string) => [{ ruleId: 'input/unreadable', message: `cannot read ${file}: ${why}` }];
const GONE = 'no such file (removed after it was listed, or a link to nothing)';

// 1,400 files in one thread: the files are read ahead by a second thread (READ_AHEAD_FROM), 400 are not. With
// --jobs 2, the changed files lie past the documents in flight.
describe.each([
  ['1', 400],
  ['2', documentsInFlight(2) + 500],
  ['1', 1400],
])('a folder changing while it is checked (--jobs %s, %i files)', (jobs, files) => {
  it('gives exactly one entry per document listed, and says what happened to each changed file', async () => {
    const far = files - 100;
    const { code, documents } = await run(jobs, files);
    const byFile = new Map<string, string[]>();
    for (const d of documents) {
      const file = d.path.split('#')[0]!;
      byFile.set(file, [...(byFile.get(file) ?? []), d.path]);
    }
    // Every .txt file once; the JSONL files once per article they held when opened, or once when gone.
    const expected = new Map<string, string[]>([
      ...Array.from({ length: files }, (_, i): [string, string[]] => [name(i), [name(i)]]),
      ['a/z-0.jsonl', ['a/z-0.jsonl']],
      ['a/z-1.jsonl', ['a/z-1.jsonl']],
      ['a/z-2.jsonl', ['a/z-2.jsonl#z2-a', 'a/z-2.jsonl#z2-b', 'a/z-2.jsonl#z2-c']],
      ['a/z-3.jsonl', ['a/z-3.jsonl#z3-a', 'a/z-3.jsonl#z3-b']],
    ]);
    expect(Object.fromEntries(byFile)).toEqual(Object.fromEntries(expected));

    const findings = (path: string) => documents.find((d) => d.path === path)!.findings.map((f) => ({ ruleId: f.ruleId, message: f.message }));
    expect(findings(name(far + 0))).toEqual(unreadable(name(far + 0), GONE));
    expect(findings(name(far + 1))).toEqual(unreadable(name(far + 1), 'is a folder'));
    expect(findings(name(far + 2))).toEqual(unreadable(name(far + 2), GONE));
    expect(findings(name(far + 3))).toEqual(unreadable(name(far + 3), 'is a named pipe (FIFO), not a file'));
    expect(findings('a/z-0.jsonl')).toEqual(unreadable('a/z-0.jsonl', GONE));
    expect(findings('a/z-1.jsonl')).toEqual(unreadable('a/z-1.jsonl', 'is a named pipe (FIFO), not a file'));
    // The grown file and the rest were checked as articles.
    for (const d of documents.filter((x) => ![far, far + 1, far + 2, far + 3].map(name).includes(x.path) && !['a/z-0.jsonl', 'a/z-1.jsonl'].includes(x.path))) {
      expect(d.findings.filter((f) => f.ruleId.startsWith('input/')), d.path).toEqual([]);
    }
    expect(code).toBe(1);
  }, 60_000);
});
