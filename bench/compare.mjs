// Compare two builds of manba on the same command, run side by side: the figure to trust on a machine whose speed
// swings.
//
//   node bench/compare.mjs <old checkout> <new checkout> [--rounds 10] -- check <folder> --jobs 1 --format json
//
// --old-node-args= and --new-node-args= start that side's Node with options of its own. One checkout given twice
// then compares a V8 or Node flag on the same build:
//
//   node bench/compare.mjs . . --new-node-args="--v8-pool-size=1" -- check <folder> --jobs 1 --format json
//
// Each checkout is a folder with its own bin/manba.js, dist/ and rules/ (a `git worktree` after `npm run build`):
// the reading thread and the workers are found relative to dist/, so two different builds must not share one.
//
// Why side by side: on the shared VMs this project is measured on, the speed of a process can change by half from
// one minute to the next, and alternating runs still give medians that mislead by 10%. Started together, the two
// builds meet the same moments of the machine; each round gives a ratio of their CPU times, of their checking
// threads' CPU times and of their wall times, and the medians of those ratios are printed. Running together, each
// is slower than alone: read the ratios, not the times.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { watchCpu } from './proc.mjs';

const split = process.argv.indexOf('--');
if (split === -1) {
  console.error('usage: node bench/compare.mjs <old checkout> <new checkout> [--rounds 10] [--old-node-args="…"] [--new-node-args="…"] -- <manba arguments>');
  process.exit(2);
}
const { values, positionals } = parseArgs({ args: process.argv.slice(2, split), options: { rounds: { type: 'string', default: '10' }, 'old-node-args': { type: 'string', default: '' }, 'new-node-args': { type: 'string', default: '' } }, allowPositionals: true });
const command = process.argv.slice(split + 1);
const builds = positionals.map((p) => resolve(p));
if (builds.length !== 2 || builds.some((b) => !existsSync(resolve(b, 'bin/manba.js')) || !existsSync(resolve(b, 'dist')))) {
  console.error('compare: give two checkouts, each with bin/manba.js and a built dist/');
  process.exit(2);
}
const rounds = Number(values.rounds);
const nodeArgs = [values['old-node-args'], values['new-node-args']].map((a) => a.split(' ').filter(Boolean));
/**
 * One run of a build: wall seconds, and CPU seconds of the whole process and of its checking thread (its first),
 * as last read from /proc before it ended (every 10 ms).
 */
function run(build, args) {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [...args, resolve(build, 'bin/manba.js'), ...command], { stdio: 'ignore' });
    const watch = watchCpu(child);
    child.on('error', fail);
    child.on('exit', (code) => {
      const { cpu, main } = watch.read();
      if (code !== 0 && code !== 1) return fail(new Error(`${build}: manba exited ${code}`));
      done({ wall: Number(process.hrtime.bigint() - started) / 1e9, cpu, main });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const ratios = { wall: [], cpu: [], main: [] };
const f2 = (x) => x?.toFixed(2) ?? 'n/a';
for (let r = 0; r < rounds; r++) {
  // Started in turn, old first in one round and new first in the next.
  const order = r % 2 ? [1, 0] : [0, 1];
  const results = [];
  await Promise.all(order.map(async (i) => (results[i] = await run(builds[i], nodeArgs[i]))));
  const [a, b] = results;
  ratios.wall.push(b.wall / a.wall);
  if (a.cpu && b.cpu) ratios.cpu.push(b.cpu / a.cpu);
  if (a.main && b.main) ratios.main.push(b.main / a.main);
  console.log(`round ${r + 1}: wall ${f2(a.wall)} → ${f2(b.wall)} s, CPU ${f2(a.cpu)} → ${f2(b.cpu)} s, checking thread ${f2(a.main)} → ${f2(b.main)} s`);
}
const m = (xs) => (xs.length ? median(xs).toFixed(3) : 'n/a');
console.log(`\nnew ÷ old, medians of ${rounds} rounds run side by side: wall ${m(ratios.wall)}, CPU ${m(ratios.cpu)}, checking thread CPU ${m(ratios.main)}`);
