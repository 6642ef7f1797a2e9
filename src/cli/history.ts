/** `manba history runs|diff|trend` (the audit database) and `manba waivers list` (the config's waiver file). */
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { buildRuleSet, findConfig, loadConfig, type Config } from '../config/load.js';
import { daysBetween, tehranDay, waiversOf, type Waiver } from '../waivers/load.js';
import { VERSION } from '../version.js';
import { batchedOutput, EXIT, UsageError, type CliIO } from './io.js';

interface HistoryOptions {
  db: string;
  format: string;
  output?: string;
  from?: string;
  to?: string;
}

const TOOL = { name: 'manba', version: VERSION };

function runId(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} takes a run number (manba history runs lists them), not "${value}"`);
  return Number(value);
}

/**
 * The names of the formats of `manba history` (ledger/formats/index.ts), for its options: known without loading the
 * database's modules at every start of the CLI.
 */
export const HISTORY_FORMAT_NAMES = ['stylish', 'json', 'csv', 'html'] as const;

async function historyCommand(view: 'runs' | 'diff' | 'trend', opts: HistoryOptions, io: CliIO): Promise<number> {
  // The database and its formats are loaded by these commands only, not at every start of the CLI.
  const [{ historyFormats }, { diffRuns, HistoryError, LedgerError, listRuns, openLedger, runsToCompare, trend }, { writeReportFileInChunks }] = await Promise.all([
    import('../ledger/formats/index.js'),
    import('../ledger/index.js'),
    import('../report/report-file.js'),
  ]);
  const format = historyFormats.find((f) => f.name === opts.format);
  if (!format) throw new UsageError(`unknown format "${opts.format}"; known: ${historyFormats.map((f) => f.name).join(', ')}`);
  const from = runId(opts.from, '--from');
  const to = runId(opts.to, '--to');
  const file = resolve(io.cwd, opts.db);
  try {
    const db = openLedger(file, { create: false });
    try {
      // A diff is written as it is read from the database, a document at a time: the file is put in place whole
      // at the end (or not at all), standard output gets it in batches.
      const runs = view === 'diff' ? runsToCompare(db, from, to) : undefined;
      const chunks = runs ? format.diff(diffRuns(db, runs.from, runs.to), TOOL) : [view === 'runs' ? format.runs(listRuns(db), TOOL) : format.trend(trend(db), TOOL)];
      if (opts.output) await writeReportFileInChunks(resolve(io.cwd, opts.output), chunks);
      else {
        const out = batchedOutput(io.stdout, 64 * 1024);
        for (const c of chunks) out.write(c);
        out.flush();
      }
    } finally {
      db.close();
    }
  } catch (err) {
    if (err instanceof LedgerError || err instanceof HistoryError) throw new UsageError(err.message);
    throw err;
  }
  return EXIT.clean;
}

/** What a waiver covers, in a line. */
function covers(w: Waiver): string {
  return [w.paths ? `paths ${w.paths.join(', ')}` : '', w.urls ? `urls ${w.urls.join(', ')}` : '', w.outlet ? `outlet ${w.outlet}` : '', w.sha256 ? `sha256 ${w.sha256.slice(0, 12)}…` : ''].filter(Boolean).join('; ');
}

async function waiversListCommand(opts: { config?: string; format: string }, io: CliIO): Promise<number> {
  if (opts.format !== 'table' && opts.format !== 'json') throw new UsageError(`--format takes table or json, not "${opts.format}"`);
  const file = opts.config ? resolve(io.cwd, opts.config) : findConfig(io.cwd);
  const config: Config = file ? await loadConfig(file) : { extends: [], builtins: true, rules: {} };
  if (!config.waivers) throw new UsageError(`${file ? `${file} names` : 'no config file found, so there is'} no waiver file (add waivers: <file> to the config)`);
  const set = (await waiversOf(config, await buildRuleSet(config), io.cwd))!;
  const today = tehranDay(new Date());
  const rows = set.waivers.map((w) => ({ ...w, daysLeft: daysBetween(today, w.expires) }));
  if (opts.format === 'json') {
    io.stdout(JSON.stringify({ file: set.file, today, waivers: rows.map(({ written, ...w }) => ({ ...w, approvedAsWritten: written.approved, expiresAsWritten: written.expires })) }, null, 2) + '\n');
    return EXIT.clean;
  }
  const lines = [`${set.file}: ${rows.length} waiver${rows.length === 1 ? '' : 's'} (today ${today})`, ''];
  for (const w of rows) {
    const left = w.daysLeft < 0 ? `EXPIRED ${-w.daysLeft} day${w.daysLeft === -1 ? '' : 's'} ago` : w.daysLeft === 0 ? 'last day today' : `${w.daysLeft} day${w.daysLeft === 1 ? '' : 's'} left`;
    lines.push(`${w.line}:${w.column}  ${w.id ? `${w.id}  ` : ''}${w.rule}  ${covers(w)}`);
    lines.push(`    approved by ${w.approvedBy} on ${w.written.approved}; expires ${w.written.expires}${w.written.expires !== w.expires ? ` (${w.expires})` : ''}: ${left}`);
    lines.push(`    ${w.reason}`);
  }
  io.stdout(lines.join('\n') + '\n');
  return EXIT.clean;
}

export function registerHistoryCommands(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const history = program.command('history').description('audits over time: the runs recorded with --record, what changed, the trend');
  const common = (c: Command) =>
    c
      .requiredOption('--db <audits.db>', 'the audit database (made by manba check --record)')
      .addOption(new Option('-f, --format <name>', 'output format').choices(HISTORY_FORMAT_NAMES).default('stylish'))
      .option('-o, --output <file>', 'write to a file instead of standard output');
  common(history.command('runs').description('list the recorded runs: when, which manba, status, documents, errors, warnings')).action(async (opts: HistoryOptions) => setExit(await historyCommand('runs', opts, io)));
  common(history.command('diff').description('findings new, resolved and persisting between two runs (default: the last run and the one before it for the same site), by document and rule, with totals by site and outlet'))
    .option('--from <run>', 'the earlier run (a number from manba history runs)')
    .option('--to <run>', 'the later run (default: the last complete run)')
    .action(async (opts: HistoryOptions) => setExit(await historyCommand('diff', opts, io)));
  common(history.command('trend').description('per run: documents checked, compliant share, findings by rule family and by outlet')).action(async (opts: HistoryOptions) => setExit(await historyCommand('trend', opts, io)));

  const waivers = program.command('waivers').description("approved exceptions: the config's waivers: file");
  waivers
    .command('list')
    .description('list the waivers with who approved them and the days left before each expires')
    .option('-c, --config <file>', 'config file')
    .addOption(new Option('-f, --format <name>', 'table or json').default('table'))
    .action(async (opts: { config?: string; format: string }) => setExit(await waiversListCommand(opts, io)));
}
