/** `manba check`: options in, library calls, report out, exit code. No checking logic lives here. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { buildRuleSet, findConfig, loadConfig, type Config, type RuleSet } from '../config/load.js';
import { pathRules } from '../config/paths.js';
import { changedSince } from '../documents/changed.js';
import { applyBaseline, readBaseline } from '../engine/baseline.js';
import { ResultCache } from '../engine/cache.js';
import { Engine } from '../engine/engine.js';
import { summarize, type DocumentResult } from '../engine/finding.js';
import { checkInputs } from '../engine/run.js';
import { reporterNamed, reporters, type Reporter } from '../report/index.js';
import type { Lang } from '../rules/types.js';
import { VERSION } from '../version.js';
import { EXIT, UsageError, type CliIO } from './io.js';

export interface CheckOptions {
  config?: string;
  format: string[];
  output?: string;
  quiet?: boolean;
  maxWarnings?: string;
  failOn?: string;
  lang?: string;
  site?: string;
  color?: boolean;
  reportUnusedSuppressions?: boolean;
  baseline?: string;
  cache?: boolean;
  cacheLocation?: string;
  changedSince?: string;
  encoding?: string;
  stdinFilename?: string;
  maxFileSize?: string;
  verbose?: boolean;
}

const ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1256'] as const;

interface Output {
  reporter: Reporter;
  /** Absolute path, or undefined for standard output. */
  file?: string;
}

/** `--format stylish --format sarif:report.sarif`: each format to its file, at most one to standard output. */
function outputsOf(opts: CheckOptions, cwd: string): Output[] {
  const specs = opts.format.length ? opts.format : ['stylish'];
  const outputs = specs.map((spec): Output => {
    const k = spec.indexOf(':');
    const name = k === -1 ? spec : spec.slice(0, k);
    const reporter = reporterNamed(name);
    if (!reporter) throw new UsageError(`unknown format "${name}"; known formats: ${reporters.map((r) => r.name).join(', ')}`);
    return { reporter, ...(k !== -1 ? { file: resolve(cwd, spec.slice(k + 1)) } : {}) };
  });
  const toStdout = outputs.filter((o) => !o.file);
  if (opts.output) {
    if (toStdout.length !== 1) throw new UsageError('--output takes the report of one format; write --format name:file for the others');
    toStdout[0]!.file = resolve(cwd, opts.output);
  } else if (toStdout.length > 1) {
    throw new UsageError(`only one format can go to standard output; give the others a file (e.g. --format ${toStdout[1]!.reporter.name}:report.${toStdout[1]!.reporter.name})`);
  }
  return outputs;
}

/** Everything that decides results, hashed: a cache made under other rules or settings is never used. */
function cacheKey(config: Config, ruleSet: RuleSet, lang: string, site: string | undefined): string {
  const h = createHash('sha256').update(VERSION).update(lang).update(site ?? '').update(JSON.stringify({ ...config, locate: undefined }));
  const files = new Set([...ruleSet.rules.map((r) => r.definition.spot.file), ...ruleSet.registry.outlets.map((o) => o.spot.file)]);
  for (const f of [...files].sort()) h.update(f).update(readFileSync(f));
  return h.digest('hex');
}

