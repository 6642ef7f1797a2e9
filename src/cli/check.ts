/** `manba check`: options in, library calls, report out, exit code. No checking logic lives here. */
import { createHash } from 'node:crypto';
import { relative, resolve } from 'node:path';
import { buildRuleSet, findConfig, loadConfig, type Config, type RuleSet } from '../config/load.js';
import { pathRules, type PathRules } from '../config/paths.js';
import { readBaseline } from '../engine/baseline.js';
import { Exemptions, type ExemptedResult } from '../engine/exemptions.js';
import { waiversOf } from '../waivers/load.js';
import { ResultCache } from '../engine/cache.js';
import { Engine } from '../engine/engine.js';
import { summarize, type DocumentResult, type RenderedResult } from '../engine/finding.js';
import type { ReporterOptions } from '../report/types.js';
import { checkInputs, type RunOutcome } from '../engine/run.js';
import { ResultStore } from '../engine/result-store.js';
import type { ReadOptions } from '../documents/read.js';
import type { Report } from '../report/index.js';
import { readerForPath, readers } from '../documents/readers/index.js';
import { documentsInFlight, prepareRuleSet, workerPool } from '../engine/pool.js';
import { youngGenerationMayGrow } from '../engine/heap.js';
import { defaultJobs } from '../engine/cpus.js';
import { ruleSetDigests, runEvidence } from '../engine/evidence.js';
import { Progress } from './progress.js';
import { openReportStream, writeReportFileInChunks } from '../report/report-file.js';
import { SINCE_LAST_ROWS } from '../report/html.js';

/** Below this many files a run stays in one thread: starting workers costs more than it saves. */
const WORKERS_FROM = 64;
import type { Lang } from '../rules/types.js';
import { VERSION } from '../version.js';
import { batchedOutput, EXIT, interruptible, showsProgress, UsageError, type CliIO } from './io.js';
import { outputsOf } from './outputs.js';
import { fixSelection, startFixing, type FixOptions } from './fixing.js';
import { fileFilter, parseShard, pathListOf } from './selection.js';

export interface CheckOptions extends FixOptions {
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
  filesFrom?: string;
  progress?: boolean;
  stdin?: boolean;
  inputFormat?: string;
  record?: string;
  reportUnusedWaivers?: boolean;
}

const ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1256'] as const;

/** Everything that decides results, hashed: a cache made under other rules or settings is never used. */
function cacheKey(config: Config, ruleSet: RuleSet, lang: string, site: string | undefined, reportUnused: boolean): string {
  // The day is part of the key: byline/date-future depends on the date of the check.
  const { ruleSetSha256, registrySha256 } = ruleSetDigests(ruleSet);
  return createHash('sha256')
    .update([VERSION, lang, site ?? '', String(reportUnused), new Date().toISOString().slice(0, 10), ruleSetSha256, registrySha256].join('\0'))
    .update(JSON.stringify({ ...config, locate: undefined }))
    .digest('hex');
}

export async function runCheck(paths: string[], opts: CheckOptions, io: CliIO): Promise<number> {
  // Ctrl-C stops starting documents; the report then covers what was checked (exit 130).
  return interruptible((abort) => check([...paths], opts, io, abort));
}

