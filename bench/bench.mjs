// npm run bench: manba against the floor for JavaScript (bench/floor.mjs), side by side, in one run.
//
//   npm run bench -- [--files 20000] [--rss 20000,100000] [--rounds 5] [--in-process 5000] [--no-readers]
//
// 1. In-process rate: the engine (read + fold + every default rule) over generated articles in a loop, one core.
// 2. On one generated archive (--files articles, 1,000 a folder), rounds that alternate: the floor script; two
//    floor processes at once on half the archive each; `manba check --jobs 1 --format json`; the same with
//    --jobs 2; two `--jobs 1` processes at once on half the archive each (two checking threads sharing nothing;
//    each process also reads ahead on a thread of its own); and `--jobs 1` with no rules at all (a config with
//    `builtins: false`): the pipeline alone (list, read, decode, fold, hash, structure, write the JSON), to tell
//    what the rules cost from what everything around them costs. Every manba verdict is checked against the
//    archive's labels. Medians of the rounds, and ratios.
// 3. Peak RSS of `--jobs 2` for json and html reports, for each size of --rss (no heap cap given); at a size larger
//    than --files, also the floor and `--jobs 1` (3 alternating rounds), where the fixed costs weigh less; at the
//    largest, the archive checked as four shards and `manba merge` of their reports, json and html.
// The machine may be shared: absolute times are noisy, so runs alternate and the ratios are what to read.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildRuleSet, Engine, readPlainText, readBytes, fixBytes } from '../dist/index.js';
import { checkRead } from '../dist/engine/run.js';
import { articles, writeArchive } from './archive.mjs';
import { watchCpu } from './proc.mjs';

const { values: args } = parseArgs({
  options: {
    files: { type: 'string', default: '20000' },
    rss: { type: 'string', default: '20000,100000' },
    rounds: { type: 'string', default: '5' },
    'in-process': { type: 'string', default: '5000' },
    'no-readers': { type: 'boolean', default: false },
  },
});
const FILES = Number(args.files);
const RSS_SIZES = args.rss.split(',').map(Number).filter((n) => n > 0);
const ROUNDS = Number(args.rounds);
const IN_PROCESS = Number(args['in-process']);
const BIN = new URL('../bin/manba.js', import.meta.url).pathname;
const FLOOR = new URL('./floor.mjs', import.meta.url).pathname;
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

