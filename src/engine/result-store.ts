/**
 * Where a run keeps its documents' results for the report formats that need totals first (stylish, SARIF, JUnit,
 * checkstyle, GitHub, HTML). A small run keeps them in memory; past `inMemory` results they go to a temporary
 * file, one JSON line each, so an archive of any size runs in flat memory. The reporters still see an array of
 * results: a read-only view that reads each result back from the file when it is asked for (sequential reads
 * come from a buffer of about 1 MB). The file is removed by `close()`, and at process exit if close was missed.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DocumentResult } from './finding.js';

const READ_AHEAD = 1 << 20;
const WRITE_AT = 1 << 16;
/**
 * Results to a block of the file's index: the index keeps where each block starts, not each result (8 bytes a
 * result was 80 MB at ten million documents). A result is found from its block's start by its newlines; read in
 * order, each starts where the last one ended.
 */
const BLOCK_BITS = 6;
const IN_BLOCK = (1 << BLOCK_BITS) - 1;

export interface ResultStoreOptions {
  /** Results kept in memory before spilling to a file (default 2,000). */
  inMemory?: number;
}

export class ResultStore {
  private readonly kept: DocumentResult[] = [];
  private readonly limit: number;
  private dir: string | undefined;
  private fd: number | undefined;
  /** Byte offset in the file of every BLOCK's first result. */
  private blockStarts = new Float64Array(64);
  private count = 0;
  /** Bytes written to the file; `pendingSize` more wait to be. */
  private written = 0;
  /** The next result in order and where it starts: reading in order finds each without a search. */
  private nextIndex = -1;
  private nextStart = 0;
  private pending: string[] = [];
  private pendingSize = 0;
  private window: { start: number; end: number; bytes: Buffer } | undefined;
  private view: readonly DocumentResult[] | undefined;
  private readonly onExit = () => this.close();

  constructor(options: ResultStoreOptions = {}) {
    this.limit = options.inMemory ?? 2000;
  }

  get length(): number {
    return this.count;
  }

  /** The temporary file, while there is one (for tests). */
  get file(): string | undefined {
    return this.dir && join(this.dir, 'results.jsonl');
  }

  add(result: DocumentResult): void {
    if (this.fd === undefined && this.count < this.limit) {
      this.kept.push(result);
      this.count++;
      return;
    }
    if (this.fd === undefined) this.spill();
    this.append(JSON.stringify(result));
  }

  /** The i-th result (0-based), from memory or read back from the file. */
  get(i: number): DocumentResult | undefined {
    if (!(i >= 0 && i < this.count)) return undefined;
    if (this.fd === undefined) return this.kept[i];
    this.flush();
    let start: number;
    if (i === this.nextIndex) start = this.nextStart;
    else {
      start = this.blockStarts[i >> BLOCK_BITS]!;
      for (let k = i & ~IN_BLOCK; k < i; k++) start = this.lineEnd(start) + 1;
    }
    const end = this.lineEnd(start);
    this.nextIndex = i + 1;
    this.nextStart = end + 1;
    const w = this.window!;
    return JSON.parse(w.bytes.toString('utf8', start - w.start, end - w.start)) as DocumentResult;
  }

  /**
   * Where the result starting at byte `start` ends (its newline: JSON.stringify writes none inside a value), the
   * read window then holding all of it: about 1 MB from `start`, more for a larger result.
   */
  private lineEnd(start: number): number {
    let w = this.window;
    for (let size = READ_AHEAD; ; size *= 2) {
      if (w && start >= w.start && start < w.end) {
        const newline = w.bytes.subarray(start - w.start, w.end - w.start).indexOf(0x0a);
        if (newline !== -1) return start + newline;
        if (w.end >= this.written) throw new Error(`the results file ends inside a result, at byte ${start}`);
      }
      const bytes = w && w.bytes.length >= size ? w.bytes : Buffer.allocUnsafe(size);
      const n = readSync(this.fd!, bytes, 0, Math.min(size, this.written - start), start);
      w = this.window = { start, end: start + n, bytes };
    }
  }

  /** Every result in order, as a read-only array (what `Report.documents` is). */
  documents(): readonly DocumentResult[] {
    if (this.fd === undefined) return this.kept;
    this.flush();
    return (this.view ??= arrayView(this));
  }

  /** Remove the temporary file; the store is empty afterwards. */
  close(): void {
    process.off('exit', this.onExit);
    if (this.fd !== undefined) closeSync(this.fd);
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.fd = this.dir = this.window = this.view = undefined;
    this.kept.length = 0;
    this.count = this.written = this.pendingSize = 0;
    this.pending = [];
    this.nextIndex = -1;
  }

  private spill(): void {
    this.dir = mkdtempSync(join(tmpdir(), 'manba-results-'));
    this.fd = openSync(join(this.dir, 'results.jsonl'), 'w+', 0o600);
    // Removed however the process ends short of close() (an error thrown past the caller, process.exit).
    process.on('exit', this.onExit);
    const earlier = this.kept.splice(0);
    this.count = 0;
    for (const r of earlier) this.append(JSON.stringify(r));
  }

  private append(line: string): void {
    const block = this.count >> BLOCK_BITS;
    if ((this.count & IN_BLOCK) === 0) {
      if (block >= this.blockStarts.length) {
        const grown = new Float64Array(this.blockStarts.length * 2);
        grown.set(this.blockStarts);
        this.blockStarts = grown;
      }
      this.blockStarts[block] = this.written + this.pendingSize;
    }
    const bytes = Buffer.byteLength(line) + 1;
    this.count++;
    this.pending.push(line, '\n');
    this.pendingSize += bytes;
    if (this.pendingSize >= WRITE_AT) this.flush();
  }

  private flush(): void {
    if (!this.pending.length || this.fd === undefined) return;
    const text = this.pending.join('');
    this.pending = [];
    this.written += writeSync(this.fd, text, this.written);
    this.pendingSize = 0;
  }
}

/**
 * A read-only array whose elements are read from the store when asked for. Reporters index it, iterate it and call
 * array methods on it (filter, map, find): each goes through the `get` trap, never through a copy of all results.
 */
function arrayView(store: ResultStore): readonly DocumentResult[] {
  const target: DocumentResult[] = [];
  return new Proxy(target, {
    get(t, key, receiver) {
      if (key === 'length') return store.length;
      if (typeof key === 'string') {
        const i = toIndex(key);
        if (i !== undefined) return store.get(i);
      }
      if (key === Symbol.iterator) {
        return function* () {
          for (let i = 0; i < store.length; i++) yield store.get(i)!;
        };
      }
      return Reflect.get(t, key, receiver);
    },
    has(t, key) {
      if (typeof key === 'string') {
        const i = toIndex(key);
        if (i !== undefined) return i < store.length;
      }
      return Reflect.has(t, key);
    },
    set() {
      throw new TypeError('the stored results are read-only');
    },
  });
}

function toIndex(key: string): number | undefined {
  const c = key.charCodeAt(0);
  if (!(c >= 0x30 && c <= 0x39)) return undefined;
  const n = Number(key);
  return Number.isInteger(n) && String(n) === key ? n : undefined;
}
