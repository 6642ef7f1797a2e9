/**
 * docs/cluster/slurm-audit.sbatch on a real Slurm cluster: a job that lists the archive into one list per shard, an
 * array of shards that waits for it, and a merge job that waits for them, submitted through
 * docs/cluster/slurm-submit.sh. Needs a running Slurm (CI starts a one-node cluster with
 * .ci/slurm-up); without one the Slurm tests are skipped, except in CI, where that is a failure.
 * The sbatch script itself is also run by hand, as Slurm would run it, so its steps are tested everywhere.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { positionOf, reference, ROOT } from './helpers.js';

const SBATCH = `${ROOT}docs/cluster/slurm-audit.sbatch`;
const SUBMIT = `${ROOT}docs/cluster/slurm-submit.sh`;
/** This checkout's manba, by absolute paths: the jobs run in another process tree, as root, on the same files. */
const MANBA = `${process.execPath} ${ROOT}bin/manba.js`;
const SHARDS = 3;

const sinfo = spawnSync('sinfo', ['--noheader', '--format=%T'], { encoding: 'utf8' });
const slurmState = sinfo.error ? `sinfo is not installed (${sinfo.error.message})` : sinfo.status !== 0 ? `sinfo failed: ${sinfo.stderr.trim()}` : `nodes: ${sinfo.stdout.trim() || 'none'}`;
/** A node that can take jobs: idle, or busy with others (mixed, allocated). */
const slurmUp = !sinfo.error && sinfo.status === 0 && /^(idle|mixed|allocated)/m.test(sinfo.stdout);

type Finding = { ruleId: string; line: number; column: number; message: string };
type Report = {
  tool: { name: string; version: string };
  documents: { path: string; sha256: string; findings: Finding[] }[];
  summary: { documents: number; errors: number; warnings: number };
  run: { startedAt: string; finishedAt: string; settings: Record<string, unknown> } & Record<string, unknown>;
};
const readReport = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Report;

const altered = () => reference().replace('ماده ۷۴', 'ماده ۷۵');
const withoutNotice = () => reference().replace(/\nبا استناد[^\n]*/, '');
/** Where notice/missing points: the end of the article, where the notice belongs. */
const endOf = (text: string) => {
  const lines = text.split('\n');
  return { line: lines.length, column: lines.at(-1)!.length + 1 };
};

/**
 * An archive of 60 documents in two year folders and one JSONL export: every third article's notice altered (۷۵
 * for ۷۴), every fifth without the notice, the others passing. Returns the folder to run from (the archive is
 * `archive/` in it) and, by path, the findings each document must have, computed here from how it was made.
 */
function makeArchive(): { dir: string; expected: Map<string, string[]> } {
  const dir = mkdtempSync(join(tmpdir(), 'manba-slurm-'));
  const expected = new Map<string, string[]>();
  const variant = (i: number): { text: string; kind: 'altered' | 'missing' | 'pass' } =>
    i % 5 === 0 ? { text: withoutNotice(), kind: 'missing' } : i % 3 === 0 ? { text: altered(), kind: 'altered' } : { text: reference(), kind: 'pass' };
  for (const year of ['1399', '1400']) mkdirSync(join(dir, 'archive', year), { recursive: true });
  for (let i = 0; i < 55; i++) {
    const path = `archive/${i < 30 ? '1399' : '1400'}/${String(i).padStart(3, '0')}.txt`;
    const { text, kind } = variant(i);
    writeFileSync(join(dir, path), text);
    const at = kind === 'altered' ? positionOf(text, '۷۵') : endOf(text);
    expected.set(path, kind === 'pass' ? [] : [`notice/${kind} ${at.line}:${at.column}`]);
  }
  mkdirSync(join(dir, 'archive', 'exports'));
  const lines: string[] = [];
  for (let i = 55; i < 60; i++) {
    const { text, kind } = variant(i);
    lines.push(JSON.stringify({ id: `n${i}`, title: 'تهران و دمشق توافقنامه همکاری نظامی امضا کردند', body: text }));
    const file = lines.join('\n');
    // Inside the export, a finding points into the JSON string on the article's own line; the end of the article
    // is the body's closing quote (the body is the last field).
    const at = kind === 'altered' ? positionOf(file, '۷۵', file.length - lines.at(-1)!.length) : { line: lines.length, column: lines.at(-1)!.lastIndexOf('"') + 1 };
    expected.set(`archive/exports/news.jsonl#n${i}`, kind === 'pass' ? [] : [`notice/${kind} ${at.line}:${at.column}`]);
  }
  writeFileSync(join(dir, 'archive', 'exports', 'news.jsonl'), lines.join('\n') + '\n');
  return { dir, expected };
}