const made = [];
const cleanUp = () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
};
process.on('exit', cleanUp);
process.on('SIGINT', () => process.exit(130));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mib = (kb) => (kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(0)} MiB`);
const f2 = (x) => x.toFixed(2);

console.log(`manba bench — ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at start`);
console.log('Runs alternate and the figures are medians; on a shared machine absolute times are noisy, the ratios less so.\n');

// ---------------------------------------------------------------------------------------------- in-process
{
  const docs = [...articles(IN_PROCESS)].map((a) => a.text);
  const mb = docs.reduce((n, d) => n + Buffer.byteLength(d), 0) / 1e6;
  const engine = new Engine(await buildRuleSet({ extends: [], builtins: true, rules: {} }));
  for (let i = 0; i < 500; i++) engine.check(readPlainText('warm', docs[i % docs.length])); // JIT warm-up
  const rounds = [];
  for (let round = 0; round < ROUNDS; round++) {
    global.gc?.();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < docs.length; i++) engine.check(readPlainText(`doc${i}.txt`, docs[i]));
    rounds.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const s = median(rounds);
  console.log(`in-process (engine.check in a loop, 1 core, ${docs.length} articles, ${mb.toFixed(1)} MB): ${(docs.length / s).toFixed(0)} documents/s, ${(mb / s).toFixed(1)} MB/s (median of ${ROUNDS}; best ${(docs.length / Math.min(...rounds)).toFixed(0)}, worst ${(docs.length / Math.max(...rounds)).toFixed(0)} documents/s)`);

  // --fix in memory: check, apply the fixes, check again until nothing is left to fix, against checking once.
  {
    const inputs = docs.slice(0, Math.min(docs.length, 2000)).map((d) => Buffer.from(d));
    const check = (read) => checkRead(engine, read, undefined);
    for (const b of inputs.slice(0, 100)) fixBytes('w.txt', b, check, {}); // warm-up
    const t0 = process.hrtime.bigint();
    let fixed = 0;
    for (const b of inputs) fixed += fixBytes('a.txt', b, check, {}).fixed.length;
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`fix (in memory, check + fix + check again): ${(inputs.length / secs).toFixed(0)} documents/s, ${fixed} findings fixed in ${inputs.length} articles`);
  }

  if (!args['no-readers']) {
    // Each reader against plain text: the same articles as Markdown, HTML, a JSON export (100 a file) and JSONL.
    const sample = docs.slice(0, Math.min(docs.length, 2000));
    const escapeHtml = (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    const arts = sample.map((d, i) => ({ id: `a${i}`, title: 'عنوان', body: d }));
    const inputs = {
      text: sample.map((d) => ({ path: 'a.txt', bytes: Buffer.from(d) })),
      markdown: sample.map((d) => ({ path: 'a.md', bytes: Buffer.from(`---\nsource: ایرنا\n---\n${d}`) })),
      html: sample.map((d) => ({ path: 'a.html', bytes: Buffer.from(`<!doctype html><html><head><meta charset="utf-8"><title>t</title></head><body><article>${d.split(/\n+/).map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}</article></body></html>`) })),
      json: Array.from({ length: Math.ceil(arts.length / 100) }, (_, k) => ({ path: `e${k}.json`, bytes: Buffer.from(JSON.stringify(arts.slice(k * 100, k * 100 + 100))) })),
      jsonl: [{ path: 'all.jsonl', bytes: Buffer.from(arts.map((a) => JSON.stringify(a)).join('\n')) }],
    };
    const rows = [];
    for (const [name, list] of Object.entries(inputs)) {
      for (const x of list.slice(0, 20)) for (const r of readBytes(x.path, x.bytes)) if (r.ok) engine.check(r.document); // warm-up
      const t0 = process.hrtime.bigint();
      let n = 0;
      for (const x of list) for (const r of readBytes(x.path, x.bytes)) if (r.ok) (engine.check(r.document), n++);
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      rows.push([name, n / secs, list.reduce((b, x) => b + x.bytes.length, 0) / 1e6 / secs]);
    }
    console.log(`readers (in-process, ${sample.length} articles each, one round): ${rows.map(([name, rate, mbs]) => `${name} ${rate.toFixed(0)}/s ${mbs.toFixed(1)} MB/s (${f2(rate / rows[0][1])}×)`).join('; ')}`);
  }
}

// ---------------------------------------------------------------------------------------------- processes
/**
 * Run a command; wall seconds, peak RSS in KB and CPU seconds (when /usr/bin/time is there), the CPU seconds of its
 * main thread (from /proc, where there is one), exit code, standard error.
 */
function run(command, argv) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = TIME ? spawn(TIME, ['-f', '%M %U %S', command, ...argv], { stdio: ['ignore', 'ignore', 'pipe'] }) : spawn(command, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    const watch = watchCpu(child, { wrapped: !!TIME });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const { main } = watch.read();
      const lines = err.trimEnd().split('\n');
      const [peak, user, sys] = TIME ? lines.pop().split(' ').map(Number) : [];
      resolve({ wall, peakKb: Number.isFinite(peak) ? peak : undefined, cpu: user + sys, mainCpu: main, code, stderr: lines.join('\n') });
    });
  });
}

/** `manba check` of one folder or several, writing `format` to `out`; `config`, a config file to use instead of none. */
const manba = (dirs, jobs, format, out, config) => run(process.execPath, [BIN, 'check', ...[dirs].flat(), '--jobs', String(jobs), '--no-progress', '--format', format, '--output', out, ...(config ? ['--config', config] : [])]);

/** With no rules, every document is in the report, none with a finding: nothing was skipped. */
function unchecked(reportFile, labels) {
  const documents = JSON.parse(readFileSync(reportFile, 'utf8')).documents;
  const wrong = documents.filter((d) => d.findings.length > 0).map((d) => `${d.path}: ${d.findings.length} findings with no rules`);
  if (documents.length !== labels.size) wrong.push(`${documents.length} documents in the report, ${labels.size} in the archive`);
  return wrong;
}

/** Every document's verdict against the archive's labels: no error when clean, exactly the expected error when faulty. */
function verdicts(reportFiles, labels) {
  const documents = [reportFiles].flat().flatMap((file) => JSON.parse(readFileSync(file, 'utf8')).documents);
  let agree = 0;
  const wrong = [];
  const seen = new Set();
  for (const d of documents) {
    const path = d.path.replace(/^.*?(f\d{3}\/a\d{6}\.txt)$/, '$1');
    seen.add(path);
    const errors = [...new Set(d.findings.filter((f) => f.severity === 'error').map((f) => f.ruleId))];
    const expected = labels.get(path);
    const ok = expected === null ? errors.length === 0 : errors.length === 1 && errors[0] === expected;
    if (ok) agree++;
    else wrong.push(`${path}: expected ${expected ?? 'no error'}, got ${errors.join(', ') || 'no error'}`);
  }
  for (const p of labels.keys()) if (!seen.has(p)) wrong.push(`${p}: not in the report`);
  return { agree, total: labels.size, wrong };
}

function archive(size) {
  const dir = mkdtempSync(join(tmpdir(), 'manba-bench-'));
  made.push(dir);
  const t0 = Date.now();
  const a = writeArchive(join(dir, 'archive'), size);
  console.log(`\narchive: ${size} articles, ${(a.bytes / 1e6).toFixed(0)} MB, ${a.folders.length} folders of 1,000 (${a.labels.size - [...a.labels.values()].filter((l) => l === null).length} faulty), written in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return { dir, root: join(dir, 'archive'), ...a };
}

