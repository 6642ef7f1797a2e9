/** `manba baseline create | prune`. */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { buildRuleSet, findConfig, loadConfig, type Config } from '../config/load.js';
import { pathRules } from '../config/paths.js';
import { createBaseline, pruneBaseline, readBaseline } from '../engine/baseline.js';
import { Engine } from '../engine/engine.js';
import { checkInputs, type RunOutcome } from '../engine/run.js';
import { VERSION } from '../version.js';
import { EXIT, UsageError, type CliIO } from './io.js';

async function runFor(paths: string[], opts: { config?: string }, io: CliIO): Promise<RunOutcome> {
  const file = opts.config ? resolve(io.cwd, opts.config) : findConfig(io.cwd);
  const config: Config = file ? await loadConfig(file) : { extends: [], builtins: true, rules: {} };
  const ruleSet = await buildRuleSet(config);
  const byPath = pathRules(config, ruleSet, io.cwd);
  const engine = new Engine(ruleSet, config.site ? { site: config.site } : {});
  const outcome = await checkInputs(engine, paths, { cwd: io.cwd, readStdin: io.readStdin, settingsFor: (p) => byPath.settingsFor(p), ...(byPath.ignoresAny ? { accept: (abs: string) => byPath.ignored(abs) ?? true } : {}) });
  if (outcome.missing.length) throw new UsageError(outcome.missing.join('; '));
  return outcome;
}

export async function baselineCreateCommand(paths: string[], opts: { config?: string; output: string }, io: CliIO): Promise<number> {
  const { results } = await runFor(paths, opts, io);
  const baseline = createBaseline(results, { name: 'manba', version: VERSION });
  await writeFile(resolve(io.cwd, opts.output), JSON.stringify(baseline, null, 2) + '\n');
  io.stdout(`wrote ${opts.output}: ${baseline.entries.length} finding${baseline.entries.length === 1 ? '' : 's'} in ${results.length} document${results.length === 1 ? '' : 's'}\n`);
  return EXIT.clean;
}

export async function baselinePruneCommand(paths: string[], opts: { config?: string; baseline: string }, io: CliIO): Promise<number> {
  const file = resolve(io.cwd, opts.baseline);
  const read = readBaseline(file);
  if ('warning' in read) throw new UsageError(read.warning.replace('; reporting every finding', ''));
  const { results } = await runFor(paths, opts, io);
  const { baseline, removed } = pruneBaseline(read.baseline, results);
  await writeFile(file, JSON.stringify(baseline, null, 2) + '\n');
  io.stdout(`pruned ${opts.baseline}: removed ${removed} entr${removed === 1 ? 'y that no longer occurs' : 'ies that no longer occur'}, ${baseline.entries.length} left\n`);
  return EXIT.clean;
}
