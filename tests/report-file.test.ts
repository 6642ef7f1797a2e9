import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, reference, ROOT } from './helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'manba-report-file-'));

function archive(n: number): string {
  const dir = tmp();
  mkdirSync(join(dir, 'a'));
  for (let i = 0; i < n; i++) writeFileSync(join(dir, 'a', `${String(i).padStart(5, '0')}.txt`), reference());
  return dir;
}

const exited = (child: ChildProcess) => new Promise<number | null>((r) => child.on('close', (code) => r(code)));

/** The pid of a process that has run and exited: no process has it now (pid reuse within a test is not a concern). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await exited(child);
  return child.pid!;
}

// A process that stays alive for the test: its temporaries belong to a run still writing.
const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' });
afterAll(() => {
  sleeper.kill();
});

describe('report files of a run killed outright', () => {
  it('SIGKILL mid-run leaves the previous report intact; the next run writing it removes the dead run\'s temporary', async () => {
    // Enough documents that the run cannot end between two progress lines (a tenth of a second apart): with 600, a
    // faster checker finished before the kill arrived.
    const documents = 4000;
    const dir = archive(documents);
    const previous = '{"previous": "report"}\n';
    writeFileSync(join(dir, 'out.json'), previous);
    const child = spawn(process.execPath, [`${ROOT}bin/manba.js`, 'check', 'a', '--format', 'json', '--output', 'out.json', '--jobs', '1', '--progress'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    let killed = false;
    child.stderr!.on('data', (d) => {
      err += d;
      // Kill once some documents are done: the report is being written into its temporary (past its first 64 KB).
      const m = /(\d+)\/\d+ documents/.exec(err.slice(-200));
      if (!killed && m && Number(m[1]) >= 100) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    await exited(child);
    expect(killed).toBe(true);
    const leftover = `out.json.${child.pid}.tmp`;
    expect(readdirSync(dir).sort()).toEqual(['a', 'out.json', leftover]);
    expect(readFileSync(join(dir, 'out.json'), 'utf8')).toBe(previous);
    expect(readFileSync(join(dir, leftover), 'utf8')).toMatch(/^\{/);

    // A live process's temporary, and a dead process's temporary of another report, stay.
    const live = `out.json.${sleeper.pid}.tmp`;
    const otherReport = `other.json.${await deadPid()}.tmp`;
    writeFileSync(join(dir, live), 'being written');
    writeFileSync(join(dir, otherReport), 'not this report');
    const next = spawn(process.execPath, [`${ROOT}bin/manba.js`, 'check', 'a', '--format', 'json', '--output', 'out.json', '--jobs', '1'], { cwd: dir, stdio: 'ignore' });
    expect(await exited(next)).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['a', otherReport, 'out.json', live].sort());
    expect(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).summary.documents).toBe(documents);
    expect(readFileSync(join(dir, live), 'utf8')).toBe('being written');
  }, 60_000);

  for (const [how, args] of [
    ['a report written whole (stylish --output)', ['--output', 'out.txt']],
    ['a report written in chunks (--format sarif:out.txt)', ['--format', 'sarif:out.txt']],
    ['a report written as documents are checked (--format json --output)', ['--format', 'json', '--output', 'out.txt']],
  ] as const) {
    it(`${how}: dead processes' temporaries are removed, a live one's kept`, async () => {
      const dir = archive(2);
      const dead = [`out.txt.${await deadPid()}.tmp`, `out.txt.${await deadPid()}.tmp`];
      const live = `out.txt.${sleeper.pid}.tmp`;
      for (const f of [...dead, live, 'out.txt.notapid.tmp']) writeFileSync(join(dir, f), 'x');
      const r = await cli(['check', 'a', ...args], { cwd: dir });
      expect(r.code).toBe(0);
      expect(readdirSync(dir).sort()).toEqual(['a', 'out.txt', live, 'out.txt.notapid.tmp'].sort());
    });
  }
});