const main = archive(FILES);
const half = Math.ceil(main.folders.length / 2);
if (half === main.folders.length) throw new Error(`--files ${FILES} makes one folder of 1,000; the runs on half the archive each need two (--files over 1000)`);
const series = { floor: [], pair: [], j1: [], j2: [], j1pair: [], bare: [] };
const noRules = join(main.dir, 'no-rules.yaml');
writeFileSync(noRules, 'builtins: false\nrules: {}\n');
const cpu = { floor: [], j1: [], j2: [], j1Main: [] };
const peaks = { j1: [], j2: [] };
const disagreements = [];
let checked = 0;
for (let round = 0; round < ROUNDS; round++) {
  const floor = await run(process.execPath, [FLOOR, main.root]);
  const t0 = process.hrtime.bigint();
  await Promise.all([run(process.execPath, [FLOOR, ...main.folders.slice(0, half)]), run(process.execPath, [FLOOR, ...main.folders.slice(half)])]);
  const pair = Number(process.hrtime.bigint() - t0) / 1e9;
  const out = join(main.dir, 'report.json');
  const j1 = await manba(main.root, 1, 'json', out);
  if (j1.code !== 1) throw new Error(`manba --jobs 1 exited ${j1.code}: ${j1.stderr}`);
  const v1 = verdicts(out, main.labels);
  const j2 = await manba(main.root, 2, 'json', out);
  if (j2.code !== 1) throw new Error(`manba --jobs 2 exited ${j2.code}: ${j2.stderr}`);
  const v2 = verdicts(out, main.labels);
  // Two independent --jobs 1 processes on half the archive each: two checking threads with nothing shared and
  // nothing handed between them (each process reads its files ahead on a second thread, as --jobs 1 does).
  const t1 = process.hrtime.bigint();
  const halfReports = [join(main.dir, 'half1.json'), join(main.dir, 'half2.json')];
  const halves = await Promise.all([manba(main.folders.slice(0, half), 1, 'json', halfReports[0]), manba(main.folders.slice(half), 1, 'json', halfReports[1])]);
  const j1pair = Number(process.hrtime.bigint() - t1) / 1e9;
  for (const h of halves) if (h.code !== 1) throw new Error(`manba --jobs 1 on half the archive exited ${h.code}: ${h.stderr}`);
  const vh = verdicts(halfReports, main.labels);
  const bare = await manba(main.root, 1, 'json', out, noRules);
  if (bare.code !== 0) throw new Error(`manba --jobs 1 with no rules exited ${bare.code}: ${bare.stderr}`);
  disagreements.push(...unchecked(out, main.labels).map((w) => `no rules: ${w}`));
  series.bare.push(bare.wall);
  checked += 3;
  disagreements.push(...v1.wrong.map((w) => `jobs 1: ${w}`), ...v2.wrong.map((w) => `jobs 2: ${w}`), ...vh.wrong.map((w) => `two halves: ${w}`));
  cpu.floor.push(floor.cpu);
  cpu.j1.push(j1.cpu);
  cpu.j2.push(j2.cpu);
  if (j1.mainCpu !== undefined) cpu.j1Main.push(j1.mainCpu / floor.wall);
  series.j1pair.push(j1pair);
  series.floor.push(floor.wall);
  series.pair.push(pair);
  series.j1.push(j1.wall);
  series.j2.push(j2.wall);
  peaks.j1.push(j1.peakKb);
  peaks.j2.push(j2.peakKb);
  console.log(`round ${round + 1}: floor ${f2(floor.wall)} s, two floors at once ${f2(pair)} s, --jobs 1 ${f2(j1.wall)} s, --jobs 2 ${f2(j2.wall)} s, two --jobs 1 at once ${f2(j1pair)} s, no rules ${f2(bare.wall)} s; verdicts ${v1.agree}/${v1.total}, ${v2.agree}/${v2.total} and ${vh.agree}/${vh.total} agree`);
}
const m = Object.fromEntries(Object.entries(series).map(([k, v]) => [k, median(v)]));
const perRound = (f) => median(series.floor.map((_, i) => f(i)));
const j1x = perRound((i) => series.j1[i] / series.floor[i]);
const floorSpeedup = perRound((i) => series.floor[i] / series.pair[i]);
const manbaSpeedup = perRound((i) => series.j1[i] / series.j2[i]);
const efficiency = perRound((i) => series.j1[i] / series.j2[i] / (series.floor[i] / series.pair[i]));
const processSpeedup = perRound((i) => series.j1[i] / series.j1pair[i]);
const barex = perRound((i) => series.bare[i] / series.floor[i]);
const mb = main.bytes / 1e6;
console.log(`\n${FILES} files, ${mb.toFixed(0)} MB, medians of ${ROUNDS} alternating rounds:`);
console.log(`  floor script (bench/floor.mjs)            ${f2(m.floor).padStart(6)} s  ${(FILES / m.floor).toFixed(0).padStart(6)} documents/s  ${(mb / m.floor).toFixed(0).padStart(4)} MB/s`);
console.log(`  two floor scripts at once, half each      ${f2(m.pair).padStart(6)} s  speed-up ${f2(floorSpeedup)}× over one`);
console.log(`  manba check --jobs 1 --format json        ${f2(m.j1).padStart(6)} s  ${(FILES / m.j1).toFixed(0).padStart(6)} documents/s  ${(mb / m.j1).toFixed(0).padStart(4)} MB/s  peak RSS ${mib(median(peaks.j1))}`);
console.log(`  manba check --jobs 2 --format json        ${f2(m.j2).padStart(6)} s  ${(FILES / m.j2).toFixed(0).padStart(6)} documents/s  ${(mb / m.j2).toFixed(0).padStart(4)} MB/s  peak RSS ${mib(median(peaks.j2))}`);
console.log(`  --jobs 1 wall / floor wall                ${f2(j1x)}×   (target ≤ 2.00×)  ${j1x <= 2 ? 'met' : 'NOT met'}`);
console.log(`  (--jobs 1 with no rules, the pipeline alone: ${f2(m.bare)} s, ${f2(barex)}× the floor; the rules and what they report add about ${f2(j1x - barex)}× the floor)`);
if (TIME) console.log(`  (CPU time, less sensitive to a busy machine: floor ${f2(median(cpu.floor))} s, --jobs 1 ${f2(median(cpu.j1))} s, ${f2(median(cpu.j1.map((c, i) => c / cpu.floor[i])))}×)`);
// The checking thread's CPU time against the floor's wall time: what --jobs 1 would take were the other threads (reading,
// V8's compiler and collector) on CPUs of their own, a bound no scheduling of them can beat.
if (cpu.j1Main.length === ROUNDS) console.log(`  (the checking thread of --jobs 1 alone: ${f2(median(cpu.j1Main))}× the floor's wall in CPU time, the least --jobs 1 could take with its other threads on other CPUs)`);
console.log(`  --jobs 2 speed-up / two floors' speed-up  ${f2(manbaSpeedup)}× / ${f2(floorSpeedup)}× = ${f2(efficiency)}   (target ≥ 0.90)  ${efficiency >= 0.9 ? 'met' : 'NOT met'}`);
console.log(`  (two --jobs 1 processes at once, half each: speed-up ${f2(processSpeedup)}×, ${f2(processSpeedup / floorSpeedup)} of the floors': two checking threads sharing nothing, each process with its reading thread${TIME ? `; CPU time of --jobs 2 ${f2(median(cpu.j2))} s, ${f2(median(cpu.j2.map((c, i) => c / cpu.j1[i])))}× that of --jobs 1` : ''})`);
console.log(`  verdicts: ${disagreements.length === 0 ? `all ${FILES} documents agree with their labels in all ${checked} runs` : `${disagreements.length} disagreements, e.g. ${disagreements.slice(0, 5).join('; ')}`}`);

