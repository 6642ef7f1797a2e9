import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, reference, ROOT } from './helpers.js';
import { buildRuleSet } from '../src/config/load.js';
import { readBytes } from '../src/documents/read.js';
import { sha256 } from '../src/engine/cache.js';
import { Engine } from '../src/engine/engine.js';
import { isFailing, isRendered, summarize } from '../src/engine/finding.js';
import { workerPool } from '../src/engine/pool.js';
import { checkRead } from '../src/engine/run.js';
import { reporterNamed } from '../src/report/index.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'manba-audit-'));
const altered = () => reference().replace('ماده ۷۴', 'ماده ۷۵');

/** An archive of n articles: every third altered, every fifth without the notice. */
function archive(n: number): string {
  const dir = tmp();
  mkdirSync(join(dir, 'a'));
  for (let i = 0; i < n; i++) {
    let text = i % 3 === 0 ? altered() : reference();
    if (i % 5 === 0) text = text.replace(/\nبا استناد[^\n]*/, '');
    writeFileSync(join(dir, 'a', `${String(i).padStart(5, '0')}.txt`), text);
  }
  return dir;
}
const json = (s: string) => JSON.parse(s) as { documents: { path: string; sha256: string; findings: { ruleId: string; line: number; column: number }[] }[]; summary: { documents: number; errors: number } };
const flat = (s: string) => json(s).documents.map((d) => `${d.path} ${d.findings.map((f) => `${f.ruleId}@${f.line}:${f.column}`).join(',')}`);

describe('parallel runs', () => {
  it('--jobs 2 gives the same results, in the same order, as one thread', async () => {
    const dir = archive(150);
    const one = await cli(['check', 'a', '--format', 'json', '--jobs', '1'], { cwd: dir });
    const two = await cli(['check', 'a', '--format', 'json', '--jobs', '2'], { cwd: dir });
    expect(flat(two.stdout)).toEqual(flat(one.stdout));
    // With a cache the main thread reads the bytes (to hash them) and hands them to the workers: same results.
    const cached = await cli(['check', 'a', '--format', 'json', '--jobs', '2', '--cache'], { cwd: dir });
    expect(flat(cached.stdout)).toEqual(flat(one.stdout));
    expect(json(one.stdout).summary.documents).toBe(150);
    expect(two.code).toBe(1);
  });
});

describe('results written by the workers', () => {
  /** A report's bytes, but for the run's start and end times. */
  const timeless = (text: string) => text.replace(/"(startedAt|finishedAt)": ?"[^"]*"/g, '"$1": ""');

  it('--jobs 2 writes json, jsonl, csv and compact reports byte for byte as one thread, a path naming nothing first', async () => {
    const dir = archive(150);
    const reports = (jobs: string) => ['json', 'jsonl', 'csv', 'compact'].map((f) => `${f}:jobs${jobs}.${f}`);
    const one = await cli(['check', 'missing', 'a', '--jobs', '1', '--format', 'json', ...reports('1').flatMap((r) => ['--format', r])], { cwd: dir });
    const two = await cli(['check', 'missing', 'a', '--jobs', '2', '--format', 'json', ...reports('2').flatMap((r) => ['--format', r])], { cwd: dir });
    expect(two.code).toBe(2);
    expect(timeless(two.stdout)).toBe(timeless(one.stdout));
    for (const f of ['json', 'jsonl', 'csv', 'compact']) {
      expect(timeless(readFileSync(join(dir, `jobs2.${f}`), 'utf8'))).toBe(timeless(readFileSync(join(dir, `jobs1.${f}`), 'utf8')));
    }
    const documents = json(two.stdout).documents;
    expect(documents.length).toBe(151);
    expect(documents[0]!.findings.map((f) => f.ruleId)).toEqual(['input/not-found']);
  });

  it('with only expired waivers (none in force), --jobs 2 writes the report of one thread, the waiver file last', async () => {
    const dir = archive(150);
    mkdirSync(join(dir, 'legal'));
    writeFileSync(join(dir, 'manba.config.yaml'), 'waivers: legal/waivers.yaml\n');
    writeFileSync(join(dir, 'legal', 'waivers.yaml'), 'waivers:\n  - rule: notice/altered\n    paths: ["a/**"]\n    reason: Until the archive is re-edited.\n    approvedBy: legal desk\n    approved: 2020-01-05\n    expires: 2020-02-05\n');
    const one = await cli(['check', 'a', '--jobs', '1', '--format', 'json'], { cwd: dir });
    const two = await cli(['check', 'a', '--jobs', '2', '--format', 'json'], { cwd: dir });
    expect(timeless(two.stdout)).toBe(timeless(one.stdout));
    const documents = json(two.stdout).documents;
    expect(documents.length).toBe(151);
    expect(documents[150]!.findings.map((f) => f.ruleId)).toEqual(['waiver/expired']);
  });

  it('a worker gives each result written for the reports, as the main thread would write it', async () => {
    const dir = archive(3);
    const options = { color: false, showPassing: true };
    const pool = workerPool(1, { cwd: dir, engine: { lang: 'en', reportUnusedSuppressions: false }, render: { formats: ['json', 'compact'], options: [options, options] } });
    const engine = new Engine(await buildRuleSet({ extends: [], builtins: true, rules: {} }), { lang: 'en', reportUnusedSuppressions: false });
    try {
      for (const name of ['00000.txt', '00001.txt']) {
        const path = `a/${name}`;
        const [got] = await pool.checkPath(path, join(dir, path));
        const bytes = readFileSync(join(dir, path));
        const [expected] = checkRead(engine, readBytes(path, bytes), undefined, sha256(bytes));
        expect(isRendered(got!)).toBe(true);
        if (!isRendered(got!)) continue;
        const { errors, warnings } = summarize([expected!]);
        expect({ ...got, pieces: [] }).toEqual({ rendered: true, path, errors, warnings, pieces: [] });
        // The progress line counts a document as failing from its errors: the same answer as from its findings.
        expect(got.errors > 0).toBe(isFailing(expected!));
        expect(got.pieces).toEqual([reporterNamed('json')!.stream!.document(expected!, 0, options), reporterNamed('compact')!.stream!.document(expected!, 0, options)]);
      }
      // 00000.txt has lost its notice and 00001.txt is the reference article (above); 00003.txt's notice cites ماده ۷۵.
      const [altered] = await pool.checkPath('a/00003.txt', join(dir, 'a/00003.txt'));
      expect(altered && isRendered(altered) && altered.errors).toBe(1);
    } finally {
      await pool.close();
    }
  });
});

