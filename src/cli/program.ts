/** The command-line program: commander parses, commands call the library, errors become exit codes. */
import { youngGenerationMayGrow } from '../engine/heap.js';
import { Command, CommanderError, Option } from 'commander';
import { ConfigError, formatProblem } from '../rules/problems.js';
import { VERSION } from '../version.js';
import { runCheck, type CheckOptions } from './check.js';
import type { CrawlOptions } from './crawl.js';
import type { ListOptions } from './list.js';
import { reporters } from '../report/index.js';
import { registerHistoryCommands } from './history.js';
import { EXIT, UsageError, type CliIO } from './io.js';

const EXAMPLES = `
Examples:
  $ manba check examples/                      check every document in a folder
  $ manba check 'archive/**/*.txt' --format json --output report.json
  $ cat article.txt | manba check -            check standard input
  $ manba check site/ --config manba.config.yaml --max-warnings 0
  $ manba check articles/ --format stylish --format sarif:manba.sarif
  $ manba check . --changed-since origin/main --format github
  $ manba baseline create archive/ && manba check archive/ --baseline .manba-baseline.json
  $ manba crawl https://example.ir/sitemap.xml --since 1403/05/01 --warc evidence.warc.gz
                                               check a site's pages, keep the evidence
  $ manba check evidence.warc.gz               re-check a crawl offline
  $ manba check article.txt --lang fa          messages in Persian
  $ manba check articles/ --fix-dry-run         show the fixes as a diff; --fix applies them
  $ manba rules validate my-rules.yaml          check a rule file
  $ manba rules test my-rules.yaml              run a rule file's tests
  $ manba rules explain notice/altered          what a rule checks and why
  $ manba sources show 'خبرگزاری فارس'          what manba knows about an outlet

Exit codes: 0 no errors (and warnings within --max-warnings), 1 findings, 2 usage, config or rule-file errors.`;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The options of every command that checks documents and reports them (check, crawl): one definition. */
function reportOptions(command: Command): Command {
  return command
    .option('-c, --config <file>', 'config file (default: manba.config.yaml, looked up from the working directory upwards)')
    .option('-f, --format <name[:file]>', `output format (repeatable; name:file writes to a file): ${reporters.map((r) => r.name).join(', ')}`, collect, [])
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('-q, --quiet', 'report errors only')
    .option('--max-warnings <n>', 'exit 1 when there are more than n warnings')
    .option('--fail-on <severity>', 'exit 1 on findings of this severity or worse: error (default) or warning')
    .option('--report-unused-suppressions', 'report manba-disable comments that suppress nothing')
    .option('--baseline <file>', 'report only findings not in this baseline (see manba baseline create)')
    .option('--record <audits.db>', 'record the run in an audit database (SQLite) for manba history (runs, diff, trend)')
    .option('--report-unused-waivers', 'report waivers (the config\'s waivers: file) that covered no finding');
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  let exitCode: number = EXIT.clean;
  // Only `check` hands documents to workers and keeps the main thread's young generation small (engine/heap.ts).
  if (argv[0] !== 'check') youngGenerationMayGrow(true);
  const program = new Command('manba')
    .description('Check republished Persian news for source attribution and the Article 74 notice.')
    .version(VERSION, '-v, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run manba --help for usage)')
    .addHelpText('after', EXAMPLES);

  reportOptions(program
    .command('check')
    .description('check documents: files, folders (recursively), globs, or - for standard input')
    .argument('[paths...]', 'what to check'))
    .option('--cache', 'skip documents unchanged since the last run with the same rules (cache in .manba-cache)')
    .option('--cache-location <file>', 'where the cache lives (default .manba-cache)')
    .option('--changed-since <ref>', 'check only files changed since a git ref, and untracked ones (for pull requests)')
    .option('--encoding <name>', 'read files in this encoding instead of detecting it: utf-8, utf-16le, utf-16be, windows-1256')
    .option('--stdin-filename <path>', 'the name standard input is reported as; its extension picks the reader')
    .option('--max-file-size <bytes>', 'do not read files larger than this (default 20 MB)')
    .option('--verbose', 'say which files in folders were skipped for having no reader')
    .option('-j, --jobs <n>', 'worker threads (default: the CPUs this process may use, a container\'s CPU limit included, at most 8; runs of fewer than 64 files stay in one thread)')
    .option('--timeout <seconds>', 'per-document time limit on worker threads (default 10); a document over it becomes an input/timeout finding')
    .option('--shard <i/n>', 'check only shard i of n, a stable partition by path (join the reports with manba merge)')
    .option('--files-from <file>', 'check the files a list names (one path a line, or NUL-separated; - for standard input), as manba list writes it, instead of paths')
    .option('--progress', 'show the progress line on standard error even when it is not a terminal')
    .option('--no-progress', 'no progress line on standard error (default when it is not a terminal)')
    .option('--stdin', 'read documents from standard input (like -)')
    .option('--input-format <format>', 'the format of standard input: text, markdown, json, jsonl, … (jsonl streams)')
    .addOption(new Option('--lang <lang>', 'language of messages').choices(['fa', 'en']))
    .option('--site <name>', 'the publishing site, overriding the config (for notice/site)')
    .option('--fix', 'repair what can be repaired safely (notice, attribution) in the files, then report what is left')
    .option('--fix-dry-run', 'print the fixes as a unified diff per file and report what would be left; change nothing')
    .option('--fix-type <families>', 'fix only these rule families, comma-separated: notice, attribution')
    .option('--fix-suggestions', 'also apply suggestions (attribution/mismatch), which --fix only shows')
    .option('--color', 'force colored output')
    .option('--no-color', 'disable colored output')
    .addHelpText('after', EXAMPLES)
    .action(async (paths: string[], opts: CheckOptions) => {
      exitCode = await runCheck(paths, opts, io);
    });

  program
    .command('list')
    .description('print the files manba check would check with the same paths and options, one a line, without reading them; or write each shard\'s list')
    .argument('[paths...]', 'what check would check: files, folders (recursively), globs')
    .option('-c, --config <file>', 'config file (its ignore patterns apply, as in check)')
    .option('--files-from <file>', 'list the files a list names (one path a line, or NUL-separated; - for standard input)')
    .option('--changed-since <ref>', 'only files changed since a git ref, and untracked ones')
    .option('--shard <i/n>', 'only shard i of n, as check --shard i/n takes it')
    .option('--shards <n>', 'write every shard\'s list in one pass, to --output-dir: shard-1.txt … shard-n.txt')
    .option('--output-dir <dir>', 'the folder for the lists of --shards')
    .option('-0, --null', 'end each path with NUL instead of a newline (for paths that hold one; xargs -0)')
    .option('--verbose', 'say which files in folders were skipped for having no reader')
    .addHelpText('after', `
Examples:
  $ manba list archive/ | wc -l                        how many files a check of archive/ would take
  $ manba list archive/ --shards 64 --output-dir lists/
  $ manba check --files-from lists/shard-3.txt --shard 3/64 --format json:shard-3.json`)
    .action(async (paths: string[], opts: ListOptions) => {
      exitCode = await (await import('./list.js')).runList(paths, opts, io);
    });

  reportOptions(program
    .command('crawl')
    .description('fetch pages (named, or from sitemaps and feeds) politely and check them as check does; keep the evidence in a WARC')
    .argument('[urls...]', 'page URLs, sitemaps (sitemap.xml, sitemap indexes, .xml.gz), RSS or Atom feeds'))
    .option('--urls <file>', 'read more URLs from a file, one a line')
    .option('--since <date>', 'only sitemap and feed entries modified since this date: ISO (2024-07-22) or Jalali (1403/05/01)')
    .option('--limit <n>', 'check at most n pages')
    .option('--warc <file>', 'write every request and response to this WARC file (.warc.gz), as evidence')
    .option('--resume', 'continue the crawl kept in --warc: the pages it holds are checked from it, not fetched again')
    .option('--user-agent <ua>', 'the User-Agent sent and matched in robots.txt (default manba/<version> (+<project URL>))')
    .option('--rate <n>', 'requests a second per host (default 1; 0: no limit)')
    .option('--concurrency <n>', 'requests in flight per host (default 2)')
    .option('--timeout <seconds>', 'time for one request, connect to last byte (default 30)')
    .option('--max-size <bytes>', 'largest page, decompressed (default 5 MB); a larger one is a fetch/too-large finding')
    .option('--retries <n>', 'retries after 429, 5xx or a dropped connection (default 3)')
    .option('--retry-delay <seconds>', 'the first retry\'s wait when the server names none (Retry-After); doubled each time (default 1)')
    .option('--allow-host <host>', 'also fetch from this host (repeatable); only the start URLs\' hosts otherwise', collect, [])
    .option('--encoding <name>', 'read every page in this encoding, whatever it declares: utf-8, windows-1256, …')
    .option('--progress', 'show the progress line on standard error even when it is not a terminal')
    .option('--no-progress', 'no progress line on standard error (default when it is not a terminal)')
    .addOption(new Option('--lang <lang>', 'language of messages').choices(['fa', 'en']))
    .option('--site <name>', 'the publishing site, overriding the config (for notice/site)')
    .option('--color', 'force colored output')
    .option('--no-color', 'disable colored output')
    .action(async (urls: string[], opts: CrawlOptions) => {
      exitCode = await (await import('./crawl.js')).runCrawl(urls, opts, io);
    });

  const baseline = program.command('baseline').description('baselines: accept today\'s findings in an archive, report only new ones');
  baseline
    .command('create')
    .description("write the fingerprints of the current findings to a baseline file")
    .argument('<paths...>', 'what to check, as for manba check')
    .option('-c, --config <file>', 'config file')
    .option('-o, --output <file>', 'the baseline file', '.manba-baseline.json')
    .action(async (paths: string[], opts: { config?: string; output: string }) => {
      exitCode = await (await import('./baseline.js')).baselineCreateCommand(paths, opts, io);
    });
  baseline
    .command('prune')
    .description('drop the baseline entries that no longer occur')
    .argument('<paths...>', 'what to check, as for manba check')
    .option('-c, --config <file>', 'config file')
    .option('-b, --baseline <file>', 'the baseline file', '.manba-baseline.json')
    .action(async (paths: string[], opts: { config?: string; baseline: string }) => {
      exitCode = await (await import('./baseline.js')).baselinePruneCommand(paths, opts, io);
    });

  program
    .command('merge')
    .description('join JSON reports (e.g. the shards of one audit) into one report, in any format')
    .argument('<reports...>', 'JSON reports from manba check --format json')
    .option('-f, --format <name[:file]>', 'output format (repeatable; name:file writes to a file); default json', collect, [])
    .option('--fail-on <severity>', 'exit 1 on findings of this severity or worse: error (default) or warning')
    .option('--progress', 'show the progress line on standard error even when it is not a terminal')
    .option('--no-progress', 'no progress line on standard error (default when it is not a terminal)')
    .action(async (files: string[], opts: { format: string[]; failOn?: string; progress?: boolean }) => {
      exitCode = await (await import('./merge.js')).mergeCommand(files, opts, io);
    });

  const rules = program.command('rules').description('work with rule files: validate, test, list, explain');
  rules
    .command('validate')
    .description('validate rule files, config files and outlet registries; print every problem as file:line:column')
    .argument('[files...]', 'files to validate (default: the config found and the built-in rules)')
    .action(async (files: string[]) => {
      exitCode = await (await import('./rules.js')).validateCommand(files, io);
    });
  rules
    .command('test')
    .description("run rule files' tests: tests: in each rule, and the documents in <name>.tests/ beside the file")
    .argument('[files...]', 'rule files (default: the built-in rules)')
    .option('--no-builtins', 'do not load the built-in rules beside the tested files')
    .action(async (files: string[], opts: { builtins?: boolean }) => {
      exitCode = await (await import('./rules.js')).testCommand(files, opts, io);
    });
  rules
    .command('list')
    .description('list the rules a run would use: id, severity, kind, description')
    .option('-c, --config <file>', 'config file')
    .addOption(new Option('-f, --format <name>', 'table or json').default('table'))
    .addOption(new Option('--lang <lang>', 'language').choices(['fa', 'en']))
    .action(async (opts: { config?: string; format?: string; lang?: string }) => {
      exitCode = await (await import('./rules.js')).listCommand(opts, io);
    });
  rules
    .command('explain')
    .description('explain a rule: what it checks, why, its canonical text, examples, how to configure it')
    .argument('<id>', 'a rule id, e.g. notice/altered')
    .option('-c, --config <file>', 'config file')
    .addOption(new Option('--lang <lang>', 'language').choices(['fa', 'en']))
    .action(async (id: string, opts: { config?: string; lang?: string }) => {
      exitCode = await (await import('./rules.js')).explainCommand(id, opts, io);
    });

  const sources = program.command('sources').description('the outlet registry: what manba knows about each news outlet');
  sources
    .command('list')
    .description('list the outlets: id, kind, republication terms, name, domains')
    .option('-c, --config <file>', 'config file (its sources: files add outlets)')
    .addOption(new Option('-f, --format <name>', 'table or json').default('table'))
    .action(async (opts: { config?: string; format?: string }) => {
      exitCode = await (await import('./sources.js')).sourcesListCommand(opts, io);
    });
  sources
    .command('show')
    .description('show one outlet, found by id or by any way it is written (name, alias, domain, URL)')
    .argument('<name>', 'e.g. irna, «خبرگزاري فارس», https://www.irna.ir/news/1')
    .option('-c, --config <file>', 'config file')
    .addOption(new Option('-f, --format <name>', 'text or json').default('text'))
    .action(async (name: string, opts: { config?: string; format?: string }) => {
      exitCode = await (await import('./sources.js')).sourcesShowCommand(name, opts, io);
    });

  registerHistoryCommands(program, io, (code) => (exitCode = code));

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return err.exitCode === 0 ? EXIT.clean : EXIT.usage;
    }
    if (err instanceof ConfigError) {
      for (const p of err.problems) io.stderr(`${formatProblem(p)}\n`);
      io.stderr(`manba: ${err.problems.length} problem${err.problems.length === 1 ? '' : 's'} in rule or config files; nothing was checked\n`);
      return EXIT.usage;
    }
    if (err instanceof UsageError) {
      io.stderr(`manba: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}
