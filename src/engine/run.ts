/**
 * A whole run: expand the user's inputs, read each into documents, check them (in this thread or on worker
 * threads), and keep going past failures. Results come out in input order whatever finishes first; at most a
 * window of documents is in flight, so memory stays bounded however large the archive.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { listedInputs, listInputs, type Input, type KeepFile } from '../documents/discover.js';
import { FileCount, Listing } from '../documents/listing.js';
import { ReadBuffer, readBytes, readDecoded, readFileSnapshotSync, readLines, readOneLine, type FileBytes, type ReadOptions } from '../documents/read.js';
import { ReadAhead, type FileToRead, type ReadAheadFile } from '../documents/read-ahead.js';
import { readerForPath } from '../documents/readers/index.js';
import { textReader } from '../documents/readers/text.js';
import type { Reader } from '../documents/readers/types.js';
import { FoldedText } from '../text/fold.js';
import type { ReadResult } from '../documents/model.js';
import { sha256, type ResultCache } from './cache.js';
import { usableCpus } from './cpus.js';
import { problemResult, type DocumentSettings, type Engine } from './engine.js';
import { isRendered, type CheckedDocument, type DocumentResult, type RenderedResult } from './finding.js';

export interface RunOptions {
  cwd?: string;
  /** Bytes of standard input, when an argument is '-'. */
  readStdin?: () => Promise<Uint8Array>;
  /** Lines of standard input, for streaming a line-based format from it (`--stdin --input-format jsonl`). */
  stdinLines?: () => AsyncIterable<string>;
  /** Called with each document's result as soon as it is checked, in input order (streaming reports, progress). */
  onResult?: (r: DocumentResult) => void;
  /** Called, in the same order, with each result a checker gave already written for the reports (WorkerSetup.render). */
  onRendered?: (r: RenderedResult) => void;
  /** Called once the inputs are all listed, with how many files will be read (for progress): the checks start before. */
  onTotal?: (files: number) => void;
  /** Whether to check a file found on disk; a string says why not (ignored, unchanged since a git ref). */
  accept?: (absolutePath: string, named: boolean) => true | string;
  /**
   * Told of each file `accept` refused, as it is listed, with its reason and whether an argument named it. Without
   * it, those files are kept in the outcome's `skipped`: a run over an archive that leaves most of it out (say
   * `--changed-since`) then holds a record of each.
   */
  onLeftOut?: (path: string, reason: string, named: boolean) => void;
  /** Settings for one document (config overrides by path). */
  settingsFor?: (path: string) => DocumentSettings | undefined;
  cache?: ResultCache;
  /** Encoding, reader settings, and the reader for standard input. */
  read?: ReadOptions;
  /** Files larger than this many bytes are not read (a finding says so); line-based formats stream instead. */
  maxFileSize?: number;
  /** The path standard input is reported as, which also picks its reader (--stdin-filename). */
  stdinPath?: string;
  /** Told of files in folders skipped for having no reader (verbose mode). */
  onSkippedExtension?: (path: string) => void;
  /** Check only shard `index` (1-based) of `count`: a stable partition by path. */
  shard?: { index: number; count: number };
  /**
   * The paths to check come from a list (--files-from) instead of the arguments, which must then be empty: each call
   * gives them from the start (a progress line's count goes over them a second time).
   */
  listed?: () => Iterable<string>;
  /**
   * Chooses where documents are checked (worker threads; undefined: this thread), given the files listed so far:
   * all of them when `complete`, else at least LISTED_FIRST.
   */
  checkerFor?: (files: number, complete: boolean) => DocumentChecker | undefined;
  /** With a checker elsewhere and no cache: hand over paths and let the checker read the files itself. */
  checkPath?: (path: string, absolute: string) => Promise<CheckedDocument[]>;
  /** Documents in flight at once (read ahead, or queued on workers). */
  window?: number;
  /** Stop starting new documents (Ctrl-C); what is done is returned. */
  signal?: AbortSignal;
  /** Keep results in memory for the outcome (default true); a streaming run turns it off. */
  keepResults?: boolean;
  /**
   * Fix each file at its turn (--fix, --fix-dry-run): given the bytes read, the bytes the file now holds (as written,
   * or as a dry run would write them) and the check of them, which is what the run reports. A run that fixes reads
   * whole every file that fits maxFileSize, as a fix rewrites the whole file. Called in this thread only: when
   * checkerFor gives workers, they fix the files themselves (WorkerSetup.fix).
   */
  fix?: (path: string, absolute: string, bytes: Uint8Array) => { bytes: Uint8Array; results: DocumentResult[] };
  /**
   * Checking in this thread, from how many files on a second thread reads the files ahead of the checks (default
   * READ_AHEAD_FROM, or never on a machine of one CPU, where that thread would only take turns with the checks;
   * Infinity: never). Below it, starting the thread costs more than it saves.
   */
  readAheadFrom?: number;
  /**
   * The documents are checked in this thread whatever their number (checkerFor never gives workers): a folder's
   * files will be read ahead, so the reading thread is started before the listing and is ready for its first files.
   */
  inThread?: boolean;
}

