/** `manba baseline create | prune`. */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { buildRuleSet, findConfig, loadConfig, type Config } from '../config/load.js';
import { pathRules } from '../config/paths.js';
import { baselineEntries, baselineOf, fingerprintsOf, pruneBaseline, readBaseline, type BaselineEntry } from '../engine/baseline.js';
import type { DocumentResult } from '../engine/finding.js';
import { Engine } from '../engine/engine.js';
import { checkInputs } from '../engine/run.js';
import { VERSION } from '../version.js';
import { EXIT, UsageError, type CliIO } from './io.js';

/**
 * Check the paths, each result given to `onResult` and not kept: a baseline needs each finding's fingerprint, not
 * the results of an archive held to the end. Returns how many documents were checked.
 */
async function runFor(paths: string[], opts: { config?: string }, io: CliIO, onResult: (r: DocumentResult) => void): Promise<number> {
  const file = opts.config ? resolve(io.cwd, opts.config) : findConfig(io.cwd);
  const config: Config = file ? await loadConfig(file) : { extends: [], builtins: true, rules: {} };
  const ruleSet = await buildRuleSet(config);
  const byPath = pathRules(config, ruleSet, io.cwd);
  const engine = new Engine(ruleSet, config.site ? { site: config.site } : {});
  let documents = 0;
  const outcome = await checkInputs(engine, paths, {
    cwd: io.cwd,
    readStdin: io.readStdin,
    settingsFor: (p) => byPath.settingsFor(p),
    ...(byPath.ignoresAny ? { accept: (abs: string) => byPath.ignored(abs) ?? true } : {}),
    keepResults: false,
    onResult: (r) => {
      documents++;
      onResult(r);
    },
  });
  if (outcome.missing.length) throw new UsageError(outcome.missing.join('; '));
  return documents;
}

export async function baselineCreateCommand(paths: string[], opts: { config?: string; output: string }, io: CliIO): Promise<number> {
  const entries: BaselineEntry[] = [];
  const documents = await runFor(paths, opts, io, (r) => entries.push(...baselineEntries(r)));
  const baseline = baselineOf(entries, { name: 'manba', version: VERSION });
  await writeFile(resolve(io.cwd, opts.output), JSON.stringify(baseline, null, 2) + '\n');
  io.stdout(`wrote ${opts.output}: ${baseline.entries.length} finding${baseline.entries.length === 1 ? '' : 's'} in ${documents} document${documents === 1 ? '' : 's'}\n`);
  return EXIT.clean;
}

export async function baselinePruneCommand(paths: string[], opts: { config?: string; baseline: string }, io: CliIO): Promise<number> {
  const file = resolve(io.cwd, opts.baseline);
  const read = readBaseline(file);
  if ('warning' in read) throw new UsageError(read.warning.replace('; reporting every finding', ''));
  const current = new Set<string>();
  await runFor(paths, opts, io, (r) => {
    for (const print of fingerprintsOf(r)) current.add(print);
  });
  const { baseline, removed } = pruneBaseline(read.baseline, current);
  await writeFile(file, JSON.stringify(baseline, null, 2) + '\n');
  io.stdout(`pruned ${opts.baseline}: removed ${removed} entr${removed === 1 ? 'y that no longer occurs' : 'ies that no longer occur'}, ${baseline.entries.length} left\n`);
  return EXIT.clean;
}
