/** `manba check`: options in, library calls, report out, exit code. No checking logic lives here. */
import { existsSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { buildRuleSet, findConfig, loadConfig, type Config } from '../config/load.js';
import { Engine } from '../engine/engine.js';
import { summarize } from '../engine/finding.js';
import { checkInputs } from '../engine/run.js';
import { reporterNamed, reporters } from '../report/index.js';
import type { Lang } from '../rules/types.js';
import { VERSION } from '../version.js';
import { EXIT, UsageError, type CliIO } from './io.js';

export interface CheckOptions {
  config?: string;
  format: string;
  output?: string;
  quiet?: boolean;
  maxWarnings?: string;
  lang?: string;
  site?: string;
  color?: boolean;
}

export async function runCheck(paths: string[], opts: CheckOptions, io: CliIO): Promise<number> {
  const reporter = reporterNamed(opts.format);
  if (!reporter) throw new UsageError(`unknown format "${opts.format}"; known formats: ${reporters.map((r) => r.name).join(', ')}`);
  const maxWarnings = opts.maxWarnings === undefined ? -1 : Number(opts.maxWarnings);
  if (!Number.isInteger(maxWarnings) || maxWarnings < -1) throw new UsageError(`--max-warnings takes a whole number, not "${opts.maxWarnings}"`);
  if (opts.lang && opts.lang !== 'fa' && opts.lang !== 'en') throw new UsageError(`--lang takes fa or en, not "${opts.lang}"`);
  if (paths.length === 0) throw new UsageError('no paths given: name files, folders or globs to check, or - for standard input');

  const configFile = opts.config ? resolve(io.cwd, opts.config) : findConfig(io.cwd);
  const config: Config = configFile ? await loadConfig(configFile) : { extends: [], builtins: true, rules: {} };
  const ruleSet = await buildRuleSet(config);
  const lang = (opts.lang ?? config.lang ?? 'en') as Lang;
  const site = opts.site ?? config.site;
  const engine = new Engine(ruleSet, { lang, ...(site ? { site } : {}) });

  const outputPath = opts.output ? resolve(io.cwd, opts.output) : undefined;
  const { results, missing } = await checkInputs(engine, paths, { cwd: io.cwd, readStdin: io.readStdin });
  if (outputPath && results.some((r) => resolve(io.cwd, r.path) === outputPath)) {
    throw new UsageError(`--output ${opts.output} is one of the documents being checked; refusing to overwrite it`);
  }
  const shown = opts.quiet ? results.map((r) => ({ ...r, findings: r.findings.filter((f) => f.severity === 'error') })) : results;
  const report = { tool: { name: 'manba', version: VERSION }, documents: shown, summary: summarize(shown) };
  const color = opts.color ?? (io.isTTY && !outputPath && !io.env.NO_COLOR);
  const text = reporter.format(report, { color, showPassing: !opts.quiet });
  if (outputPath) {
    // Write beside and rename, so an interrupted run never leaves half a report in place of the old one.
    const tmp = `${outputPath}.${process.pid}.tmp`;
    await writeFile(tmp, text);
    await rename(tmp, outputPath);
    if (!existsSync(outputPath)) throw new Error(`could not write ${outputPath}`);
  } else {
    io.stdout(text);
  }
  for (const m of missing) io.stderr(`manba: ${m}\n`);
  if (missing.length) return EXIT.usage;
  // What counts is what is reported: with --quiet, warnings are neither shown nor counted.
  const all = summarize(shown);
  if (all.errors > 0) return EXIT.findings;
  if (maxWarnings >= 0 && all.warnings > maxWarnings) {
    io.stderr(`manba: ${all.warnings} warning${all.warnings === 1 ? '' : 's'}, more than --max-warnings ${maxWarnings}\n`);
    return EXIT.findings;
  }
  return EXIT.clean;
}
