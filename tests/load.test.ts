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
import { reference } from './helpers.js';

const FILES = 400;
const name = (i: number) => `a/${String(i).padStart(5, '0')}.txt`;
const jsonl = (ids: string[]) => ids.map((id) => JSON.stringify({ id, title: 'عنوان', body: reference() })).join('\n') + '\n';

function archive(): string {
  const dir = mkdtempSync(join(tmpdir(), 'manba-load-'));
  mkdirSync(join(dir, 'a'));
  for (let i = 0; i < FILES; i++) writeFileSync(join(dir, name(i)), reference());
  for (let k = 0; k < 4; k++) writeFileSync(join(dir, `a/z-${k}.jsonl`), jsonl([`z${k}-a`, `z${k}-b`]));
  return dir;
}

/**
 * What happens to the files once the run has listed them and started checking (files far past the read-ahead
 * window, so none of them has been opened yet). The run is root in some sandboxes, and root reads a chmod-000
 * file all the same; so "unreadable" is made of things that fail for root too: a folder, a link to nothing and a
 * named pipe (which, opened the ordinary way with no writer, blocks forever) in place of the file.
 */
function disturb(dir: string): void {
  const at = (f: string) => join(dir, f);
  unlinkSync(at(name(300))); // vanished
  unlinkSync(at(name(301)));
  mkdirSync(at(name(301))); // a folder now
  unlinkSync(at(name(302)));
  symlinkSync(at('nowhere.txt'), at(name(302))); // a link to nothing
  unlinkSync(at(name(303)));
  execFileSync('mkfifo', [at(name(303))]); // a named pipe
  appendFileSync(at(name(304)), '\nبندی که پس از فهرست شدن پرونده افزوده شد.'); // grew
  unlinkSync(at('a/z-0.jsonl'));
  unlinkSync(at('a/z-1.jsonl'));
  execFileSync('mkfifo', [at('a/z-1.jsonl')]);
  appendFileSync(at('a/z-2.jsonl'), jsonl(['z2-c']));
}

async function run(jobs: string): Promise<{ code: number; documents: { path: string; findings: { ruleId: string; message: string }[] }[] }> {
  const dir = archive();
  let out = '';
  let disturbed = false;
  const code = await runCli(['check', 'a', '--format', 'json', '--jobs', jobs, '--progress'], {
    stdout: (s) => (out += s),
    // The progress line is first drawn when the first document is done: the files are listed, reading has begun.
    stderr: () => {
      if (!disturbed) disturb(dir);
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

describe.each(['1', '2'])('a folder changing while it is checked (--jobs %s)', (jobs) => {
  it('gives exactly one entry per document listed, and says what happened to each changed file', async () => {
    const { code, documents } = await run(jobs);
    const byFile = new Map<string, string[]>();
    for (const d of documents) {
      const file = d.path.split('#')[0]!;
      byFile.set(file, [...(byFile.get(file) ?? []), d.path]);
    }
    // Every .txt file once; the JSONL files once per article they held when opened, or once when gone.
    const expected = new Map<string, string[]>([
      ...Array.from({ length: FILES }, (_, i): [string, string[]] => [name(i), [name(i)]]),
      ['a/z-0.jsonl', ['a/z-0.jsonl']],
      ['a/z-1.jsonl', ['a/z-1.jsonl']],
      ['a/z-2.jsonl', ['a/z-2.jsonl#z2-a', 'a/z-2.jsonl#z2-b', 'a/z-2.jsonl#z2-c']],
      ['a/z-3.jsonl', ['a/z-3.jsonl#z3-a', 'a/z-3.jsonl#z3-b']],
    ]);
    expect(Object.fromEntries(byFile)).toEqual(Object.fromEntries(expected));

    const findings = (path: string) => documents.find((d) => d.path === path)!.findings.map((f) => ({ ruleId: f.ruleId, message: f.message }));
    expect(findings(name(300))).toEqual(unreadable(name(300), GONE));
    expect(findings(name(301))).toEqual(unreadable(name(301), 'is a folder'));
    expect(findings(name(302))).toEqual(unreadable(name(302), GONE));
    expect(findings(name(303))).toEqual(unreadable(name(303), 'is a named pipe (FIFO), not a file'));
    expect(findings('a/z-0.jsonl')).toEqual(unreadable('a/z-0.jsonl', GONE));
    expect(findings('a/z-1.jsonl')).toEqual(unreadable('a/z-1.jsonl', 'is a named pipe (FIFO), not a file'));
    // The grown file and the rest were checked as articles.
    for (const d of documents.filter((x) => ![300, 301, 302, 303].map(name).includes(x.path) && !['a/z-0.jsonl', 'a/z-1.jsonl'].includes(x.path))) {
      expect(d.findings.filter((f) => f.ruleId.startsWith('input/')), d.path).toEqual([]);
    }
    expect(code).toBe(1);
  }, 60_000);
});