/** The one-machine run the cluster's result must equal: the same paths, from the same folder. */
function oneMachine(dir: string): Report {
  const r = spawnSync(process.execPath, [`${ROOT}bin/manba.js`, 'check', 'archive', '--jobs', '1', '--format', 'json:one.json'], { cwd: dir, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(1);
  return readReport(join(dir, 'one.json'));
}

/** A merged report and the one-machine report, document for document, and their evidence less what differs. */
function expectSameAudit(merged: Report, one: Report, reports: number): void {
  expect(merged.documents.map((d) => d.path)).toEqual(one.documents.map((d) => d.path));
  expect(merged.documents).toEqual(one.documents);
  expect(merged.summary).toEqual(one.summary);
  expect(merged.tool).toEqual(one.tool);
  // Times are the shards' own; the settings say how many reports were merged instead of which shard each was.
  const evidence = ({ startedAt: _s, finishedAt: _f, settings: _settings, ...rest }: Report['run']) => rest;
  expect(evidence(merged.run)).toEqual(evidence(one.run));
  expect(merged.run.settings).toEqual({ ...one.run.settings, merged: reports });
}

function expectFindingsAsMade(report: Report, expected: Map<string, string[]>): void {
  const byPath = Object.fromEntries(report.documents.map((d) => [d.path, d.findings.map((f) => `${f.ruleId} ${f.line}:${f.column}`)]));
  expect(byPath).toEqual(Object.fromEntries(expected));
  // 60 documents: 12 without the notice (i % 5 == 0), 16 altered (i % 3 == 0 and not i % 5 == 0), 32 passing.
  expect(report.summary).toEqual({ documents: 60, errors: 28, warnings: 0 });
}

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE']);

/** Each job (an array's tasks each) as `id state exit`, from scontrol (no accounting database is needed). */
function jobStates(id: string): { job: string; state: string; exit: string; reason: string; timeLimit: string }[] {
  const r = spawnSync('scontrol', ['show', 'job', '--oneliner', id], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scontrol show job ${id}: ${r.stderr}`);
  return r.stdout.trim().split('\n').map((line) => {
    const field = (name: string) => new RegExp(`(?:^| )${name}=(\\S*)`).exec(line)?.[1] ?? '';
    const task = field('ArrayTaskId');
    return { job: task ? `${field('ArrayJobId')}_${task}` : field('JobId'), state: field('JobState'), exit: field('ExitCode'), reason: field('Reason'), timeLimit: field('TimeLimit') };
  });
}

/** Waits until every job named is over, at most two minutes; then cancels what is left and fails. */
async function waitForJobs(ids: string[]): Promise<Map<string, ReturnType<typeof jobStates>[number]>> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const states = ids.flatMap(jobStates);
    // An array whose tasks are not all started yet is one pending record: wait for it to be split.
    if (states.every((s) => TERMINAL.has(s.state))) return new Map(states.map((s) => [s.job, s]));
    if (Date.now() > deadline) {
      spawnSync('scancel', ids);
      throw new Error(`Slurm jobs not done in 2 minutes: ${JSON.stringify(states)}\n${spawnSync('squeue', [], { encoding: 'utf8' }).stdout}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** What the jobs printed, log by log. */
function jobLogs(out: string): Record<string, string> {
  return Object.fromEntries(readdirSync(out).filter((f) => f.startsWith('slurm-')).sort().map((f) => [f, readFileSync(join(out, f), 'utf8')]));
}

function submit(dir: string, env: Record<string, string>, sbatchOptions: string[] = []): { list: string; shards: string; merge: string; stdout: string } {
  const r = spawnSync('bash', [SUBMIT, 'archive', String(SHARDS), 'out', ...(sbatchOptions.length ? ['--', ...sbatchOptions] : [])], { cwd: dir, encoding: 'utf8', env: { ...process.env, MANBA, ...env } });
  expect(r.status, r.stderr).toBe(0);
  const ids = /^list job (\d+), shards job (\d+), merge job (\d+)$/m.exec(r.stdout);
  expect(ids, r.stdout).not.toBeNull();
  return { list: ids![1]!, shards: ids![2]!, merge: ids![3]!, stdout: r.stdout };
}

// In CI a missing Slurm is a failure, not a reason to skip: .ci/run starts a one-node cluster with .ci/slurm-up.
it.runIf(!!process.env.CI)('CI has a Slurm node that takes jobs', () => {
  expect(slurmUp, `CI is set and there is no Slurm to submit to: ${slurmState}`).toBe(true);
});

describe.skipIf(!slurmUp)(`Slurm job array (${slurmState})`, () => {
  it('a list job, an array of 3 shards checking their lists and the dependent merge give the one-machine report, document for document', { timeout: 150_000 }, async () => {
    const { dir, expected } = makeArchive();
    const one = oneMachine(dir);
    expectFindingsAsMade(one, expected);

    // sbatch options reach both submissions: a time limit, and at most two shards at once instead of all three.
    const { list, shards, merge, stdout } = submit(dir, {}, ['--time=10', '--array=1-3%2']);
    expect(stdout).toContain(`slurm-submit: 3 shards of archive, reports in ${dir}/out\n`);
    const states = await waitForJobs([list, shards, merge]);
    const logs = jobLogs(join(dir, 'out'));
    console.log(`${stdout}${[...states].map(([job, s]) => `${job} ${s.state} ${s.exit}`).join('\n')}\n${Object.entries(logs).map(([f, text]) => `${f}: ${text}`).join('')}`);
    expect([...states].map(([job, s]) => `${job} ${s.state} ${s.exit}`).sort()).toEqual([`${list} COMPLETED 0:0`, `${merge} COMPLETED 0:0`, `${shards}_1 COMPLETED 0:0`, `${shards}_2 COMPLETED 0:0`, `${shards}_3 COMPLETED 0:0`].sort());
    expect([...states.values()].map((s) => s.timeLimit)).toEqual(['00:10:00', '00:10:00', '00:10:00', '00:10:00', '00:10:00']);

    // One listing of the archive (55 files and the export), into the three lists the tasks took.
    expect(logs[`slurm-${list}-list.out`]).toBe(`manba: listed 56 files in 3 shards: ${dir}/out/lists-3/shard-1.txt … shard-3.txt\nmanba-audit: listed archive in 3 shards -> ${dir}/out/lists-3\n`);
    const listed = [1, 2, 3].map((i) => readFileSync(join(dir, 'out', 'lists-3', `shard-${i}.txt`), 'utf8').split('\0').filter(Boolean));
    expect(listed.flat().sort()).toEqual([...new Set(one.documents.map((d) => d.path.replace(/#.*/, '')))].sort());

    // Each task checked its own shard; together, every document once.
    const parts = [1, 2, 3].map((i) => readReport(join(dir, 'out', `shard-${i}.json`)));
    parts.forEach((p, i) => expect(p.run.settings.shard).toBe(`${i + 1}/3`));
    expect(parts.every((p) => p.documents.length > 0)).toBe(true);
    expect(parts.flatMap((p) => p.documents.map((d) => d.path)).sort()).toEqual(one.documents.map((d) => d.path).sort());
    const line = (p: Report) => `${p.summary.documents} documents, ${p.summary.errors} errors, 0 warnings`;
    parts.forEach((p, i) => expect(logs[`slurm-${shards}_${i + 1}.out`]).toBe(`manba-audit: shard ${i + 1}/3 of archive (from its list) on ${hostname()}: ${line(p)} -> ${dir}/out/shard-${i + 1}.json\n`));
    // Each task's documents are its list's files.
    parts.forEach((p, i) => expect([...new Set(p.documents.map((d) => d.path.replace(/#.*/, '')))]).toEqual(listed[i]));

    const merged = readReport(join(dir, 'out', 'audit.json'));
    expectSameAudit(merged, one, 3);
    expectFindingsAsMade(merged, expected);
    expect(logs[`slurm-${merge}-merge.out`]).toBe(`manba-audit: merged 3 shards of archive: 60 documents, 28 errors, 0 warnings -> ${dir}/out/audit.json\n`);
    // The merge's other reports, by default.
    expect(readFileSync(join(dir, 'out', 'audit.csv'), 'utf8').replace('\uFEFF', '').trimEnd().split('\r\n')).toHaveLength(1 + 28);
    expect(readFileSync(join(dir, 'out', 'audit.html'), 'utf8')).toContain('<html');
  });

  it('a shard that fails (exit 2) fails its task, and Slurm cancels the merge instead of running it on part of the archive', { timeout: 150_000 }, async () => {
    const { dir } = makeArchive();
    const { list, shards, merge } = submit(dir, { MANBA_CHECK_OPTIONS: '--max-warnings lots' });
    const states = await waitForJobs([list, shards, merge]);
    expect([...states].map(([job, s]) => `${job} ${s.state} ${s.exit}`).sort()).toEqual([`${list} COMPLETED 0:0`, `${merge} CANCELLED 0:0`, `${shards}_1 FAILED 2:0`, `${shards}_2 FAILED 2:0`, `${shards}_3 FAILED 2:0`].sort());
    expect(states.get(merge)!.reason).toBe('DependencyNeverSatisfied');
    const logs = jobLogs(join(dir, 'out'));
    expect(logs[`slurm-${shards}_2.out`]).toBe('manba: --max-warnings takes a whole number, not "lots"\nmanba-audit: shard 2/3 failed (manba exited 2)\n');
    expect(existsSync(join(dir, 'out', 'audit.json'))).toBe(false);
  });

  it('a list job that fails (exit 2) cancels the array and the merge: no task walks the archive instead', { timeout: 150_000 }, async () => {
    const { dir } = makeArchive();
    const { list, shards, merge } = submit(dir, { MANBA_LIST_OPTIONS: '--shard 1/2' });
    const states = await waitForJobs([list, shards, merge]);
    const summary = [...states].map(([job, s]) => `${job} ${s.state} ${s.exit} ${s.reason}`).sort();
    expect(summary[0]).toBe(`${list} FAILED 2:0 NonZeroExitCode`);
    // The array was never split into its tasks: one record of it, cancelled.
    expect(summary.slice(1)).toEqual([`${merge} CANCELLED 0:0 DependencyNeverSatisfied`, `${shards}_1-3 CANCELLED 0:0 DependencyNeverSatisfied`].sort());
    expect(jobLogs(join(dir, 'out'))).toEqual({
      [`slurm-${list}-list.out`]: "manba: --shard prints one shard's files and --shards writes every shard's list: give one of them\nmanba-audit: listing archive failed (manba exited 2)\n",
    });
  });
});

describe('the sbatch script run by hand, as Slurm runs it', () => {
  const step = (dir: string, args: string[], env: Record<string, string>) =>
    spawnSync('bash', [SBATCH, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, MANBA, MANBA_ARCHIVE: 'archive', MANBA_SHARDS: '3', MANBA_OUT: 'out', ...env } });

  it('array tasks 1 to 3 and the merge step give the one-machine report, document for document', { timeout: 120_000 }, () => {
    const { dir, expected } = makeArchive();
    const one = oneMachine(dir);
    // Named out of order: the merged report still lists the documents as the one-machine run does.
    for (const i of ['3', '1', '2']) {
      const r = step(dir, [], { SLURM_ARRAY_TASK_ID: i });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^manba-audit: shard ${i}/3 of archive on \\S+: \\d+ documents, \\d+ errors, 0 warnings -> out/shard-${i}\\.json\\n$`));
    }
    const r = step(dir, ['merge'], { MANBA_MERGE_FORMATS: '' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('manba-audit: merged 3 shards of archive: 60 documents, 28 errors, 0 warnings -> out/audit.json\n');
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['audit.json', 'shard-1.json', 'shard-2.json', 'shard-3.json']);
    const merged = readReport(join(dir, 'out', 'audit.json'));
    expectSameAudit(merged, one, 3);
    expectFindingsAsMade(merged, expected);
  });

  it('a list step, then tasks given its job id, check each its own list and give the one-machine report', { timeout: 120_000 }, () => {
    const { dir, expected } = makeArchive();
    const one = oneMachine(dir);
    const listed = step(dir, ['list'], { SLURM_JOB_ID: '41', MANBA_CHECK_OPTIONS: '--lang en' });
    expect([listed.status, listed.stdout, listed.stderr]).toEqual([0, 'manba-audit: listed archive in 3 shards -> out/lists-3\n', 'manba: listed 56 files in 3 shards: out/lists-3/shard-1.txt … shard-3.txt\n']);
    expect(readFileSync(join(dir, 'out', 'lists-3', 'made-for'), 'utf8')).toBe('list job: 41; archive: archive; shards: 3; options: \n');
    // Lists of another list job are not taken: the task fails instead of checking an earlier audit's files.
    const stale = step(dir, [], { SLURM_ARRAY_TASK_ID: '1', MANBA_LIST_JOB: '40' });
    expect([stale.status, stale.stderr]).toEqual([2, 'manba-audit: shard 1/3: out/lists-3 holds no lists of list job 40 for this archive and options (is out on a file system every node sees?)\n']);
    for (const i of ['1', '2', '3']) {
      const r = step(dir, [], { SLURM_ARRAY_TASK_ID: i, MANBA_LIST_JOB: '41', MANBA_CHECK_OPTIONS: '--lang en' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^manba-audit: shard ${i}/3 of archive \\(from its list\\) on \\S+: \\d+ documents, \\d+ errors, 0 warnings -> out/shard-${i}\\.json\\n$`));
    }
    expect(step(dir, ['merge'], { MANBA_MERGE_FORMATS: '' }).status).toBe(0);
    const merged = readReport(join(dir, 'out', 'audit.json'));
    expectSameAudit(merged, one, 3);
    expectFindingsAsMade(merged, expected);
    // The config named in the check's options is the list's too (its ignore patterns decide what is listed).
    writeFileSync(join(dir, 'audit.yaml'), 'ignorePatterns:\n  - archive/1400/\n');
    const configured = step(dir, ['list'], { SLURM_JOB_ID: '42', MANBA_CHECK_OPTIONS: '--lang en --config audit.yaml' });
    expect(configured.stderr).toBe('manba: 25 files not listed (ignored by ignorePatterns in the config)\nmanba: listed 31 files in 3 shards: out/lists-3/shard-1.txt … shard-3.txt\n');
    expect(readFileSync(join(dir, 'out', 'lists-3', 'made-for'), 'utf8')).toBe('list job: 42; archive: archive; shards: 3; options: --config audit.yaml\n');
  });

  it('refuses a task outside the shards, a missing setting, a missing shard report and an unknown step, with exit 2', { timeout: 60_000 }, () => {
    const { dir } = makeArchive();
    const outside = step(dir, [], { SLURM_ARRAY_TASK_ID: '0' });
    expect([outside.status, outside.stderr]).toEqual([2, 'manba-audit: array task "0" is not a shard of 1-3: submit with --array=1-3 (or a part of it)\n']);
    const unset = step(dir, [], { SLURM_ARRAY_TASK_ID: '1', MANBA_ARCHIVE: '' });
    expect([unset.status, unset.stderr]).toEqual([2, 'manba-audit: set MANBA_ARCHIVE to the archive to check (folders, files or globs)\n']);
    const shards = step(dir, [], { SLURM_ARRAY_TASK_ID: '1', MANBA_SHARDS: 'three' });
    expect([shards.status, shards.stderr]).toEqual([2, 'manba-audit: MANBA_SHARDS must be a whole number of at least 1, not "three"\n']);
    // Only shard 1 written: the merge names all three and stops at the missing one instead of merging a part.
    expect(step(dir, [], { SLURM_ARRAY_TASK_ID: '1' }).status).toBe(0);
    const merge = step(dir, ['merge'], {});
    expect(merge.status).toBe(2);
    expect(merge.stderr).toMatch(/^manba: out\/shard-2\.json: not a readable JSON report \(ENOENT[^\n]*\n/);
    expect(merge.stderr).toMatch(/manba-audit: merge failed \(manba exited 2\)\n$/);
    const unknown = step(dir, ['gather'], {});
    expect([unknown.status, unknown.stderr]).toEqual([2, 'manba-audit: the step is list, shard or merge, not "gather"\n']);
  });
});