/** Checks one file's bytes; returns its documents' results (written for the reports, by a checker set up to). */
export type DocumentChecker = (path: string, bytes: Uint8Array, settings: DocumentSettings | undefined) => Promise<CheckedDocument[]>;

export interface RunOutcome {
  results: DocumentResult[];
  /** Arguments that named nothing: a usage problem (exit 2), also reported as `input/not-found` results. */
  missing: string[];
  /** Files not checked, and why (never silently); empty when they are told to `onLeftOut` instead. */
  skipped: { path: string; reason: string }[];
  /** True when the run was stopped before the end. */
  interrupted: boolean;
}

export const DEFAULT_MAX_FILE_SIZE = 20 * 1024 * 1024;
/**
 * Files listed before the first is checked, or all of them if fewer: enough to choose, by the run's size, whether to
 * read ahead (READ_AHEAD_FROM) or start workers. A run found larger than this gets workers' tasks of full size.
 */
export const LISTED_FIRST = 1024;
/** From this many files, a run checking in this thread reads them ahead on a second thread (read-ahead.ts). */
export const READ_AHEAD_FROM = 500;


/** Which shard (0-based) a path belongs to: a hash of the path, so every machine agrees without talking. */
export function shardOf(path: string, count: number): number {
  return createHash('sha256').update(path).digest().readUInt32BE(0) % count;
}

/**
 * Which files found a run keeps, asked as they are listed: those of its shard that `accept` accepts; one `accept`
 * refuses is told to `onLeftOut` with its reason. Undefined when nothing can leave a file out (no pass at all).
 */
export function keepFiles(args: readonly string[], cwd: string, options: Pick<RunOptions, 'shard' | 'accept' | 'listed'>, onLeftOut?: RunOptions['onLeftOut']): KeepFile | undefined {
  const { shard, accept } = options;
  if (!shard && !accept) return undefined;
  const named = new Set(args.map((a) => resolve(cwd, a)));
  // A list's paths of other shards are told: a list made for another partition (or the whole archive's) is said to
  // be one, where a walk's files of other shards are simply another task's.
  const otherShard = options.listed && shard ? `of another shard than ${shard.index}/${shard.count}` : undefined;
  return (absolute, path) => {
    if (shard && shardOf(path, shard.count) !== shard.index - 1) {
      if (otherShard) onLeftOut?.(path, otherShard, false);
      return false;
    }
    if (!accept) return true;
    const isNamed = named.has(absolute);
    const verdict = accept(absolute, isNamed);
    if (verdict !== true) onLeftOut?.(path, verdict, isNamed);
    return verdict === true;
  };
}

