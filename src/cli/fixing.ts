/** `manba check --fix / --fix-dry-run / --fix-type / --fix-suggestions`: options in, src/fix/ called, notes out. */
import { resolve } from 'node:path';
import type { RuleSet } from '../config/load.js';
import type { Engine } from '../engine/engine.js';
import type { DocumentResult } from '../engine/finding.js';
import type { FixFilesOptions, FixRun } from '../fix/files.js';
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
  /** The fixed bytes of a file, so the check reports what is left (the file as written, or as it would be). */
  bytesOf: (absolute: string) => Uint8Array | undefined;
  /** A document's result with the fix run's own findings (a file not written). */
  annotate: (r: DocumentResult) => DocumentResult;
  /** Notes on standard error once the report is out. */
  notes: () => void;
}

/** Fix the inputs (or make the diffs), print the diffs of a dry run, and say how the check should read the files. */
export async function runFixes(engine: Engine, paths: string[], opts: FixOptions, options: Omit<FixFilesOptions, 'write'> & { types?: Set<string>; lang: Lang }, io: CliIO): Promise<Fixing> {
  const dryRun = opts.fixDryRun === true;
  // Loaded by a run that fixes, not at every start.
  const { fixFiles, withFixFindings } = await import('../fix/files.js');
  const run: FixRun = await fixFiles(engine, paths, {
    ...options,
    selection: { ...(options.types ? { types: options.types } : {}), suggestions: opts.fixSuggestions === true },
    write: !dryRun,
  });
  if (dryRun) {
    for (const f of run.files) {
      if (f.diff) io.stdout(f.diff + '\n');
      if (f.suggestionDiff) io.stdout(`# suggestion, not applied by --fix (a person decides; --fix-suggestions applies it):\n${f.suggestionDiff}\n`);
    }
  }
  // Written files are read back as written; a file not written is checked as it is on disk.
  const fixed = new Map(run.files.filter((f) => f.fixed && (dryRun || f.written)).map((f) => [f.absolute, f.fixed!]));
  return {
    bytesOf: (absolute) => fixed.get(resolve(absolute)),
    annotate: withFixFindings(run, options.cwd, options.lang),
    notes: () => {
      const done = run.files.filter((f) => f.findings.length && (dryRun || f.written));
      const problems = done.reduce((n, f) => n + f.findings.length, 0);
      if (problems) {
        const what = `${problems} problem${problems === 1 ? '' : 's'} in ${done.length} file${done.length === 1 ? '' : 's'}`;
        io.stderr(dryRun ? `manba: --fix-dry-run: ${what} would be fixed; nothing was written\n` : `manba: fixed ${what}\n`);
      }
      for (const f of run.files) {
        if (f.notWritten) io.stderr(`manba: ${f.path}: not fixed: ${f.notWritten}\n`);
        if (f.stopped) io.stderr(`manba: ${f.path}: ${f.stopped}\n`);
        if (f.notRewritten) io.stderr(`manba: ${f.path}: fixes are not applied to feed items (a feed is made from the articles: fix them where they are written)\n`);
      }
      if (run.stdin) io.stderr('manba: standard input is checked, not fixed: name the file to fix it\n');
    },
  };
}
