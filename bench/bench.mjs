// npm run bench: generate realistic articles (1.5–12 KB, about a quarter failing), check them in-process on
// one core, then through the CLI on archives of 10,000 and 100,000 files with 1 and 2 jobs, and print
// documents/s, MB/s and peak memory.
// Usage: npm run bench -- [in-process documents=5000] [archive sizes=10000,100000]
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { buildRuleSet, Engine, readPlainText, readBytes, fixBytes } from '../dist/index.js';
import { checkRead } from '../dist/engine/run.js';

const N = Number(process.argv[2] ?? 5000);
// The reference article, copied into the repository with its provenance (tests/fixtures/PROVENANCE.md).
const reference = readFileSync(new URL('../tests/fixtures/corpus/titronline-irna-1399-04-18.txt', import.meta.url), 'utf8');
// Title, then byline, dateline and lead (the article's first two blocks), body paragraphs, then the footer.
const chunks = reference.slice(0, reference.indexOf('منبع خبر')).split('\n\n').filter(Boolean);
const head = chunks.slice(0, 2).join('\n\n');
const bodyParagraphs = chunks.slice(2);
const footer = reference.slice(reference.indexOf('منبع خبر'));

// Deterministic pseudo-random numbers, so every run checks the same documents.
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

const FAULTS = [
  (t) => t.replace('ماده ۷۴', 'ماده ۷۵'),
  (t) => t.replace(/منبع خبر "ایرنا"[^\n]*\n/, ''),
  (t) => t.replace('بر عهده منبع خبر و کاربران است', 'بر عهده کاربران است'),
  (t) => t.replace('منبع خبر "ایرنا"', 'منبع خبر "ایسنا"'),
];
const NOISE = [(t) => t.replace(/ی/g, 'ي').replace(/ک/g, 'ك'), (t) => t.replace(/\n/g, '\r\n'), (t) => t.replace(/ /g, (s) => (rand() < 0.05 ? '\u200c' : s))];

function article() {
  const target = 1500 + rand() * 10500;
  let body = '';
  // Sizes are in bytes of UTF-8, as on disk (a Persian letter takes two).
  const fixed = Buffer.byteLength(head + footer);
  while (fixed + Buffer.byteLength(body) < target) body += bodyParagraphs[Math.floor(rand() * bodyParagraphs.length)] + '\n\n';
  let text = `${head}\n\n${body}${footer}`;
  if (rand() < 0.5) text = NOISE[Math.floor(rand() * NOISE.length)](text);
  if (rand() < 0.25) text = FAULTS[Math.floor(rand() * FAULTS.length)](text);
  return text;
}

// As read from disk: flat strings decoded from bytes (concatenation would leave V8 cons strings).
const docs = Array.from({ length: N }, () => Buffer.from(article()).toString("utf8"));
const bytes = docs.reduce((n, d) => n + Buffer.byteLength(d), 0);
const mb = bytes / 1e6;
console.log(`manba bench: ${N} articles, ${mb.toFixed(1)} MB (avg ${(bytes / N / 1000).toFixed(1)} KB), ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, node ${process.version}`);