export async function checkInputs(engine: Engine, args: readonly string[], options: RunOptions = {}): Promise<RunOutcome> {
  const cwd = options.cwd ?? process.cwd();
  const maxSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const readAheadFrom = options.fix ? Infinity : (options.readAheadFrom ?? (usableCpus() < 2 ? Infinity : READ_AHEAD_FROM));
  const early = readAheadFrom < Infinity && options.inThread && (options.listed || args.some((a) => a !== '-' && isFolder(resolve(cwd, a)))) ? new ReadAhead(maxSize, options.read?.encoding) : undefined;
  const skipped: RunOutcome['skipped'] = [];
  // The total, told once: by the listing if it ends first, else by the count ahead of it.
  let counted = false;
  const tellTotal = (files: number) => {
    if (!counted) options.onTotal?.(files);
    counted = true;
  };
  // Listed as the run goes (Listing): the checks start at the first files, and the run never holds the archive's list.
  const inputs = (onSkipped: RunOptions['onSkippedExtension'], keep: KeepFile | undefined) => (options.listed ? listedInputs(options.listed(), cwd, onSkipped, keep) : listInputs(args, cwd, onSkipped, keep));
  const listing = new Listing(inputs(options.onSkippedExtension, keepFiles(args, cwd, options, options.onLeftOut ?? ((path, reason) => skipped.push({ path, reason })))), tellTotal);
  let elsewhere: DocumentChecker | undefined;
  try {
    listing.listFiles(Math.max(LISTED_FIRST, readAheadFrom < Infinity ? readAheadFrom : 0));
    elsewhere = options.checkerFor?.(listing.files, listing.complete);
  } catch (err) {
    early?.close();
    throw err;
  }
  // A total wanted before the listing ends (a progress line) is counted while the run goes, a fifth of its time.
  const count = options.onTotal && !listing.complete ? new FileCount(inputs(undefined, keepFiles(args, cwd, options)), tellTotal) : undefined;
  const keep = options.keepResults ?? true;
  const results: DocumentResult[] = [];
  const missing: string[] = [];
  const emit = (r: CheckedDocument) => {
    if (isRendered(r)) return options.onRendered!(r);
    if (keep) results.push(r);
    options.onResult?.(r);
  };
  const readBuffer = new ReadBuffer();
  const inThread: DocumentChecker = async (path, bytes, settings) => checkRead(engine, readBytes(path, bytes, options.read), settings, sha256(bytes));
  const checker = elsewhere ?? inThread;
  // A file to fix is read whole, unless it is too large to be.
  const streamedBy = (reader: Reader | undefined, path: string) => !!(reader?.readLine || reader?.stream) && !(options.fix && fitsWhole(resolve(cwd, path), maxSize));
  const streamed = (input: Input) => streamedBy(input.kind === 'file' ? readerForPath(input.path) : undefined, input.path);
  // The files start() reads, in the order it reads them: what the read-ahead reads for it. A plain-text file's
  // document is its text, so the thread folds that too (other formats extract their text here first). `readFrom`
  // is the first input it has not passed: the listing keeps inputs from there and from the checks' place.
  let readFrom = 0;
  function* filesToRead(): Generator<FileToRead> {
    for (let input: Input | undefined; (input = listing.at(readFrom)); readFrom++) {
      if (input.kind !== 'file') continue;
      const reader = readerForPath(input.path);
      if (streamedBy(reader, input.path)) continue;
      yield { absolute: resolve(cwd, input.path), shown: input.path, fold: (options.read?.reader ?? reader ?? textReader) === textReader };
    }
  }
  const readAhead = !elsewhere && listing.files >= readAheadFrom ? (early ?? new ReadAhead(maxSize, options.read?.encoding)).read(filesToRead()) : undefined;
  if (early && early !== readAhead) early.close();

  /** Start one input: read it, take it from the cache or check it. Streams and stdin are handled in order instead. */
  // Elsewhere and without a cache (which needs the bytes here), the checker reads the files itself.
  // A run that fixes on workers (checkerFor gave them) has them fix too: `fix` is for a run checking here.
  const fixHere = elsewhere ? undefined : options.fix;
  const byPath = elsewhere && !options.cache ? options.checkPath : undefined;
  const start = async (input: Input & { kind: 'file' }): Promise<CheckedDocument[]> => {
    const abs = resolve(cwd, input.path);
    if (byPath) return byPath(input.path, abs);
    // Read synchronously: tens of thousands of small files through the libuv pool cost more in round trips than
    // the reads. The file may have changed since it was listed (removed, replaced, growing): one result says so.
    const read = readFileSnapshotSync(abs, input.path, maxSize, readBuffer);
    return fixHere && read.ok ? fromFix(input.path, abs, read.bytes) : fromRead(input.path, read);
  };
  // Fixed at its turn (before anything else reads into the buffer), and reported from the fixing's own last check.
  const fromFix = async (path: string, abs: string, bytes: Uint8Array): Promise<CheckedDocument[]> => {
    const fixed = fixHere!(path, abs, bytes);
    const digest = sha256(fixed.bytes);
    return toCache(path, digest, fixed.results.map((r) => ({ ...r, sha256: digest })));
  };
  // Read, decoded, digested and (plain text) folded on the read-ahead's thread: the reader and the checks are left,
  // done at the file's turn, in order, with no promise unless the file is not read yet.
  const fromReadAhead = (path: string, file: ReadAheadFile): DocumentResult[] => {
    if (!file.ok) return [problemResult({ path, ruleId: file.ruleId, message: file.message })];
    const { decoded, folded } = file;
    return (
      fromCache(path, file.sha256) ??
      toCache(path, file.sha256, checkRead(engine, readDecoded(path, decoded, options.read), options.settingsFor?.(path), file.sha256, folded && decoded.ok ? FoldedText.fromParts(decoded.text, folded) : undefined))
    );
  };
  const fromRead = (path: string, read: FileBytes): Promise<CheckedDocument[]> =>
    read.ok ? fromBytes(path, read.bytes) : Promise.resolve([problemResult({ path, ruleId: read.ruleId, message: read.message })]);
  // The bytes may be in the run's reused read buffer: both checkers take what they need of them (decode, digest, a
  // copy for a worker) when called, before this returns.
  const fromBytes = (path: string, bytes: Uint8Array): Promise<CheckedDocument[]> =>
    throughCache(path, options.cache ? sha256(bytes) : '', () => checker(path, bytes, options.settingsFor?.(path)));
  /**
   * The cached result of a file whose bytes have this digest, or `check` (called at once, before any await) and its
   * result cached. A result from the cache carries the digest of the bytes read now, the same as when it was cached.
   */
  const throughCache = async (path: string, digest: string, check: () => CheckedDocument[] | Promise<CheckedDocument[]>): Promise<CheckedDocument[]> =>
    fromCache(path, digest) ?? toCache(path, digest, await check());
  const fromCache = (path: string, digest: string): DocumentResult[] | undefined => {
    const cached = options.cache?.get(path, digest);
    return cached ? [{ ...cached, sha256: digest }] : undefined;
  };
  // A run with a cache is never given rendered results (WorkerSetup.render): the cache keeps results.
  const toCache = <R extends CheckedDocument>(path: string, digest: string, out: R[]): R[] => {
    if (options.cache && out.length === 1 && !isRendered(out[0]!)) options.cache.set(path, digest, out[0]!);
    return out;
  };

  const window = Math.max(1, options.window ?? 16);
  const pending = new Map<number, Promise<CheckedDocument[]>>();
  let interrupted = false;
  // Files are read synchronously, so a run in this thread would never return to the event loop: it does every
  // few milliseconds, so Ctrl-C, progress and output streams are served.
  try {
    let yielded = performance.now();
    let ahead = 0;
    for (let k = 0, input: Input | undefined; (input = listing.at(k)); k++) {
      listing.release(readAhead ? Math.min(k, readFrom) : k);
      if (performance.now() - yielded > 20) {
        if (!counted) count?.advance(4);
        await new Promise<void>((r) => setImmediate(r));
        yielded = performance.now();
      }
      if (options.signal?.aborted) {
        interrupted = true;
        break;
      }
      // Start what has come into the window; each input is looked at once. Files read ahead are not started: the
      // thread reads ahead of them already.
      if (!readAhead) {
        for (let next: Input | undefined; ahead < k + window && (next = listing.at(ahead)); ahead++) {
          if (next.kind === 'file' && !streamed(next)) pending.set(ahead, start(next));
        }
      }
      if (readAhead && input.kind === 'file' && !streamed(input)) {
        // The read-ahead resolved the path already (filesToRead): taken by the path as given.
        for (const r of fromReadAhead(input.path, readAhead.takeReady(input.path) ?? (await readAhead.take(input.path)))) emit(r);
      } else if (input.kind === 'missing') {
        missing.push(input.message);
        emit(problemResult({ path: input.path, ruleId: 'input/not-found', message: input.message }));
      } else if (input.kind === 'unreadable') {
        emit(problemResult({ path: input.path, ruleId: 'input/unreadable', message: input.message }));
      } else if (input.kind === 'stdin') {
        const path = options.stdinPath ?? input.path;
        const reader = options.stdinPath ? readerForPath(options.stdinPath) : undefined;
        if (reader?.readLine && options.stdinLines) {
          // Streaming filter mode: one line in, one result out, as they finish.
          let line = 0;
          for await (const text of options.stdinLines()) {
            if (options.signal?.aborted) break;
            line++;
            if (text.trim() === '') continue;
            for (const r of checkRead(engine, readOneLine(reader, path, text, { offset: 0, line }, options.read?.readers ?? {}), undefined, sha256(text))) emit(r);
          }
        } else {
          const bytes = options.readStdin ? await options.readStdin() : new Uint8Array();
          for (const r of checkRead(engine, readBytes(path, bytes, { ...options.read, ...(reader ? { reader } : {}) }), undefined, sha256(bytes))) emit(r);
        }
      } else if (!pending.has(k)) {
        // A file not started in the window is one streamed here (JSONL, WARC), in order.
        const abs = resolve(cwd, input.path);
        const reader = readerForPath(input.path)!;
        const docs = reader.stream ? reader.stream(abs, options.read ?? {}, input.path) : readLines(abs, reader, options.read);
        for await (const r of docs) {
          if (options.signal?.aborted) break;
          const shown = relabel(r, abs, input.path);
          const retrieval = 'retrieval' in r ? r.retrieval : undefined;
          for (const res of checkRead(engine, [shown], options.settingsFor?.(input.path), shown.ok ? sha256(shown.document.text) : undefined)) emit(retrieval ? { ...res, retrieval } : res);
        }
      } else {
        const out = await pending.get(k)!;
        pending.delete(k);
        for (const r of out) emit(r);
      }
    }
    if (interrupted) await Promise.allSettled(pending.values()); // let work in flight settle before reporting
    const failed = listing.failure();
    if (failed) throw failed.thrown;
  } finally {
    readAhead?.close();
  }
  return { results, missing, skipped, interrupted };
}

function fitsWhole(path: string, maxSize: number): boolean {
  try {
    return statSync(path).size <= maxSize;
  } catch {
    return false; // the stream says what is wrong with it
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Check what a reader produced; `sha256` of the input is recorded on each result, for audits. `folded`: the text
 * folded ahead, on the read-ahead's thread (see Engine.check).
 */
export function checkRead(engine: Engine, read: ReadResult[], settings: DocumentSettings | undefined, digest?: string, folded?: FoldedText): DocumentResult[] {
  return read.map((r) => {
    const result = r.ok ? engine.check(r.document, settings, folded) : problemResult(r.problem);
    return digest ? { ...result, sha256: digest } : result;
  });
}

/** Documents streamed from an absolute path are reported under the path the user gave. */
function relabel(r: ReadResult, absolute: string, shown: string): ReadResult {
  const swap = (p: string) => (p.startsWith(absolute) ? shown + p.slice(absolute.length) : p);
  if (r.ok) return { ok: true, document: { ...r.document, path: swap(r.document.path) } };
  return { ok: false, problem: { ...r.problem, path: swap(r.problem.path), message: r.problem.message.split(absolute).join(shown) } };
}
