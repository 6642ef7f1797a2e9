// npm run bench (its last step), or alone: node bench/history.mjs [documents=100000] [jobs=2]
// The audit database at archive scale: what `check --record` adds to a run's wall time, how large the database
// is for one run, and how long `history diff` takes between two such runs (a tenth of the documents changed).
// Runs without and with --record alternate, twice each; the lower time of each is the figure (this machine's
// speed varies from run to run). The archive is the reference article, a quarter of the copies with a fault, so
// each document is smaller (and quicker to check) than bench.mjs's average: the overhead measured is an upper bound.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const N = Number(process.argv[2] ?? process.env.MANBA_BENCH_HISTORY ?? 100000);
const jobs = String(process.argv[3] ?? 2);
const reference = readFileSync(new URL('../tests/fixtures/corpus/titronline-irna-1399-04-18.txt', import.meta.url), 'utf8');
const FAULTS = [
  (t) => t.replace('ماده ۷۴', 'ماده ۷۵'),
  (t) => t.replace(/\nبا استناد[^\n]*/, ''),
  (t) => t.replace('بر عهده منبع خبر و کاربران است', 'بر عهده کاربران است'),
  (t) => t.replace('منبع خبر "ایرنا"', 'منبع خبر "ایسنا"'),
];
const variant = (i, shift = 0) => {
  // Each document differs (its number in the title), so digests and fingerprints are all distinct.
  const text = reference.replace('\n', ` (${i})\n`);
  return (i + shift) % 4 === 0 ? FAULTS[((i + shift) >> 2) % FAULTS.length](text) : text;
};

const dir = mkdtempSync(join(tmpdir(), 'manba-bench-history-'));
const bin = new URL('../bin/manba.js', import.meta.url).pathname;
mkdirSync(join(dir, 'docs'));
const name = (i) => join(dir, 'docs', `a${String(i).padStart(6, '0')}.txt`);
for (let i = 0; i < N; i++) writeFileSync(name(i), variant(i));
const db = join(dir, 'audits.db');

function run(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir, maxBuffer: 1 << 30 });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0 && r.status !== 1) throw new Error(`manba ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { secs, stdout: r.stdout };
}
const check = (record) => run(['check', 'docs', '--jobs', jobs, '--no-progress', '--format', 'json', '--output', 'out.json', ...(record ? ['--record', db] : [])]).secs;

const plain = [];
const recorded = [];
let size1 = 0;
for (let round = 0; round < 2; round++) {
  plain.push(check(false));
  recorded.push(check(true));
  if (round === 0) size1 = statSync(db).size + (existsSync(`${db}-wal`) ? statSync(`${db}-wal`).size : 0);
}
const best = (xs) => Math.min(...xs);
const overhead = best(recorded) / best(plain) - 1;
console.log(
  `history ${N} files, ${jobs} jobs: check ${best(plain).toFixed(1)} s, with --record ${best(recorded).toFixed(1)} s (${overhead >= 0 ? '+' : ''}${(overhead * 100).toFixed(1)}% wall time; runs ${plain.map((s) => s.toFixed(1)).join(', ')} / ${recorded.map((s) => s.toFixed(1)).join(', ')} s)`,
);
console.log(`history database: ${(size1 / 1e6).toFixed(1)} MB for one run of ${N} documents`);

// The recorder's own cost, which the end-to-end figure above hides in this machine's noise: N results (1,000
// checked documents, each recorded under N/1,000 paths) through Recorder.add in this thread, as check does on its
// main thread, against the plain run's wall time.
{
  const { buildRuleSet, Engine, readPlainText, Recorder, runEvidence } = await import('../dist/index.js');
  const config = { extends: [], builtins: true, rules: {} };
  const ruleSet = await buildRuleSet(config);
  const engine = new Engine(ruleSet);
  const sample = Array.from({ length: 1000 }, (_, i) => ({ ...engine.check(readPlainText(`docs/a${i}.txt`, variant(i))), sha256: 'ab'.repeat(32) }));
  const evidence = runEvidence(ruleSet, config, new Date(), { lang: 'en' });
  const times = [];
  for (let round = 0; round < 3; round++) {
    const t0 = process.hrtime.bigint();
    const recorder = new Recorder(join(dir, `recorder-${round}.db`), evidence, { version: 'bench', command: 'check' });
    for (let k = 0; k < N / 1000; k++) for (const r of sample) recorder.add({ ...r, path: `${k}/${r.path}` });
    recorder.finish(evidence);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const t = Math.min(...times);
  console.log(`history recorder alone: ${N} documents in ${t.toFixed(2)} s (${(N / t).toFixed(0)} documents/s, best of 3), ${((t / best(plain)) * 100).toFixed(1)}% of the plain run's wall time`);
}

// A later audit: a tenth of the documents changed (half of them fixed, half broken), then the diff between the
// last two runs.
for (let i = 0; i < N; i += 10) writeFileSync(name(i), variant(i, 2));
check(true);
const diffs = [0, 1].map(() => run(['history', 'diff', '--db', db, '--format', 'json', '--output', 'diff.json']).secs);
const diff = JSON.parse(readFileSync(join(dir, 'diff.json'), 'utf8'));
const runs = run(['history', 'trend', '--db', db, '--format', 'json']);
console.log(
  `history diff of two ${N}-document runs: ${best(diffs).toFixed(2)} s (${diff.totals.new} new, ${diff.totals.resolved} resolved, ${diff.totals.persisting} persisting); history trend over ${JSON.parse(runs.stdout).runs.length} runs: ${runs.secs.toFixed(2)} s; database now ${(statSync(db).size / 1e6).toFixed(1)} MB`,
);
rmSync(dir, { recursive: true, force: true });
