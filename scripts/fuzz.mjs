#!/usr/bin/env node
// `npm run fuzz`: the fuzz suite (tests/fuzz.test.ts) at length, with a fresh seed unless MANBA_FUZZ_SEED is set.
// MANBA_FUZZ_RUNS (default 2000) cases per property, MANBA_FUZZ_SECONDS (default 60) at most per property.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const env = { ...process.env };
env.MANBA_FUZZ_SEED ??= String(Math.floor(Math.random() * 2 ** 31));
env.MANBA_FUZZ_RUNS ??= '2000';
env.MANBA_FUZZ_SECONDS ??= '60';
console.log(`fuzzing with seed ${env.MANBA_FUZZ_SEED}, ${env.MANBA_FUZZ_RUNS} runs and at most ${env.MANBA_FUZZ_SECONDS} s per property`);
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const timeout = String((Number(env.MANBA_FUZZ_SECONDS) + 120) * 1000);
const r = spawnSync(process.execPath, [vitest, 'run', 'tests/fuzz.test.ts', '--testTimeout', timeout], { stdio: 'inherit', env });
if (r.status !== 0) console.log(`rerun this case with MANBA_FUZZ_SEED=${env.MANBA_FUZZ_SEED} npm run fuzz`);
process.exit(r.status ?? 1);
