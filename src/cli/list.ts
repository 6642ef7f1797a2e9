/**
 * `manba list [paths…]`: the files `manba check` would check with the same arguments, config and options, one per
 * line, without reading them. With `--shards N --output-dir DIR`, one walk of the archive writes each shard's list
 * (DIR/shard-1.txt … shard-N.txt), so that the N tasks of a cluster audit each read their own list
 * (`manba check --files-from DIR/shard-i.txt --shard i/N`) instead of each walking the whole archive.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildRuleSet, findConfig, loadConfig, type Config } from '../config/load.js';
import { pathRules } from '../config/paths.js';
import { listedInputs, listInputs, type Input } from '../documents/discover.js';
import { keepFiles, shardOf } from '../engine/run.js';
import { batchedOutput, EXIT, UsageError, type CliIO } from './io.js';
import { fileFilter, parseShard, pathListOf } from './selection.js';

export interface ListOptions {
  config?: string;
  filesFrom?: string;
  changedSince?: string;
  shard?: string;
  shards?: string;
  outputDir?: string;
  null?: boolean;
  verbose?: boolean;
}

/** What a shard's list holds before it is appended to its file: all N lists together stay within about 8 MB. */
const HELD_PER_LIST = (lists: number) => Math.max(4096, Math.min(65536, Math.floor((8 << 20) / lists)));

export async function runList(paths: string[], opts: ListOptions, io: CliIO): Promise<number> {
  if (paths.includes('-')) throw new UsageError('manba list lists files: standard input (-) is not one; to list the paths it holds, use --files-from -');
  const listed = await pathListOf(opts.filesFrom, paths, io);
  if (paths.length === 0 && !listed) throw new UsageError('no paths given: name files, folders or globs to list, or give --files-from');
  const shard = parseShard(opts.shard);
  const shards = opts.shards === undefined ? undefined : Number(opts.shards);
  if (shards !== undefined && !(Number.isInteger(shards) && shards >= 1)) throw new UsageError(`--shards takes a whole number of at least 1, not "${opts.shards}"`);
  if (shards !== undefined && shard) throw new UsageError('--shard prints one shard\'s files and --shards writes every shard\'s list: give one of them');
  if ((shards === undefined) !== (opts.outputDir === undefined)) throw new UsageError('--shards N and --output-dir DIR go together: the N lists are written to DIR/shard-1.txt … DIR/shard-N.txt');

  const configFile = opts.config ? resolve(io.cwd, opts.config) : findConfig(io.cwd);
  const config: Config = configFile ? await loadConfig(configFile) : { extends: [], builtins: true, rules: {} };
  const byPath = pathRules(config, await buildRuleSet(config), io.cwd);
  const accept = fileFilter(byPath, opts.changedSince, io.cwd);
  const separator = opts.null ? '\0' : '\n';

  const stdout = batchedOutput(io.stdout);
  const stderr = (s: string) => (stdout.flush(), io.stderr(s));
  // Told as check tells them: each path named on the command line, the others counted by reason.
  let leftOut = 0;
  const reasons = new Set<string>();
  const keep = keepFiles(paths, io.cwd, { ...(shard ? { shard } : {}), ...(accept ? { accept } : {}), ...(listed ? { listed } : {}) }, (path, reason, named) => {
    if (named) return stderr(`manba: ${path}: ${reason}\n`);
    leftOut++;
    reasons.add(reason);
  });
  const onSkipped = opts.verbose ? (p: string) => stderr(`manba: skipped ${p}: no reader for its extension\n`) : undefined;
  const inputs: Iterable<Input> = listed ? listedInputs(listed(), io.cwd, onSkipped, keep) : listInputs(paths, io.cwd, onSkipped, keep);

  const lists = shards === undefined ? undefined : shardLists(resolve(io.cwd, opts.outputDir!), shards);
  const write = (path: string) => {
    if (!opts.null && /[\n\r]/.test(path)) throw new UsageError(`${JSON.stringify(path)} holds a line break, which a list of one path a line cannot: list with --null`);
    if (lists) lists.add(shardOf(path, shards!), path + separator);
    else stdout.write(path + separator);
  };
  let files = 0;
  let missing = false;
  try {
    for (const input of inputs) {
      if (input.kind === 'file') {
        write(input.path);
        files++;
      } else if (input.kind === 'unreadable') {
        // Listed as a folder, so that the check walks it and reports it where it is, as a check of the archive would:
        // nothing is left out of an audit silently.
        stderr(`manba: warning: ${input.message}; listed as ${input.path}/, for the check to report it\n`);
        write(`${input.path}/`);
      } else if (input.kind === 'missing') {
        stderr(`manba: ${input.message}\n`);
        missing = true;
      }
    }
  } finally {
    stdout.flush();
    lists?.close();
  }
  if (leftOut) stderr(`manba: ${leftOut} file${leftOut === 1 ? '' : 's'} not listed (${[...reasons].join('; ')})\n`);
  if (lists) stderr(`manba: listed ${files} file${files === 1 ? '' : 's'} in ${shards} shard${shards === 1 ? '' : 's'}: ${join(opts.outputDir!, 'shard-1.txt')}${shards! > 1 ? ` … shard-${shards}.txt` : ''}\n`);
  return missing ? EXIT.usage : EXIT.clean;
}

/** The N lists of `--shards N`, each emptied first and appended to a piece at a time: no file stays open. */
function shardLists(dir: string, count: number): { add: (shard: number, text: string) => void; close: () => void } {
  mkdirSync(dir, { recursive: true });
  const files = Array.from({ length: count }, (_, k) => join(dir, `shard-${k + 1}.txt`));
  for (const f of files) writeFileSync(f, '');
  const held: string[][] = files.map(() => []);
  const sizes = new Array<number>(count).fill(0);
  const limit = HELD_PER_LIST(count);
  const flush = (k: number) => {
    if (held[k]!.length === 0) return;
    appendFileSync(files[k]!, held[k]!.join(''));
    held[k] = [];
    sizes[k] = 0;
  };
  return {
    add: (k, text) => {
      held[k]!.push(text);
      if ((sizes[k]! += text.length) >= limit) flush(k);
    },
    close: () => files.forEach((_, k) => flush(k)),
  };
}