async function check(paths: string[], opts: CheckOptions, io: CliIO, abort: AbortController): Promise<number> {
  if (opts.stdin && !paths.includes('-')) paths = [...paths, '-'];
  const listed = await pathListOf(opts.filesFrom, paths, io);
  if (paths.length === 0 && !listed) throw new UsageError('no paths given: name files, folders or globs to check, or - for standard input');
  const shard = parseShard(opts.shard);
  const timeoutSeconds = opts.timeout === undefined ? undefined : Number(opts.timeout);
  if (timeoutSeconds !== undefined && !(timeoutSeconds > 0)) throw new UsageError(`--timeout takes a number of seconds, not "${opts.timeout}"`);
  const jobsWanted = opts.jobs === undefined ? undefined : Number(opts.jobs);
  if (jobsWanted !== undefined && !(Number.isInteger(jobsWanted) && jobsWanted >= 1)) throw new UsageError(`--jobs takes a whole number of at least 1, not "${opts.jobs}"`);
  if ((jobsWanted ?? defaultJobs()) < 2) youngGenerationMayGrow(true); // checked in this thread: see heap.ts
  let stdinPath = opts.stdinFilename;
  if (opts.inputFormat) {
    const reader = readers.find((r) => r.format === opts.inputFormat);
    if (!reader) throw new UsageError(`unknown input format "${opts.inputFormat}"; known: ${readers.map((r) => r.format).join(', ')}`);
    stdinPath ??= `<stdin>${reader.extensions[0]}`;
  }
  const maxFileSize = opts.maxFileSize === undefined ? undefined : Number(opts.maxFileSize);
  if (maxFileSize !== undefined && !(Number.isInteger(maxFileSize) && maxFileSize > 0)) throw new UsageError(`--max-file-size takes a number of bytes, not "${opts.maxFileSize}"`);

  // The files named, walked and read: one source of documents (the crawler in crawl.ts is another).
  // A WARC's pages carry where they were fetched: the CSV report then has the columns for it, as a crawl's does.
  const retrieval = paths.some((p) => readerForPath(p)?.stream !== undefined);
  // --fix-dry-run prints diffs on standard output: only a report written to a file can share it.
  const stdoutFormat = outputsOf(opts.format, io.cwd, 'stylish', opts.output).find((o) => !o.file)?.reporter.name;
  return checkDocuments(opts, io, abort, { command: 'check', ...(shard ? { settings: { shard: `${shard.index}/${shard.count}` } } : {}), ...(retrieval ? { retrieval } : {}) }, async ({ config, configFile, ruleSet, engine, lang, site, byPath, readOptions, onResult, render, stdout }) => {
    const fixTypes = fixSelection(opts, ruleSet, stdoutFormat);
    const accept = fileFilter(byPath, opts.changedSince, io.cwd);
    // --fix / --fix-dry-run: each file is fixed (or diffed) at its turn, and the check of what it now holds is what
    // the run reports, each result saying what the fixing did to its document.
    const fixing = opts.fix || opts.fixDryRun ? await startFixing(engine, paths, opts, { read: readOptions, settingsFor: (p) => byPath.settingsFor(p), ...(fixTypes ? { types: fixTypes } : {}), lang }, stdout, io) : undefined;
    const cache = opts.cache ? new ResultCache(resolve(io.cwd, opts.cacheLocation ?? '.manba-cache'), cacheKey(config, ruleSet, lang, site, opts.reportUnusedSuppressions ?? false)) : undefined;
    if (cache?.warning) io.stderr(`manba: warning: ${cache.warning}\n`);

    // Workers pay off on archives, not on a handful of files: below WORKERS_FROM documents the run stays in-process.
    const jobs = jobsWanted ?? defaultJobs();
    // Workers write each result for the reports themselves when nothing here changes results first (--fix annotates
    // them, a cache keeps them): the main thread, which every worker waits on, then only writes.
    const rendering = render && !fixing && !cache ? render : undefined;
    let pool: ReturnType<typeof workerPool> | undefined;
    const checkerFor = (files: number, complete: boolean) => {
      // Workers pay off on archives, not on a handful of files, unless --jobs asks for them. A run that fixes has
      // its workers fix each file too, and check it as the last pass of fixing it; with a cache, which needs each
      // file's bytes here, it fixes here.
      if ((fixing && cache) || jobs < 2 || (jobsWanted === undefined && files < WORKERS_FROM)) {
        youngGenerationMayGrow(true);
        return undefined;
      }
      pool = workerPool(jobs, {
        ...(configFile ? { configFile } : {}),
        cwd: io.cwd,
        engine: { lang, ...(site ? { site } : {}), ...(config.scope ? { scope: config.scope } : {}), reportUnusedSuppressions: opts.reportUnusedSuppressions ?? false },
        read: readOptions,
        ...((maxFileSize ?? config.maxFileSize) ? { maxFileSize: maxFileSize ?? config.maxFileSize } : {}),
        ...(opts.site ? { forceSite: opts.site } : {}),
        prepared: prepareRuleSet(ruleSet),
        ...(rendering ? { render: { formats: rendering.formats, options: rendering.options } } : {}),
        ...(fixing ? { fix: fixing.onWorkers.setup } : {}),
      }, { ...(complete ? { files } : {}), ...(timeoutSeconds ? { timeoutMs: timeoutSeconds * 1000 } : {}), ...(fixing ? { onFixed: fixing.onWorkers.onFixed, onBatchLost: fixing.onWorkers.onBatchLost } : {}) });
      return pool.checker;
    };
    const progress = showsProgress(opts.progress, io) ? new Progress(io) : undefined;
    const leftOut: LeftOut = { named: [], others: 0, reasons: new Set() };
    let outcome: RunOutcome;
    try {
      outcome = await checkInputs(engine, paths, {
        ...(shard ? { shard } : {}),
        ...(listed ? { listed } : {}),
        checkerFor,
        inThread: jobs < 2,
        checkPath: (p, abs) => pool!.checkPath(p, abs),
        window: jobs > 1 ? documentsInFlight(jobs) : 16,
        signal: abort.signal,
        ...(progress ? { onTotal: (n: number) => progress.setTotal(n) } : {}),
        onResult: (r) => {
          progress?.tick(r);
          onResult(fixing ? fixing.annotate(r) : r);
        },
        ...(rendering
          ? {
              onRendered: (r: RenderedResult) => {
                progress?.tick(r);
                rendering.onRendered(r);
              },
            }
          : {}),
        keepResults: false,
        ...(io.readStdinLines ? { stdinLines: io.readStdinLines } : {}),
      cwd: io.cwd,
      readStdin: io.readStdin,
      settingsFor: (p) => byPath.settingsFor(p),
      ...(accept ? { accept } : {}),
      onLeftOut: (path, reason, named) => {
        if (named) return void leftOut.named.push({ path, reason });
        leftOut.others++;
        leftOut.reasons.add(reason);
      },
      ...(fixing ? { fix: fixing.fix } : {}),
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
    await cache?.save();
    return {
      ...outcome,
      leftOut,
      ...(fixing ? { tell: () => fixing.notes() } : {}),
      notes: [...(cache?.hits ? [`${cache.hits} unchanged document${cache.hits === 1 ? '' : 's'} taken from the cache`] : []), ...(cache?.failure ? [`warning: ${cache.failure}`] : [])],
    };
  });
}

/** What every run shares, whatever its documents come from: the config, rule set and engine, and how to read. */
export interface SourceContext {
  config: Config;
  configFile?: string;
  ruleSet: RuleSet;
  engine: Engine;
  lang: Lang;
  site?: string;
  byPath: PathRules;
  readOptions: ReadOptions;
  /**
   * Give each document's result here as soon as it is checked: reports write or store it, the tally counts it. The
   * source keeps nothing; the run keeps what its reports need (a ResultStore).
   */
  onResult: (r: DocumentResult) => void;
  /**
   * Given when the run applies nothing to a result before its reports (no waiver or baseline in force, no --quiet or
   * --record) and every report streams: workers may then write each result for the reports themselves
   * (WorkerSetup.render) and hand it to `onRendered`, in the same order as `onResult`'s.
   */
  render?: { formats: string[]; options: ReporterOptions[]; onRendered: (r: RenderedResult) => void };
  /** Standard output as the reports write to it: what a source prints there (a dry run's diffs) keeps its place. */
  stdout: (s: string) => void;
}

/**
 * A source of documents checks them and says how it went; `tell` prints its own account on standard error after the
 * report (what --fix did), `notes` are lines told after the run's (cache hits).
 */
export type DocumentSource = (ctx: SourceContext) => Promise<Omit<RunOutcome, 'results' | 'skipped'> & { leftOut?: LeftOut; notes?: string[]; tell?: () => void }>;

/**
 * Files a run left out (ignored, unchanged since a git ref), told at its end: each one an argument named, the
 * others counted by reason. An archive's worth of paths is not kept for a count.
 */
export interface LeftOut {
  named: { path: string; reason: string }[];
  others: number;
  reasons: Set<string>;
}

/** What kind of run this is: its command (recorded with --record), settings for the run evidence, web documents. */
export interface RunKind {
  command: 'check' | 'crawl';
  settings?: Record<string, unknown>;
  retrieval?: boolean;
}

/**
 * The run around a source of documents: config, rule set and engine in; reports (streamed or whole), the notes
 * on standard error and the exit code out. `manba check` and `manba crawl` differ only in their source.
 * `kind.settings` go into the report's run evidence; `kind.retrieval` says documents come from the web (reports
 * such as CSV then add the retrieval's columns). Waivers, baselines and the audit database (--record) apply to
 * every source alike.
 */
export async function checkDocuments(opts: CheckOptions, io: CliIO, abort: AbortController, kind: RunKind, source: DocumentSource): Promise<number> {
  // Totals-first formats keep results in memory up to a point, then in a temporary file, removed whatever happens.
  const store = new ResultStore();
  // A report on standard output comes a document at a time; written as it comes, each piece was a system call of
  // its own when stdout is a file (`> report.json`: half a second for 20,000 documents). Batched, and written out
  // before anything goes to stderr, so the two keep their order on a terminal.
  const stdout = batchedOutput(io.stdout);
  const batched: CliIO = { ...io, stdout: stdout.write, stderr: (s) => (stdout.flush(), io.stderr(s)) };
  try {
    return await runDocuments(opts, batched, abort, kind, source, store);
  } finally {
    stdout.flush();
    store.close();
  }
}

async function runDocuments(opts: CheckOptions, io: CliIO, abort: AbortController, kind: RunKind, source: DocumentSource, store: ResultStore): Promise<number> {
  const outputs = outputsOf(opts.format, io.cwd, 'stylish', opts.output);
  const maxWarnings = opts.maxWarnings === undefined ? -1 : Number(opts.maxWarnings);
  if (!Number.isInteger(maxWarnings) || maxWarnings < -1) throw new UsageError(`--max-warnings takes a whole number, not "${opts.maxWarnings}"`);
  if (opts.failOn && opts.failOn !== 'error' && opts.failOn !== 'warning') throw new UsageError(`--fail-on takes error or warning, not "${opts.failOn}"`);
  if (opts.encoding && !(ENCODINGS as readonly string[]).includes(opts.encoding)) throw new UsageError(`--encoding takes one of ${ENCODINGS.join(', ')}, not "${opts.encoding}"`);

  const configFile = opts.config ? resolve(io.cwd, opts.config) : findConfig(io.cwd);
  const config: Config = configFile ? await loadConfig(configFile) : { extends: [], builtins: true, rules: {} };
  const ruleSet = await buildRuleSet(config);
  const lang = (opts.lang ?? config.lang ?? 'en') as Lang;
  const site = opts.site ?? config.site;
  const engine = new Engine(ruleSet, { lang, ...(site ? { site } : {}), ...(config.scope ? { scope: config.scope } : {}), reportUnusedSuppressions: opts.reportUnusedSuppressions ?? false });
  const byPath = pathRules(config, ruleSet, io.cwd, opts.site);
  const waivers = await waiversOf(config, ruleSet, io.cwd);
  const readOptions = { ...((opts.encoding ?? config.encoding) ? { encoding: (opts.encoding ?? config.encoding) as (typeof ENCODINGS)[number] } : {}), readers: config.read ?? {} };
  // When every format can be written as documents are checked (json, jsonl, csv, compact), nothing is kept: an
  // archive of any size streams through. Formats that need totals first (stylish, sarif, junit, html, …) keep the
  // results (never the articles) in the store: in memory up to a point, then in a temporary file.
  const streaming = outputs.every((o) => o.reporter.stream);
  const baseline = opts.baseline ? readBaseline(resolve(io.cwd, opts.baseline)) : undefined;
  if (baseline && 'warning' in baseline) io.stderr(`manba: warning: ${baseline.warning}\n`);
  // Suppressed, waived or baselined: decided once per result, in one place (engine/exemptions.ts).
  const exemptions = new Exemptions({ ...(baseline && 'baseline' in baseline ? { baseline: baseline.baseline } : {}), ...(waivers ? { waivers } : {}), cwd: io.cwd });
  /** What a document's result looks like in the report: waivers marked, without baselined findings, errors only with --quiet. */
  const shown = (r: DocumentResult | ExemptedResult): DocumentResult => {
    const out = exemptions.shown('result' in r ? r : exemptions.apply(r));
    return opts.quiet ? { ...out, findings: out.findings.filter((f) => f.severity === 'error') } : out;
  };
  const startedAt = new Date();
  const settings = { lang, ...(site ? { site } : {}), ...kind.settings };
  // --record: the audit database gets every result as the reports do. A database that cannot be used does not stop
  // the run: the reports are written, then the run exits 2.
  // The database's modules are loaded only by a run that records: some 20 ms at every start otherwise.
  const ledger = opts.record ? await import('../ledger/index.js') : undefined;
  const recording = ledger?.startRecording(resolve(io.cwd, opts.record!), runEvidence(ruleSet, config, startedAt, settings), kind.command);
  const openError = recording?.error;
  if (openError) io.stderr(`manba: ${openError}; the run is not recorded\n`);
  const tally = { documents: 0, errors: 0, warnings: 0 };
  let collision: string | undefined;
  /** One document into the totals and the reports: written by streaming formats, stored for the others. */
  /** One document into the totals, with what counts of its findings (summarize's, or a worker's from it). */
  const count = ({ errors, warnings }: { errors: number; warnings: number }) => {
    tally.documents++;
    tally.errors += errors;
    tally.warnings += warnings;
  };
  const report = (d: DocumentResult) => {
    count(summarize([d]));
    if (!streaming) store.add(d);
    for (const sink of sinks) sink.write(sink.o.reporter.stream!.document(d, sink.count++, sink.ropts));
  };
  /** A document that is one of the report files: the report is then not put in place (see below). */
  const noteCollision = (path: string) => {
    if (outputs.some((o) => o.file && resolve(io.cwd, path.split('#')[0]!) === o.file)) collision = path;
  };
  /** A result a worker wrote for the reports (SourceContext.render): into the totals, its pieces into the reports. */
  const reportRendered = (r: RenderedResult) => {
    count(r);
    noteCollision(r.path);
    sinks.forEach((sink, k) => {
      const separator = sink.count++ > 0 ? (sink.o.reporter.stream!.separator ?? '') : '';
      sink.write(separator + r.pieces[k]!);
    });
  };
  const sinks = streaming
    ? outputs.map((o) => {
        const ropts = { color: opts.color ?? (io.isTTY && !o.file && !io.env.NO_COLOR), showPassing: !opts.quiet, ...(kind.retrieval ? { retrieval: true } : {}) };
        const fd = o.file ? openReportStream(o.file) : undefined;
        const write = (text: string) => (fd !== undefined ? fd.write(text) : io.stdout(text));
        write(o.reporter.stream!.head({ name: 'manba', version: VERSION }, ropts));
        return { o, ropts, fd, write, count: 0 };
      })
    : [];
  let outcome: Awaited<ReturnType<DocumentSource>>;
  try {
    outcome = await source({
    config,
    ...(configFile ? { configFile } : {}),
    ruleSet,
    engine,
    lang,
    ...(site ? { site } : {}),
    byPath,
    readOptions,
    stdout: io.stdout,
    ...(streaming && exemptions.changesNothing && !recording && !opts.quiet
      ? { render: { formats: sinks.map((s) => s.o.reporter.name), options: sinks.map((s) => s.ropts), onRendered: reportRendered } }
      : {}),
    onResult: (r) => {
      const exempted = exemptions.apply(r);
      recording?.add(exempted.result, exempted.baselined);
      noteCollision(r.path);
      report(shown(exempted));
    },
    });
  } catch (err) {
    recording?.close(); // the run stays unfinished in the database; history ignores it
    throw err;
  }
  const { missing, leftOut, interrupted } = outcome;
  const run = runEvidence(ruleSet, config, startedAt, { ...settings, interrupted });
  recording?.finish(run, interrupted);
  if (recording?.error && recording.error !== openError) io.stderr(`manba: ${recording.error}\n`);
  // Expired waivers (and, when asked, unused ones) are findings about the waiver file, after the documents.
  const closing = exemptions.closing(opts.reportUnusedWaivers ?? false);
  if (closing) report(closing);
  const summary = tally;
  if (streaming) {
    for (const sink of sinks) {
      sink.write(sink.o.reporter.stream!.tail({ tool: { name: 'manba', version: VERSION }, summary: tally, run, documents: sink.count }, sink.ropts));
      if (sink.fd !== undefined) {
        if (collision) sink.fd.discard();
        else sink.fd.commit();
      }
    }
  }
  if (collision) throw new UsageError(`a report file is one of the documents being checked (${collision}); refusing to overwrite it`);
  if (!streaming) {
    const sinceLast = recording?.finished && outputs.some((o) => o.reporter.name === 'html') ? ledger!.sinceLastRun(recording.file, recording.runId!, SINCE_LAST_ROWS) : undefined;
    const whole: Report = { tool: { name: 'manba', version: VERSION }, documents: store.documents() as DocumentResult[], summary: tally, run, ...(sinceLast ? { sinceLast } : {}) };
    for (const o of outputs) {
      const color = opts.color ?? (io.isTTY && !o.file && !io.env.NO_COLOR);
      const ropts = { color, showPassing: !opts.quiet, ...(kind.retrieval ? { retrieval: true } : {}) };
      if (o.file) await writeReportFileInChunks(o.file, o.reporter.chunks(whole, ropts));
      else for (const c of o.reporter.chunks(whole, ropts)) io.stdout(c);
    }
  }

  for (const s of leftOut?.named ?? []) io.stderr(`manba: ${s.path}: ${s.reason}\n`);
  if (leftOut?.others) io.stderr(`manba: ${leftOut.others} file${leftOut.others === 1 ? '' : 's'} not checked (${[...leftOut.reasons].join('; ')})\n`);
  outcome.tell?.();
  if (exemptions.baselined) io.stderr(`manba: ${exemptions.baselined} finding${exemptions.baselined === 1 ? '' : 's'} already in the baseline not reported\n`);
  if (exemptions.waived) io.stderr(`manba: ${exemptions.waived} finding${exemptions.waived === 1 ? '' : 's'} waived (${relative(io.cwd, waivers!.file)})\n`);
  if (recording?.finished) io.stderr(`manba: recorded as run ${recording.runId} in ${opts.record}\n`);
  for (const note of outcome.notes ?? []) io.stderr(`manba: ${note}\n`);
  for (const m of missing) io.stderr(`manba: ${m}\n`);
  if (interrupted) {
    const done = tally.documents;
    io.stderr(`manba: interrupted after ${done} document${done === 1 ? '' : 's'}; the report covers those only\n`);
    return EXIT.interrupted;
  }
  if (missing.length || recording?.error) return EXIT.usage;
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