async function writeAtomically(file: string, text: string): Promise<void> {
  // Write beside and rename, so an interrupted run never leaves half a report in place of the old one.
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

export async function runCheck(paths: string[], opts: CheckOptions, io: CliIO): Promise<number> {
  const outputs = outputsOf(opts, io.cwd);
  const maxWarnings = opts.maxWarnings === undefined ? -1 : Number(opts.maxWarnings);
  if (!Number.isInteger(maxWarnings) || maxWarnings < -1) throw new UsageError(`--max-warnings takes a whole number, not "${opts.maxWarnings}"`);
  if (opts.failOn && opts.failOn !== 'error' && opts.failOn !== 'warning') throw new UsageError(`--fail-on takes error or warning, not "${opts.failOn}"`);
  if (paths.length === 0) throw new UsageError('no paths given: name files, folders or globs to check, or - for standard input');
  if (opts.encoding && !(ENCODINGS as readonly string[]).includes(opts.encoding)) throw new UsageError(`--encoding takes one of ${ENCODINGS.join(', ')}, not "${opts.encoding}"`);
  const maxFileSize = opts.maxFileSize === undefined ? undefined : Number(opts.maxFileSize);
  if (maxFileSize !== undefined && !(Number.isInteger(maxFileSize) && maxFileSize > 0)) throw new UsageError(`--max-file-size takes a number of bytes, not "${opts.maxFileSize}"`);

  const configFile = opts.config ? resolve(io.cwd, opts.config) : findConfig(io.cwd);
  const config: Config = configFile ? await loadConfig(configFile) : { extends: [], builtins: true, rules: {} };
  const ruleSet = await buildRuleSet(config);
  const lang = (opts.lang ?? config.lang ?? 'en') as Lang;
  const site = opts.site ?? config.site;
  const engine = new Engine(ruleSet, { lang, ...(site ? { site } : {}), reportUnusedSuppressions: opts.reportUnusedSuppressions ?? false });
  const byPath = pathRules(config, ruleSet, io.cwd);

  let changed: Set<string> | undefined;
  if (opts.changedSince) {
    const c = changedSince(opts.changedSince, io.cwd);
    if ('error' in c) throw new UsageError(c.error);
    changed = c.files;
  }
  const cache = opts.cache ? new ResultCache(resolve(io.cwd, opts.cacheLocation ?? '.manba-cache'), cacheKey(config, ruleSet, lang, site)) : undefined;
  if (cache?.warning) io.stderr(`manba: warning: ${cache.warning}\n`);

  const { results, missing, skipped } = await checkInputs(engine, paths, {
    cwd: io.cwd,
    readStdin: io.readStdin,
    settingsFor: (p) => byPath.settingsFor(p),
    accept: (abs, named) => {
      const ignored = byPath.ignored(abs);
      if (ignored) return named ? `${ignored} (named on the command line, still not checked)` : ignored;
      if (changed && !changed.has(abs)) return `unchanged since ${opts.changedSince}`;
      return true;
    },
    ...(cache ? { cache } : {}),
    read: { ...((opts.encoding ?? config.encoding) ? { encoding: (opts.encoding ?? config.encoding) as (typeof ENCODINGS)[number] } : {}), readers: config.read ?? {} },
    ...((maxFileSize ?? config.maxFileSize) ? { maxFileSize: maxFileSize ?? config.maxFileSize } : {}),
    ...(opts.stdinFilename ? { stdinPath: opts.stdinFilename } : {}),
    ...(opts.verbose ? { onSkippedExtension: (p: string) => io.stderr(`manba: skipped ${p}: no reader for its extension\n`) } : {}),
  });
  for (const o of outputs) {
    if (o.file && results.some((r) => resolve(io.cwd, r.path.split('#')[0]!) === o.file)) throw new UsageError(`the report file ${o.file} is one of the documents being checked; refusing to overwrite it`);
  }
  await cache?.save();

  let reported: DocumentResult[] = results;
  let baselined = 0;
  if (opts.baseline) {
    const b = readBaseline(resolve(io.cwd, opts.baseline));
    if ('warning' in b) io.stderr(`manba: warning: ${b.warning}\n`);
    else ({ results: reported, dropped: baselined } = applyBaseline(results, b.baseline));
  }
  if (opts.quiet) reported = reported.map((r) => ({ ...r, findings: r.findings.filter((f) => f.severity === 'error') }));
  const report = { tool: { name: 'manba', version: VERSION }, documents: reported, summary: summarize(reported) };
  for (const o of outputs) {
    const color = opts.color ?? (io.isTTY && !o.file && !io.env.NO_COLOR);
    const text = o.reporter.format(report, { color, showPassing: !opts.quiet });
    if (o.file) await writeAtomically(o.file, text);
    else io.stdout(text);
  }

  const ignoredNamed = skipped.filter((s) => s.reason.includes('named on the command line'));
  for (const s of ignoredNamed) io.stderr(`manba: ${s.path}: ${s.reason}\n`);
  if (skipped.length > ignoredNamed.length) io.stderr(`manba: ${skipped.length - ignoredNamed.length} file${skipped.length - ignoredNamed.length === 1 ? '' : 's'} not checked (${[...new Set(skipped.map((s) => s.reason.replace(/ \(named.*$/, '')))].join('; ')})\n`);
  if (baselined) io.stderr(`manba: ${baselined} finding${baselined === 1 ? '' : 's'} already in the baseline not reported\n`);
  if (cache?.hits) io.stderr(`manba: ${cache.hits} unchanged document${cache.hits === 1 ? '' : 's'} taken from the cache\n`);
  for (const m of missing) io.stderr(`manba: ${m}\n`);
  if (missing.length) return EXIT.usage;
  // What counts is what is reported: with --quiet, warnings are neither shown nor counted.
  const all = report.summary;
  if (all.errors > 0) return EXIT.findings;
  if (opts.failOn === 'warning' && all.warnings > 0) return EXIT.findings;
  if (maxWarnings >= 0 && all.warnings > maxWarnings) {
    io.stderr(`manba: ${all.warnings} warning${all.warnings === 1 ? '' : 's'}, more than --max-warnings ${maxWarnings}\n`);
    return EXIT.findings;
  }
  return EXIT.clean;
}
