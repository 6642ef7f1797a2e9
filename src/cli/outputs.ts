/** Where a command's reports go: `--format stylish --format sarif:report.sarif` (check, merge). */
import { resolve } from 'node:path';
import { reporterNamed, reporters, type Reporter } from '../report/index.js';
import { UsageError } from './io.js';

export interface Output {
  reporter: Reporter;
  /** Absolute path, or undefined for standard output. */
  file?: string;
}

/**
 * Each format to its file, at most one to standard output; `fallback` when no format is given. `output` (check's
 * --output) is the file of the one format that has none.
 */
export function outputsOf(specs: readonly string[], cwd: string, fallback: string, output?: string): Output[] {
  const outputs = (specs.length ? specs : [fallback]).map((spec): Output => {
    const k = spec.indexOf(':');
    const name = k === -1 ? spec : spec.slice(0, k);
    const reporter = reporterNamed(name);
    if (!reporter) throw new UsageError(`unknown format "${name}"; known formats: ${reporters.map((r) => r.name).join(', ')}`);
    return { reporter, ...(k !== -1 ? { file: resolve(cwd, spec.slice(k + 1)) } : {}) };
  });
  const toStdout = outputs.filter((o) => !o.file);
  if (output) {
    if (toStdout.length !== 1) throw new UsageError('--output takes the report of one format; write --format name:file for the others');
    toStdout[0]!.file = resolve(cwd, output);
  } else if (toStdout.length > 1) {
    throw new UsageError(`only one format can go to standard output; give the others a file (e.g. --format ${toStdout[1]!.reporter.name}:report.${toStdout[1]!.reporter.name})`);
  }
  return outputs;
}
