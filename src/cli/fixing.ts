/** `manba check --fix / --fix-dry-run / --fix-type / --fix-suggestions`: options in, src/fix/ called, notes out. */
import type { RuleSet } from '../config/load.js';
import type { ReadOptions } from '../documents/read.js';
import type { DocumentSettings, Engine } from '../engine/engine.js';
import type { DocumentResult } from '../engine/finding.js';
import type { RunOptions } from '../engine/run.js';
import type { WorkerFile, WorkerFix, WorkerSetup } from '../engine/pool.js';
import type { Lang } from '../rules/types.js';
import { UsageError, type CliIO } from './io.js';

export interface FixOptions {
  fix?: boolean;
  fixDryRun?: boolean;
  fixType?: string;
  fixSuggestions?: boolean;
}

/** Formats that can share standard output with a diff: they are text for people. */
const BESIDE_DIFF = new Set(['stylish', 'compact', 'github']);

/** Check the fix options; the families to fix (undefined: all). Throws UsageError. */
export function fixSelection(opts: FixOptions, ruleSet: RuleSet, stdoutFormat: string | undefined): Set<string> | undefined {
  const fixing = opts.fix || opts.fixDryRun;
  if (opts.fix && opts.fixDryRun) throw new UsageError('--fix and --fix-dry-run cannot be given together: --fix writes the files, --fix-dry-run only shows the diff');
  if (!fixing && opts.fixType !== undefined) throw new UsageError('--fix-type needs --fix or --fix-dry-run');
  if (!fixing && opts.fixSuggestions) throw new UsageError('--fix-suggestions needs --fix or --fix-dry-run');
  if (opts.fixDryRun && stdoutFormat && !BESIDE_DIFF.has(stdoutFormat)) {
    throw new UsageError(`--fix-dry-run prints its diff to standard output; write the ${stdoutFormat} report to a file (--format ${stdoutFormat}:report.${stdoutFormat})`);
  }
  if (opts.fixType === undefined) return undefined;
  const known = new Set([...ruleSet.severities.keys()].map((id) => id.split('/')[0]!));
  const types = opts.fixType.split(',').map((t) => t.trim()).filter(Boolean);
  if (types.length === 0) throw new UsageError('--fix-type takes rule families, comma-separated, e.g. notice,attribution');
  for (const t of types) if (!known.has(t)) throw new UsageError(`--fix-type: no rule family "${t}"; the rules loaded have ${[...known].sort().join(', ')}`);
  return new Set(types);
}

export interface Fixing {
  /** Fix a file at its turn in the check (RunOptions.fix). */
  fix: NonNullable<RunOptions['fix']>;
  /** How workers fix the files instead (WorkerSetup.fix), and what they tell back of each file they fixed. */
  onWorkers: { setup: NonNullable<WorkerSetup['fix']>; onFixed: (file: WorkerFix) => void; onBatchLost: (file: WorkerFile, problemsWritten: number) => void };
  /**
   * A document's result, once what fixing did to its file is told: a dry run's diff printed just before the file's
   * first result, a file not written given the finding that says so.
   */
  annotate: (r: DocumentResult) => DocumentResult;
  /** Notes on standard error once the report is out. */
  notes: () => void;
}

/**
 * How the run fixes its files (or makes their diffs), each at its turn, and tells what it did. `stdout` is the one
 * the reports write to, so that a diff and the report of its file keep their order.
 */
export async function startFixing(engine: Engine, paths: readonly string[], opts: FixOptions, options: { read: ReadOptions; settingsFor: (path: string) => DocumentSettings | undefined; types?: Set<string>; lang: Lang }, stdout: (s: string) => void, io: CliIO): Promise<Fixing> {
  const dryRun = opts.fixDryRun === true;
  // Loaded by a run that fixes, not at every start.
  const { fixFile, notWrittenFinding } = await import('../fix/files.js');
  const selection = { ...(options.types ? { types: options.types } : {}), suggestions: opts.fixSuggestions === true };
  // A file with something to tell, until its first result: at most the files the run has started ahead of it.
  const toTell = new Map<string, WorkerFix>();
  let problems = 0;
  let files = 0;
  // What is said after the report, about the few files fixing stopped short on.
  const said: string[] = [];
  /** What fixing a file did, wherever it was fixed: counted, and kept until its result is reported. */
  const record = (file: WorkerFix) => {
    const { path } = file;
    if (file.findings.length && (dryRun || file.written)) {
      problems += file.findings.length;
      files++;
    }
    if (file.notWritten) said.push(`manba: ${path}: not fixed: ${file.notWritten}\n`);
    if (file.stopped) said.push(`manba: ${path}: ${file.stopped}\n`);
    if (file.notRewritten) said.push(`manba: ${path}: fixes are not applied to feed items (a feed is made from the articles: fix them where they are written)\n`);
    if (file.diff || file.suggestionDiff || file.notWritten) toTell.set(path, file);
  };
  return {
    fix: (path, absolute, bytes) => {
      const settings = options.settingsFor(path);
      const { file, bytes: now, results } = fixFile(engine, path, absolute, bytes, { read: options.read, ...(settings ? { settings } : {}), selection, write: !dryRun, diffs: dryRun });
      record(file);
      return { bytes: now, results };
    },
    onWorkers: {
      setup: { write: !dryRun, diffs: dryRun, ...(options.types ? { types: [...options.types] } : {}), suggestions: selection.suggestions },
      onFixed: record,
      // A file a worker wrote in a batch that then crashed or ran out of time is found with nothing left to fix when
      // the batch is retried a file at a time (pool.ts): it is counted from what the worker had said of it.
      onBatchLost: (_file, problemsWritten) => {
        if (!problemsWritten) return;
        problems += problemsWritten;
        files++;
      },
    },
    annotate: (r) => {
      const file = toTell.size ? fileOf(r.path, toTell) : undefined;
      if (!file) return r;
      toTell.delete(file.path);
      if (file.diff) stdout(file.diff + '\n');
      if (file.suggestionDiff) stdout(`# suggestion, not applied by --fix (a person decides; --fix-suggestions applies it):\n${file.suggestionDiff}\n`);
      return file.notWritten ? { ...r, findings: [notWrittenFinding(file, options.lang), ...r.findings] } : r;
    },
    notes: () => {
      if (problems) {
        const what = `${problems} problem${problems === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`;
        io.stderr(dryRun ? `manba: --fix-dry-run: ${what} would be fixed; nothing was written\n` : `manba: fixed ${what}\n`);
      }
      for (const line of said) io.stderr(line);
      if (paths.includes('-')) io.stderr('manba: standard input is checked, not fixed: name the file to fix it\n');
    },
  };
}

/**
 * The file a document's result belongs to: its path, or (an article of an export, `file#id`) the path before a `#`.
 * Tried from the last `#`, not cut at the first as filePart does: the files are known here, and a name may hold one.
 */
function fileOf<T>(path: string, files: Map<string, T>): T | undefined {
  for (let cut = path.length; cut > 0; cut = path.lastIndexOf('#', cut - 1)) {
    const file = files.get(path.slice(0, cut));
    if (file) return file;
  }
  return undefined;
}
