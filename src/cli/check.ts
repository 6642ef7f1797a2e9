/** `manba check`: options in, library calls, report out, exit code. No checking logic lives here. */
import { createHash } from 'node:crypto';
import { createWriteStream, renameSync, unlinkSync } from 'node:fs';
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
import { ResultStore } from '../engine/result-store.js';
import { reporterNamed, reporters, type Report, type Reporter } from '../report/index.js';
import { ReportFile } from '../report/report-file.js';
import { readers } from '../documents/readers/index.js';
import { availableParallelism } from 'node:os';
import { prepareRuleSet, workerPool } from '../engine/pool.js';
import { ruleSetDigests, runEvidence } from '../engine/evidence.js';
import { Progress } from './progress.js';

/** Below this many files a run stays in one thread: starting workers costs more than it saves. */
const WORKERS_FROM = 64;
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
  timeout?: string;
  jobs?: string;
  shard?: string;
  progress?: boolean;
  stdin?: boolean;
  inputFormat?: string;
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
function cacheKey(config: Config, ruleSet: RuleSet, lang: string, site: string | undefined, reportUnused: boolean): string {
  // The day is part of the key: byline/date-future depends on the date of the check.
  const { ruleSetSha256, registrySha256 } = ruleSetDigests(ruleSet);
  return createHash('sha256')
    .update([VERSION, lang, site ?? '', String(reportUnused), new Date().toISOString().slice(0, 10), ruleSetSha256, registrySha256].join('\0'))
    .update(JSON.stringify({ ...config, locate: undefined }))
    .digest('hex');
}

async function writeAtomically(file: string, text: string): Promise<void> {
  // Write beside and rename, so an interrupted run never leaves half a report in place of the old one.
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

async function writeChunksAtomically(file: string, chunks: Iterable<string>): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const out = createWriteStream(tmp);
  for (const c of chunks) if (!out.write(c)) await new Promise<void>((r) => out.once('drain', () => r()));
  await new Promise<void>((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res())));
  await rename(tmp, file);
}

export async function runCheck(paths: string[], opts: CheckOptions, io: CliIO): Promise<number> {
  paths = [...paths];
  // Ctrl-C stops starting documents; the report then covers what was checked (exit 130).
  const abort = new AbortController();
  const onInterrupt = () => abort.abort();
  process.once('SIGINT', onInterrupt);
  const store = new ResultStore();
  try {
    return await check(paths, opts, io, abort, store);
  } finally {
    process.off('SIGINT', onInterrupt);
    store.close(); // its temporary file goes, whatever happened
  }
}