describe('shards and merge', () => {
  it('shards partition the inputs; merging them gives the whole report', async () => {
    const dir = archive(40);
    const whole = await cli(['check', 'a', '--format', 'json'], { cwd: dir });
    const shards = [];
    for (let i = 1; i <= 3; i++) {
      const r = await cli(['check', 'a', '--shard', `${i}/3`, '--format', `json:shard${i}.json`], { cwd: dir });
      expect([0, 1]).toContain(r.code);
      shards.push(json(readFileSync(join(dir, `shard${i}.json`), 'utf8')));
    }
    const paths = shards.flatMap((s) => s.documents.map((d) => d.path));
    expect(new Set(paths).size).toBe(40); // every document in exactly one shard
    expect(shards.every((s) => s.documents.length > 0)).toBe(true);
    const merged = await cli(['merge', 'shard1.json', 'shard2.json', 'shard3.json', '--format', 'json'], { cwd: dir });
    expect(merged.code).toBe(1);
    expect(flat(merged.stdout).sort()).toEqual(flat(whole.stdout).sort());
    expect(json(merged.stdout).summary).toEqual(json(whole.stdout).summary);
    const csv = await cli(['merge', 'shard1.json', 'shard2.json', 'shard3.json', '--format', 'csv'], { cwd: dir });
    expect(csv.stdout.startsWith('\uFEFFdocument,outlet,rule,severity,line,column,message,expected,found,sha256,waived\r\n')).toBe(true);
    expect(csv.stdout.trimEnd().split('\r\n')).toHaveLength(1 + json(whole.stdout).summary.errors);
    expect((await cli(['check', 'a', '--shard', '4/3'], { cwd: dir })).code).toBe(2);
    expect((await cli(['merge', 'a/00001.txt'], { cwd: dir })).code).toBe(2);
  });
});

describe('CSV', () => {
  it('one row per finding with outlet and evidence, quoted where needed', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.txt'), altered());
    const r = await cli(['check', 'a.txt', '--format', 'csv'], { cwd: dir });
    const [, row] = r.stdout.replace('\uFEFF', '').trimEnd().split('\r\n');
    expect(row).toMatch(/^a\.txt,irna,notice\/altered,error,24,19,"The Article 74 notice is altered \(article number\): expected «۷۴», found «۷۵»\. Use the canonical wording\.",۷۴,۷۵,[0-9a-f]{64},$/);
  });
});

