/** `manba merge <reports…>`: join JSON reports (shards of one audit) into one report, in any format. */
import { resolve } from 'node:path';
import { summarize } from '../engine/finding.js';
import { mergeReports, MergeInputError, type MergedReports } from '../engine/merge.js';
import { ResultStore } from '../engine/result-store.js';
import { ReportSyntaxError } from '../report/read-json-report.js';
import { openReportStream, writeReportFileInChunks, type ReportStream } from '../report/report-file.js';
import type { Report } from '../report/index.js';
import { batchedOutput, EXIT, showsProgress, UsageError, type CliIO } from './io.js';
import { outputsOf } from './outputs.js';
import { Progress } from './progress.js';

export async function mergeCommand(files: string[], opts: { format: string[]; failOn?: string; progress?: boolean }, io: CliIO): Promise<number> {
  if (files.length === 0) throw new UsageError('name the JSON reports to merge (from manba check --format json)');
  if (opts.failOn && opts.failOn !== 'error' && opts.failOn !== 'warning') throw new UsageError(`--fail-on takes error or warning, not "${opts.failOn}"`);
  const outputs = outputsOf(opts.format, io.cwd, 'json');
  // Merging the shards of a large archive takes minutes: the same progress line as manba check's. A warning clears
  // it first (it is drawn again at the next document), so the two never share a line.
  const progress = showsProgress(opts.progress, io) ? new Progress(io) : undefined;
  const warn = (message: string) => io.stderr(`${progress ? '\r\u001b[K' : ''}manba: warning: ${message}\n`);
  let merged: MergedReports;
  try {
    merged = mergeReports(files.map((f) => ({ file: resolve(io.cwd, f), name: f })), { onWarning: warn });
  } catch (err) {
    if (err instanceof MergeInputError) throw new UsageError(err.message);
    throw err;
  }
  // As `manba check` does: formats that stream are written document by document; the others (stylish, SARIF,
  // HTML, …) need the totals first, and get the documents from a store that spills to a temporary file.
  const streaming = outputs.every((o) => o.reporter.stream);
  const store = new ResultStore();
  const stdout = batchedOutput(io.stdout);
  const options = { color: false, showPassing: true };
  const sinks: { o: (typeof outputs)[number]; file?: ReportStream | undefined; write: (text: string) => void }[] = streaming
    ? outputs.map((o) => {
        const file = o.file ? openReportStream(o.file) : undefined;
        return { o, file, write: file ? file.write : stdout.write };
      })
    : [];
  const tally = { documents: 0, errors: 0, warnings: 0 };
  progress?.start(merged.total);
  try {
    const tool = merged.tool;
    for (const { o, write } of sinks) write(o.reporter.stream!.head(tool, options));
    for (const d of merged.documents()) {
      const { errors, warnings } = summarize([d]);
      for (const { o, write } of sinks) write(o.reporter.stream!.document(d, tally.documents, options));
      if (!streaming) store.add(d);
      progress?.tick(d);
      tally.documents++;
      tally.errors += errors;
      tally.warnings += warnings;
    }
    const run = merged.run;
    for (const { o, write } of sinks) write(o.reporter.stream!.tail({ tool, summary: tally, ...(run ? { run } : {}), documents: tally.documents }, options));
    for (const sink of sinks) {
      sink.file?.commit();
      sink.file = undefined;
    }
    if (!streaming) {
      const whole: Report = { tool, documents: store.documents() as Report['documents'], summary: tally, ...(run ? { run } : {}) };
      for (const o of outputs) {
        if (o.file) await writeReportFileInChunks(o.file, o.reporter.chunks(whole, options));
        else for (const c of o.reporter.chunks(whole, options)) stdout.write(c);
      }
    }
  } catch (err) {
    // Nothing half-written is put in place of a report file.
    for (const { file } of sinks) file?.discard();
    // A report checked before the merge began and changed since.
    if (err instanceof ReportSyntaxError) throw new UsageError(`a report changed while it was merged: ${err.message}`);
    throw err;
  } finally {
    progress?.done(); // the line ends before a message that follows it, also an error's
    stdout.flush();
    merged.close();
    store.close();
  }
  if (tally.errors > 0 || (opts.failOn === 'warning' && tally.warnings > 0)) return EXIT.findings;
  return EXIT.clean;
}