// In-process, one core: read (block split) + fold + every default rule, per document.
const engine = new Engine(await buildRuleSet({ extends: [], builtins: true, rules: {} }));
for (let i = 0; i < 200; i++) engine.check(readPlainText('warm', docs[i % N])); // JIT warm-up
// Five rounds; the median is the figure (this machine's speed varies from run to run), the best is shown too.
const rounds = [];
let findings = 0;
let peak = process.memoryUsage().rss;
for (let round = 0; round < 5; round++) {
  global.gc?.();
  findings = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    findings += engine.check(readPlainText(`doc${i}.txt`, docs[i])).findings.length;
    if ((i & 1023) === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  rounds.push(Number(process.hrtime.bigint() - t0) / 1e9);
}
rounds.sort((a, b) => a - b);
const s = rounds[2];
console.log(`in-process (1 core):  ${(N / s).toFixed(0).padStart(6)} documents/s  ${(mb / s).toFixed(1).padStart(6)} MB/s  (median of 5; best ${(N / rounds[0]).toFixed(0)}, worst ${(N / rounds[4]).toFixed(0)})  ${findings} findings  peak RSS ${(peak / 1048576).toFixed(0)} MB`);

// Each reader against plain text: the same articles as Markdown, HTML, a JSON export (100 a file) and JSONL lines,
// read from bytes and checked in-process on one core.
const escapeHtml = (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const asFormat = {
  text: (d) => [{ path: 'a.txt', text: d, count: 1 }],
  markdown: (d) => [{ path: 'a.md', text: `---\nsource: ایرنا\n---\n${d}`, count: 1 }],
  html: (d) => [{ path: 'a.html', text: `<!doctype html><html><head><meta charset="utf-8"><title>t</title></head><body><article>${d.split(/\n+/).map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}</article></body></html>`, count: 1 }],
};
const formatRows = [];
/** Read and check every input in-process; documents/s and MB/s of the inputs' bytes. */
function measure(name, inputs) {
  const t0 = process.hrtime.bigint();
  let n = 0;
  let bytes = 0;
  for (const x of inputs) {
    bytes += x.bytes.length;
    for (const r of readBytes(x.path, x.bytes)) if (r.ok) { engine.check(r.document); n++; }
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  formatRows.push([name, n / secs, bytes / 1e6 / secs]);
}
for (const [name, make] of Object.entries(asFormat)) {
  const inputs = docs.slice(0, Math.min(N, 2000)).flatMap(make).map((x) => ({ ...x, bytes: Buffer.from(x.text) }));
  for (const x of inputs.slice(0, 100)) for (const r of readBytes(x.path, x.bytes)) if (r.ok) engine.check(r.document); // warm-up
  measure(name, inputs);
}
{
  const arts = docs.slice(0, Math.min(N, 2000)).map((d, i) => ({ id: `a${i}`, title: 'عنوان', body: d }));
  const files = [];
  for (let i = 0; i < arts.length; i += 100) files.push({ path: `e${i}.json`, bytes: Buffer.from(JSON.stringify(arts.slice(i, i + 100))) });
  measure('json', files);
  measure('jsonl', [{ path: 'all.jsonl', bytes: Buffer.from(arts.map((a) => JSON.stringify(a)).join('\n')) }]);
}
const textRate = formatRows[0][1];
for (const [name, rate, mbs] of formatRows) console.log(`reader ${name.padEnd(9)} ${rate.toFixed(0).padStart(6)} documents/s  ${mbs.toFixed(1).padStart(6)} MB/s  (${(rate / textRate).toFixed(2)}x plain text)`);

// --fix in memory: check, apply the fixes, check again until nothing is left to fix (about a quarter of the articles
// have a fault; a missing attribution is fixed from the byline). Against checking the same bytes once.
{
  const inputs = docs.slice(0, Math.min(N, 2000)).map((d) => Buffer.from(d));
  const check = (read) => checkRead(engine, read, undefined);
  for (const b of inputs.slice(0, 100)) fixBytes('w.txt', b, check, {}); // warm-up
  const t0 = process.hrtime.bigint();
  let fixed = 0;
  for (const b of inputs) fixed += fixBytes('a.txt', b, check, {}).fixed.length;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`fix (in memory)    ${(inputs.length / secs).toFixed(0).padStart(6)} documents/s  (${((inputs.length / secs) / textRate).toFixed(2)}x checking plain text)  ${fixed} findings fixed`);
}

// The CLI, end to end, as an audit runs it: discovery, reading files, checking on 1 and 2 jobs, a JSON report.
const sizes = (process.argv[3] ?? '10000,100000').split(',').map(Number).filter((n) => n > 0);
const bin = new URL('../bin/manba.js', import.meta.url).pathname;
for (const size of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'manba-bench-'));
  mkdirSync(join(dir, 'docs'));
  let bytesOnDisk = 0;
  for (let i = 0; i < size; i++) {
    const d = docs[i % N];
    bytesOnDisk += Buffer.byteLength(d);
    writeFileSync(join(dir, 'docs', `a${String(i).padStart(6, '0')}.txt`), d);
  }
  const perJobs = {};
  for (const jobs of [1, 2]) {
    const t0 = process.hrtime.bigint();
    const run = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, bin, 'check', join(dir, 'docs'), '--jobs', String(jobs), '--no-progress', '--format', 'json', '--output', join(dir, 'out.json')], { encoding: 'utf8' });
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const peakMb = Number(run.stderr.trim().split('\n').pop()) / 1024;
    perJobs[jobs] = size / secs;
    console.log(`CLI ${String(size).padStart(6)} files, ${jobs} job${jobs > 1 ? 's' : ' '}: ${(size / secs).toFixed(0).padStart(6)} documents/s  ${(bytesOnDisk / 1e6 / secs).toFixed(1).padStart(6)} MB/s  ${secs.toFixed(1).padStart(6)} s  exit ${run.status}  peak RSS ${Number.isFinite(peakMb) ? peakMb.toFixed(0) + ' MB' : 'n/a'}`);
  }
  console.log(`CLI ${String(size).padStart(6)} files: 2 jobs give ${(perJobs[2] / perJobs[1]).toFixed(2)}x the documents/s of 1 job`);
  rmSync(dir, { recursive: true, force: true });
}

// The audit database (check --record, history diff) at the largest archive size: bench/history.mjs.
if (sizes.length) spawnSync(process.execPath, [new URL('./history.mjs', import.meta.url).pathname, String(Math.max(...sizes))], { stdio: 'inherit' });