describe('streaming filter mode', () => {
  it('reads JSONL from standard input and writes one result line per document, then a summary', async () => {
    const lines = [JSON.stringify({ id: 'a', title: 'x', body: reference() }), JSON.stringify({ id: 'b', title: 'y', body: altered() })].join('\n') + '\n';
    const child = spawn(process.execPath, [`${ROOT}bin/manba.js`, 'check', '--stdin', '--input-format', 'jsonl', '--format', 'jsonl'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stdin.end(lines);
    const code = await new Promise((r) => child.on('close', r));
    const rows = out.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(rows.slice(0, 2).map((r) => `${r.path} ${r.findings.map((f: { ruleId: string }) => f.ruleId).join(',')}`)).toEqual(['<stdin>.jsonl#a ', '<stdin>.jsonl#b notice/altered']);
    expect(rows[2].summary).toEqual({ documents: 2, errors: 1, warnings: 0 });
    expect(code).toBe(1);
  });
});

describe('interruption', () => {
  it('Ctrl-C reports what was checked so far and exits 130', async () => {
    const dir = archive(3000);
    const child = spawn(process.execPath, [`${ROOT}bin/manba.js`, 'check', 'a', '--format', 'json', '--jobs', '1', '--progress'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let sent = false;
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => {
      err += d;
      // Interrupt once the progress line shows some documents done.
      const m = /(\d+)\/3000 documents/.exec(err.slice(-200));
      if (!sent && m && Number(m[1]) >= 50) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise((r) => child.on('close', r));
    expect(sent).toBe(true);
    expect(code).toBe(130);
    const done = json(out).summary.documents;
    expect(done).toBeGreaterThanOrEqual(50);
    expect(done).toBeLessThan(3000);
    expect(err).toContain(`interrupted after ${done} documents`);
  }, 30_000);
});

describe('bad input during an audit', () => {
  it('a document that crashes its worker, or takes too long, becomes a finding; the audit goes on', async () => {
    const dir = archive(40);
    writeFileSync(join(dir, 'a', 'crash-me.txt'), reference());
    writeFileSync(join(dir, 'a', 'hang-me.txt'), reference());
    const run = (fault: string) =>
      new Promise<{ code: number | null; out: string }>((res) => {
        const child = spawn(process.execPath, [`${ROOT}bin/manba.js`, 'check', 'a', '--jobs', '2', '--timeout', '2', '--format', 'json'], { cwd: dir, env: { ...process.env, MANBA_TEST_WORKER_FAULT: fault }, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.on('close', (code) => res({ code, out }));
      });
    const crashed = await run('crash:crash-me');
    const docs = json(crashed.out).documents;
    expect(docs).toHaveLength(42);
    expect(docs.find((d) => d.path === 'a/crash-me.txt')!.findings.map((f) => f.ruleId)).toEqual(['input/crash']);
    expect(docs.find((d) => d.path === 'a/hang-me.txt')!.findings).toEqual([]); // its neighbour in the batch is checked as usual
    const hung = await run('hang:hang-me');
    const docs2 = json(hung.out).documents;
    expect(docs2).toHaveLength(42);
    expect(docs2.find((d) => d.path === 'a/hang-me.txt')!.findings.map((f) => f.ruleId)).toEqual(['input/timeout']);
    expect(docs2.find((d) => d.path === 'a/crash-me.txt')!.findings).toEqual([]);
  }, 60_000);

  it('with --cache (files read here, sent to the workers as bytes), the neighbours of a crashed file are checked as usual', () => {
    const dir = archive(40);
    writeFileSync(join(dir, 'a', 'crash-me.txt'), reference());
    const check = (env: Record<string, string>) => {
      const r = spawnSync(process.execPath, [`${ROOT}bin/manba.js`, 'check', 'a', '--jobs', '2', '--cache', '--format', 'json'], { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8' });
      rmSync(join(dir, '.manba-cache'), { recursive: true, force: true });
      return Object.fromEntries(json(r.stdout).documents.map((d) => [d.path, d.findings.map((f) => f.ruleId).join(' ')]));
    };
    const clean = check({});
    const crashed = check({ MANBA_TEST_WORKER_FAULT: 'crash:crash-me' });
    expect(Object.keys(crashed)).toHaveLength(41);
    // A batch holds 6 of these 41 files: its other 5 were once sent again emptied, and reported as crashed too.
    expect(crashed).toEqual({ ...clean, 'a/crash-me.txt': 'input/crash' });
  }, 60_000);

  // Root reads every folder, so this can only be shown as an ordinary user (CI here runs as root: skipped there).
  it.skipIf(process.getuid?.() === 0)('a folder that cannot be read is a finding naming it', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'locked'));
    writeFileSync(join(dir, 'ok.txt'), reference());
    const { chmodSync } = await import('node:fs');
    chmodSync(join(dir, 'locked'), 0o000);
    const r = await cli(['check', '.', '--format', 'json'], { cwd: dir });
    chmodSync(join(dir, 'locked'), 0o755);
    expect(json(r.stdout).documents.find((d) => d.path === 'locked')!.findings.map((f) => f.ruleId)).toEqual(['input/unreadable']);
  });
});

describe('streaming reports', () => {
  it('a streamed report is the same as one written after the run', async () => {
    const dir = archive(30);
    const strip = (s: string) => s.replace(/"(startedAt|finishedAt)": ?"[^"]+"/g, '"$1": "-"');
    for (const format of ['json', 'jsonl', 'csv', 'compact']) {
      // With stylish as a second output, results are kept and every format is written after the run.
      const streamed = await cli(['check', 'a', '--format', format], { cwd: dir });
      const kept = await cli(['check', 'a', '--format', format, '--format', 'stylish:out.txt'], { cwd: dir });
      expect(strip(streamed.stdout), format).toBe(strip(kept.stdout));
      expect(streamed.code).toBe(kept.code);
    }
  });
});