// ---------------------------------------------------------------------------------------------- memory
console.log(`\npeak RSS, --jobs 2, no heap cap (target ≤ 150 MiB):`);
/** CPU time of the main thread of the `--jobs 2` runs below, by format and size. */
const mainThread = {};
for (const size of RSS_SIZES) {
  const a = size === FILES ? main : archive(size);
  for (const format of ['json', 'html']) {
    const out = join(a.dir, `report.${format}`);
    const r = await manba(a.root, 2, format, out);
    if (r.code !== 1) throw new Error(`manba --format ${format} exited ${r.code}: ${r.stderr}`);
    let note = '';
    if (format === 'json') {
      const v = verdicts(out, a.labels);
      note = `, verdicts ${v.agree}/${v.total} agree`;
      if (v.wrong.length) disagreements.push(...v.wrong);
    }
    rmSync(out, { force: true });
    const ok = r.peakKb !== undefined && r.peakKb / 1024 <= 150;
    if (r.mainCpu !== undefined) (mainThread[format] ??= []).push({ size, cpu: r.mainCpu });
    console.log(`  ${String(size).padStart(6)} documents, ${format.padEnd(4)}  ${mib(r.peakKb).padStart(8)}  ${ok ? 'met' : 'NOT met'}  (${f2(r.wall)} s${note}${r.mainCpu === undefined ? '' : `; main thread ${f2(r.mainCpu)} s of CPU`})`);
  }
  // A larger archive than the rounds': the floor and --jobs 1 again, to show the ratio once the fixed costs (start,
  // listing, the code warming up) weigh less. Three alternating rounds, medians.
  if (size > FILES) {
    const floors = [];
    const ones = [];
    const out = join(a.dir, 'report.json');
    for (let round = 0; round < 3; round++) {
      floors.push((await run(process.execPath, [FLOOR, a.root])).wall);
      const r = await manba(a.root, 1, 'json', out);
      if (r.code !== 1) throw new Error(`manba --jobs 1 exited ${r.code}: ${r.stderr}`);
      const v = verdicts(out, a.labels);
      if (v.wrong.length) disagreements.push(...v.wrong.map((w) => `jobs 1, ${size} documents: ${w}`));
      ones.push(r.wall);
    }
    rmSync(out, { force: true });
    const ratio = median(ones.map((w, i) => w / floors[i]));
    console.log(`  ${String(size).padStart(6)} documents, --jobs 1 against the floor (3 alternating rounds): ${f2(median(ones))} s against ${f2(median(floors))} s, ${f2(ratio)}× (the target is set at ${FILES} files)`);
  }
  // Past one machine, at the largest size: the archive checked as four shards, then their reports merged (`manba
  // merge`, which reads the reports piece by piece) to json and html. The merged report must hold every verdict.
  if (size === Math.max(...RSS_SIZES)) {
    const shards = [];
    for (let i = 1; i <= 4; i++) {
      const out = join(a.dir, `shard-${i}.json`);
      const r = await run(process.execPath, [BIN, 'check', a.root, '--shard', `${i}/4`, '--jobs', '2', '--no-progress', '--format', 'json', '--output', out]);
      if (r.code !== 1) throw new Error(`manba check --shard ${i}/4 exited ${r.code}: ${r.stderr}`);
      shards.push(out);
    }
    for (const format of ['json', 'html']) {
      const out = join(a.dir, `merged.${format}`);
      const r = await run(process.execPath, [BIN, 'merge', ...shards, '--format', `${format}:${out}`]);
      if (r.code !== 1) throw new Error(`manba merge --format ${format} exited ${r.code}: ${r.stderr}`);
      let note = '';
      if (format === 'json') {
        const v = verdicts(out, a.labels);
        note = `, verdicts ${v.agree}/${v.total} agree`;
        if (v.wrong.length) disagreements.push(...v.wrong.map((w) => `merge: ${w}`));
      }
      rmSync(out, { force: true });
      const ok = r.peakKb !== undefined && r.peakKb / 1024 <= 150;
      console.log(`  ${String(size).padStart(6)} documents, ${format.padEnd(4)}  ${mib(r.peakKb).padStart(8)}  ${ok ? 'met' : 'NOT met'}  (manba merge of 4 shards' reports: ${f2(r.wall)} s${note})`);
    }
  }
  // A shard of a cluster audit from its list (manba list --shards, once) against one that walks the whole archive to
  // keep its part: shard 1 of 100, three alternating rounds, medians. Both must give the same documents.
  if (size === Math.max(...RSS_SIZES)) {
    const lists = join(a.dir, 'lists');
    const listed = await run(process.execPath, [BIN, 'list', a.root, '--shards', '100', '--output-dir', lists, '--null']);
    if (listed.code !== 0) throw new Error(`manba list --shards 100 exited ${listed.code}: ${listed.stderr}`);
    const walked = [];
    const fromList = [];
    const outs = [join(a.dir, 'walked.json'), join(a.dir, 'listed.json')];
    for (let round = 0; round < 3; round++) {
      const w = await run(process.execPath, [BIN, 'check', a.root, '--shard', '1/100', '--jobs', '1', '--no-progress', '--format', 'json', '--output', outs[0]]);
      const l = await run(process.execPath, [BIN, 'check', '--files-from', join(lists, 'shard-1.txt'), '--shard', '1/100', '--jobs', '1', '--no-progress', '--format', 'json', '--output', outs[1]]);
      for (const r of [w, l]) if (r.code > 1) throw new Error(`manba check --shard 1/100 exited ${r.code}: ${r.stderr}`);
      walked.push(w.wall);
      fromList.push(l.wall);
    }
    const [walkedDocs, listedDocs] = outs.map((f) => JSON.stringify(JSON.parse(readFileSync(f, 'utf8')).documents));
    if (walkedDocs !== listedDocs) disagreements.push(`shard 1/100: the check from its list differs from the check that walked the archive`);
    console.log(`  ${String(size).padStart(6)} documents, shard 1 of 100: ${f2(median(fromList))} s from its list, ${f2(median(walked))} s walking the archive (3 alternating rounds; manba list --shards 100 once: ${f2(listed.wall)} s)${walkedDocs === listedDocs ? ', the same documents' : ''}`);
  }
  if (a !== main) rmSync(a.dir, { recursive: true, force: true });
}
// The main thread of a run on workers lists, hands out files, takes each result back and writes the report. What it
// spends per document, between the smallest and the largest run (the start cancels out), bounds the rate of one
// process however many workers it has.
for (const [format, runs] of Object.entries(mainThread)) {
  const [small, large] = [runs[0], runs[runs.length - 1]];
  if (large.size === small.size || large.cpu <= small.cpu) continue;
  const perDocument = (large.cpu - small.cpu) / (large.size - small.size);
  console.log(`  main thread of --jobs 2, ${format}: ${(perDocument * 1e6).toFixed(0)} µs of CPU a document (between ${small.size} and ${large.size} documents): one process reports at most ${(1 / perDocument).toFixed(0)} documents/s, whatever its workers`);
}
if (disagreements.length) {
  console.log(`\n${disagreements.length} verdicts disagree with the labels`);
  process.exitCode = 1;
}

// The audit database (check --record, history diff) at the largest size: bench/history.mjs.
if (RSS_SIZES.length) {
  const { spawnSync } = await import('node:child_process');
  spawnSync(process.execPath, [new URL('./history.mjs', import.meta.url).pathname, String(Math.max(...RSS_SIZES))], { stdio: 'inherit' });
}