async function check(paths: string[], opts: CheckOptions, io: CliIO, abort: AbortController, store: ResultStore): Promise<number> {
  const outputs = outputsOf(opts, io.cwd);
  const maxWarnings = opts.maxWarnings === undefined ? -1 : Number(opts.maxWarnings);
  if (!Number.isInteger(maxWarnings) || maxWarnings < -1) throw new UsageError(`--max-warnings takes a whole number, not "${opts.maxWarnings}"`);
  if (opts.failOn && opts.failOn !== 'error' && opts.failOn !== 'warning') throw new UsageError(`--fail-on takes error or warning, not "${opts.failOn}"`);
  if (opts.stdin && !paths.includes('-')) paths = [...paths, '-'];
  if (paths.length === 0) throw new UsageError('no paths given: name files, folders or globs to check, or - for standard input');
  let shard: { index: number; count: number } | undefined;
  if (opts.shard) {
    const m = /^(\d+)\/(\d+)$/.exec(opts.shard);
    if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new UsageError(`--shard takes i/n with 1 <= i <= n, e.g. 2/8, not "${opts.shard}"`);
    shard = { index: Number(m[1]), count: Number(m[2]) };
  }
  const timeoutSeconds = opts.timeout === undefined ? undefined : Number(opts.timeout);
  if (timeoutSeconds !== undefined && !(timeoutSeconds > 0)) throw new UsageError(`--timeout takes a number of seconds, not "${opts.timeout}"`);
  const jobsWanted = opts.jobs === undefined ? undefined : Number(opts.jobs);
  if (jobsWanted !== undefined && !(Number.isInteger(jobsWanted) && jobsWanted >= 1)) throw new UsageError(`--jobs takes a whole number of at least 1, not "${opts.jobs}"`);
  let stdinPath = opts.stdinFilename;
  if (opts.inputFormat) {
    const reader = readers.find((r) => r.format === opts.inputFormat);
    if (!reader) throw new UsageError(`unknown input format "${opts.inputFormat}"; known: ${readers.map((r) => r.format).join(', ')}`);
    stdinPath ??= `<stdin>${reader.extensions[0]}`;
  }
  if (opts.encoding && !(ENCODINGS as readonly string[]).includes(opts.encoding)) throw new UsageError(`--encoding takes one of ${ENCODINGS.join(', ')}, not "${opts.encoding}"`);
  const maxFileSize = opts.maxFileSize === undefined ? undefined : Number(opts.maxFileSize);
  if (maxFileSize !== undefined && !(Number.isInteger(maxFileSize) && maxFileSize > 0)) throw new UsageError(`--max-file-size takes a number of bytes, not "${opts.maxFileSize}"`);

  const configFile = opts.config ? resolve(io.cwd, opts.config) : findConfig(io.cwd);
  const config: Config = configFile ? await loadConfig(configFile) : { extends: [], builtins: true, rules: {} };
  const ruleSet = await buildRuleSet(config);
  const lang = (opts.lang ?? config.lang ?? 'en') as Lang;
  const site = opts.site ?? config.site;
  const engine = new Engine(ruleSet, { lang, ...(site ? { site } : {}), ...(config.scope ? { scope: config.scope } : {}), reportUnusedSuppressions: opts.reportUnusedSuppressions ?? false });
  const byPath = pathRules(config, ruleSet, io.cwd, opts.site);

  let changed: Set<string> | undefined;
  if (opts.changedSince) {
    const c = changedSince(opts.changedSince, io.cwd);
    if ('error' in c) throw new UsageError(c.error);
    changed = c.files;
  }
  const cache = opts.cache ? new ResultCache(resolve(io.cwd, opts.cacheLocation ?? '.manba-cache'), cacheKey(config, ruleSet, lang, site, opts.reportUnusedSuppressions ?? false)) : undefined;
  if (cache?.warning) io.stderr(`manba: warning: ${cache.warning}\n`);

  const readOptions = { ...((opts.encoding ?? config.encoding) ? { encoding: (opts.encoding ?? config.encoding) as (typeof ENCODINGS)[number] } : {}), readers: config.read ?? {} };
  // Workers pay off on archives, not on a handful of files: below WORKERS_FROM documents the run stays in-process.
  const jobs = jobsWanted ?? availableParallelism();
  let pool: ReturnType<typeof workerPool> | undefined;
  const checkerFor = (files: number) => {
    // Workers pay off on archives, not on a handful of files, unless --jobs asks for them.
    if (jobs < 2 || (jobsWanted === undefined && files < WORKERS_FROM)) return undefined;
    pool = workerPool(jobs, {
      ...(configFile ? { configFile } : {}),
      cwd: io.cwd,
      engine: { lang, ...(site ? { site } : {}), ...(config.scope ? { scope: config.scope } : {}), reportUnusedSuppressions: opts.reportUnusedSuppressions ?? false },
      read: readOptions,
      ...((maxFileSize ?? config.maxFileSize) ? { maxFileSize: maxFileSize ?? config.maxFileSize } : {}),
      ...(opts.site ? { forceSite: opts.site } : {}),
      prepared: prepareRuleSet(ruleSet),
    }, timeoutSeconds ? { timeoutMs: timeoutSeconds * 1000 } : {});
    return pool.checker;
  };
  const progress = opts.progress === true || (opts.progress === undefined && io.stderrIsTTY) ? new Progress(io) : undefined;
  // When every format can be written as documents are checked (json, jsonl, csv, compact), nothing is kept: an
  // archive of any size streams through. Formats that need totals first (stylish, sarif, junit, html, …) keep the
  // results, never the articles.
  const streaming = outputs.every((o) => o.reporter.stream);
  const baseline = opts.baseline ? readBaseline(resolve(io.cwd, opts.baseline)) : undefined;
  if (baseline && 'warning' in baseline) io.stderr(`manba: warning: ${baseline.warning}\n`);
  let baselined = 0;
  /** What a document's result looks like in the report: without baselined findings, errors only with --quiet. */
  const shown = (r: DocumentResult): DocumentResult => {
    let out = r;
    if (baseline && 'baseline' in baseline) {
      const applied = applyBaseline([r], baseline.baseline);
      baselined += applied.dropped;
      out = applied.results[0]!;
    }
    return opts.quiet ? { ...out, findings: out.findings.filter((f) => f.severity === 'error') } : out;
  };
  const startedAt = new Date();
  const tally = { documents: 0, errors: 0, warnings: 0 };
  let collision: string | undefined;
  const sinks = streaming
    ? outputs.map((o) => {
        const ropts = { color: opts.color ?? (io.isTTY && !o.file && !io.env.NO_COLOR), showPassing: !opts.quiet };
        const fd = o.file ? new ReportFile(`${o.file}.${process.pid}.tmp`) : undefined;
        const write = (text: string) => (fd !== undefined ? fd.write(text) : io.stdout(text));
        write(o.reporter.stream!.head({ name: 'manba', version: VERSION }, ropts));
        return { o, ropts, fd, write, count: 0 };
      })
    : [];
  let outcome: Awaited<ReturnType<typeof checkInputs>>;
  try {
    outcome = await checkInputs(engine, paths, {
      ...(shard ? { shard } : {}),
      checkerFor,
      checkPath: (p, abs) => pool!.checkPath(p, abs),
      // Enough in flight that every worker always has a batch queued (see BATCH in engine/pool.ts).
      window: jobs > 1 ? jobs * 128 : 16,
      signal: abort.signal,
      onTotal: (n) => progress?.start(n),
      onResult: (r) => {
        progress?.tick(r);
        if (outputs.some((o) => o.file && resolve(io.cwd, r.path.split('#')[0]!) === o.file)) collision = r.path;
        const d = shown(r);
        const t = summarize([d]);
        tally.documents++;
        tally.errors += t.errors;
        tally.warnings += t.warnings;
        // Totals-first formats: results go to the store (memory, then a temporary file), never all in memory.
        if (!streaming) store.add(d);
        for (const sink of sinks) sink.write(sink.o.reporter.stream!.document(d, sink.count++, sink.ropts));
      },
      keepResults: false,
      ...(io.readStdinLines ? { stdinLines: io.readStdinLines } : {}),
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
      read: readOptions,
      ...((maxFileSize ?? config.maxFileSize) ? { maxFileSize: maxFileSize ?? config.maxFileSize } : {}),
      ...(stdinPath ? { stdinPath } : {}),
      ...(opts.verbose ? { onSkippedExtension: (p: string) => io.stderr(`manba: skipped ${p}: no reader for its extension\n`) } : {}),
    });
  } finally {
    progress?.done();
    await pool?.close();
  }
  const { missing, skipped, interrupted } = outcome;
  await cache?.save();
  const run = runEvidence(ruleSet, config, startedAt, { lang, ...(site ? { site } : {}), ...(shard ? { shard: `${shard.index}/${shard.count}` } : {}), interrupted });
  const summary = tally;
  if (streaming) {
    for (const sink of sinks) {
      sink.write(sink.o.reporter.stream!.tail({ tool: { name: 'manba', version: VERSION }, summary: tally, run, documents: sink.count }, sink.ropts));
      if (sink.fd !== undefined) {
        sink.fd.close();
        if (collision) unlinkSync(`${sink.o.file}.${process.pid}.tmp`);
        else renameSync(`${sink.o.file}.${process.pid}.tmp`, sink.o.file!);
      }
    }
  }
  if (collision) throw new UsageError(`a report file is one of the documents being checked (${collision}); refusing to overwrite it`);
  if (!streaming) {
    const report: Report = { tool: { name: 'manba', version: VERSION }, documents: store.documents() as DocumentResult[], summary: tally, run };
    for (const o of outputs) {
      const color = opts.color ?? (io.isTTY && !o.file && !io.env.NO_COLOR);
      const ropts = { color, showPassing: !opts.quiet };
      if (o.reporter.chunks) {
        if (o.file) await writeChunksAtomically(o.file, o.reporter.chunks(report, ropts));
        else for (const c of o.reporter.chunks(report, ropts)) io.stdout(c);
        continue;
      }
      const text = o.reporter.format(report, ropts);
      if (o.file) await writeAtomically(o.file, text);
      else io.stdout(text);
    }
  }

  const ignoredNamed = skipped.filter((s) => s.reason.includes('named on the command line'));
  for (const s of ignoredNamed) io.stderr(`manba: ${s.path}: ${s.reason}\n`);
  const unnamed = skipped.filter((s) => !ignoredNamed.includes(s));
  if (unnamed.length) io.stderr(`manba: ${unnamed.length} file${unnamed.length === 1 ? '' : 's'} not checked (${[...new Set(unnamed.map((s) => s.reason))].join('; ')})\n`);
  if (baselined) io.stderr(`manba: ${baselined} finding${baselined === 1 ? '' : 's'} already in the baseline not reported\n`);
  if (cache?.hits) io.stderr(`manba: ${cache.hits} unchanged document${cache.hits === 1 ? '' : 's'} taken from the cache\n`);
  for (const m of missing) io.stderr(`manba: ${m}\n`);
  if (interrupted) {
    const done = tally.documents;
    io.stderr(`manba: interrupted after ${done} document${done === 1 ? '' : 's'}; the report covers those only\n`);
    return EXIT.interrupted;
  }
  if (missing.length) return EXIT.usage;
  // What counts is what is reported: with --quiet, warnings are neither shown nor counted.
  const all = summary;
  if (all.errors > 0) return EXIT.findings;
  if (opts.failOn === 'warning' && all.warnings > 0) return EXIT.findings;
  if (maxWarnings >= 0 && all.warnings > maxWarnings) {
    io.stderr(`manba: ${all.warnings} warning${all.warnings === 1 ? '' : 's'}, more than --max-warnings ${maxWarnings}\n`);
    return EXIT.findings;
  }
  return EXIT.clean;
}
