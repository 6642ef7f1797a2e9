/**
 * Reading ahead of a run that checks in one thread. Opening, reading and closing 20,000 small files is as much
 * time as the whole of the simplest checker (bench/floor.mjs), and decoding them and taking their SHA-256 (the
 * audit's evidence) a fifth more; done by one more thread, up to two hundred files ahead of the checks, that time
 * overlaps them instead of adding to them. A plain-text file's text is its document's text, so the thread also
 * folds it (the normalize stage, a tenth of the checks' time). The rules stay on one thread (`--jobs 1`), and what
 * they see is what a read at their turn would give: the same readFileSnapshotSync (the same messages for a file that
 * is gone, a folder, a pipe or too large), the same decodeFile, the same digest, the same foldText.
 *
 * Files come back in the order they were asked for, 64 to a message: a message per file, or the libuv pool's four
 * round trips per file, cost more than the reads. A batch's texts cross in buffers handed over, not copied, and
 * become strings here at their file's turn (see ReadAheadBatch). Should the thread fail, the files it had not
 * answered are read here, so no file is lost.
 *
 * One thread and one message port, not piscina (the pool of `--jobs`): the same thread as a one-thread piscina pool,
 * a task per batch, made `--jobs 1` on 20,000 files 0.3–0.5 s slower in 9 of 12 alternating runs.
 */
import { hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { decodeFile, decodeToUnits, type DecodedFile, type Encoding } from './decode.js';
import { readFileSnapshotSync, type ReadBuffer } from './file-bytes.js';
import { heapFlagsSet } from '../engine/heap.js';
import { foldText, foldUnitsToParts, type FoldedParts } from '../text/fold.js';

/**
 * A file read ahead: its text (or why it has none), the SHA-256 of its bytes and, when asked, the text folded; or
 * why it could not be read.
 */
export type ReadAheadFile = { ok: true; decoded: DecodedFile; sha256: string; folded?: FoldedParts } | { ok: false; ruleId: 'input/unreadable' | 'input/too-large'; message: string };

/**
 * What a read at the file's turn gives, in the thread or here: the one definition of a read-ahead answer. A file
 * marked `fold` (its document is its text: plain text) has its text folded too, the normalize stage done ahead.
 */
export function readAheadFile(file: FileToRead, maxSize: number, encoding: Encoding | undefined, into?: ReadBuffer): ReadAheadFile {
  const read = readFileSnapshotSync(file.absolute, file.shown, maxSize, into);
  return read.ok ? answerFor(file, read.bytes, encoding) : read;
}

/** What a file's bytes give: decoded, digested and, when asked, folded. */
function answerFor(file: FileToRead, bytes: Uint8Array, encoding: Encoding | undefined): ReadAheadFile {
  const decoded = decodeFile(file.shown, bytes, encoding);
  const sha256 = hash('sha256', bytes, 'hex');
  return file.fold && decoded.ok ? { ok: true, decoded, sha256, folded: foldText(decoded.text).toParts() } : { ok: true, decoded, sha256 };
}

/**
 * `readAheadFile` the thread's way, into a batch: a plain-text file in the common case (valid UTF-8, see
 * decodeToUnits) is decoded and folded as UTF-16 units and copied into the batch, never made a string here. Taken
 * out of the batch, it is the same answer: decode makes its text from the same units, foldText folds with the same
 * loop.
 */
export function readAheadInto(batch: BatchBuilder, file: FileToRead, maxSize: number, encoding: Encoding | undefined, into?: ReadBuffer): void {
  const read = readFileSnapshotSync(file.absolute, file.shown, maxSize, into);
  if (!read.ok) return batch.add(read);
  const decoded = file.fold ? decodeToUnits(read.bytes, encoding) : undefined;
  if (!decoded) return batch.add(answerFor(file, read.bytes, encoding));
  const sha256 = hash('sha256', read.bytes, 'hex');
  batch.addFolded(sha256, decoded.bom, decoded.units, decoded.length, foldUnitsToParts(decoded.units, decoded.length));
}

/**
 * Sent to the thread: files to read, in order, their paths joined by NUL (which no path holds: one string is
 * cloned faster than an array of 64).
 */
export interface ReadAheadRequest {
  absolute: string;
  shown: string;
  /** For each file, '1' to fold its text too, else '0'. */
  fold: string;
  maxSize: number;
  encoding?: Encoding;
  /**
   * A batch's buffers, all its files taken, to lay out another batch in. They ride with the next request, not a
   * message of their own: posting a message cost the checking thread 40–130 µs in a run of 20,000 files here.
   */
  recycle?: [ArrayBuffer, ArrayBuffer];
}

/** A file to read: where it is, the path messages name, and whether its text is to be folded too. */
export interface FileToRead {
  absolute: string;
  shown: string;
  fold?: boolean;
}

/**
 * A batch as it crosses from the thread: the files with their texts, folded texts and maps taken out, and laid out
 * in two buffers that are handed over, not copied. Here a text is made a string again only at its file's turn
 * (`unpack`): files waiting as strings (96 of them, about 1.4 MB) were copied by each young-generation collection
 * of this thread, and most of them promoted to the old generation, for nothing. Once its last file is taken, the
 * batch's buffers go back to the thread (ReadAheadRequest.recycle).
 */
export interface ReadAheadBatch {
  files: ReadAheadFile[];
  /** Every text and folded text of the batch, as UTF-16 units (little-endian). */
  units: ArrayBuffer;
  /** Every folded text's map and wide units. */
  ints: ArrayBuffer;
  /** For file i, from SPAN * i: where its text, folded text, at, delta and wide lie (start, length; -1 when none). */
  spans: Int32Array;
}

const SPAN = 10;

/**
 * A batch being laid out by the thread, file after file (see ReadAheadBatch), in buffers an earlier batch came back
 * in when they are large enough, else new ones of about the size the previous batch needed: seldom copied to grow,
 * and holding little that is unused.
 */
export class BatchBuilder {
  /** Units and ints the last batch needed, in this thread. */
  private static lastNeed = { units: 1 << 15, ints: 1 << 10 };
  private readonly files: ReadAheadFile[] = [];
  private spans: number[] = [];
  private units: Uint16Array;
  private unitCount = 0;
  private ints: Int32Array;
  private intCount = 0;

  /** `spare`: buffers a batch was sent in and came back (ReadAheadRecycle), used when large enough. */
  constructor(spare?: [ArrayBuffer, ArrayBuffer]) {
    const units = Math.ceil(BatchBuilder.lastNeed.units * 1.1);
    const ints = Math.ceil(BatchBuilder.lastNeed.ints * 1.1);
    this.units = spare && spare[0].byteLength >= units * 2 ? new Uint16Array(spare[0]) : new Uint16Array(units);
    this.ints = spare && spare[1].byteLength >= ints * 4 ? new Int32Array(spare[1]) : new Int32Array(ints);
  }

  /** An answer whose strings and arrays are moved into the batch. */
  add(f: ReadAheadFile): void {
    const at = this.open();
    if (!f.ok || !f.decoded.ok) {
      this.files.push(f);
      return;
    }
    this.putText(f.decoded.text, at);
    if (!f.folded) {
      this.files.push({ ...f, decoded: { ...f.decoded, text: '' } });
      return;
    }
    this.putText(f.folded.text, at + 2);
    this.putFoldMap(f.folded, at);
    this.files.push({ ...f, decoded: { ...f.decoded, text: '' }, folded: NOT_HERE });
  }

  /** A UTF-8 text file decoded to these units and folded from them (readAheadInto). */
  addFolded(sha256: string, bom: boolean, units: Uint16Array, length: number, folded: { units: Uint16Array; length: number; at: Int32Array; delta: Int32Array; wide: Int32Array }): void {
    const at = this.open();
    this.putUnits(units, length, at);
    this.putUnits(folded.units, folded.length, at + 2);
    this.putFoldMap(folded, at);
    this.files.push({ ok: true, decoded: { ok: true, text: '', encoding: 'utf-8', bom }, sha256, folded: NOT_HERE });
  }

  /** The batch, its buffers to be handed over (they are this builder's no more). */
  finish(): ReadAheadBatch {
    BatchBuilder.lastNeed = { units: Math.max(1024, this.unitCount), ints: Math.max(64, this.intCount) };
    return { files: this.files, units: this.units.buffer as ArrayBuffer, ints: this.ints.buffer as ArrayBuffer, spans: Int32Array.from(this.spans) };
  }

  /** The next file's spans, none yet; returns where they start. */
  private open(): number {
    const at = this.spans.length;
    for (let k = 0; k < SPAN; k++) this.spans.push(-1);
    return at;
  }

  private putText(text: string, slot: number): void {
    this.roomForUnits(text.length);
    this.spans[slot] = this.unitCount;
    this.spans[slot + 1] = text.length;
    Buffer.from(this.units.buffer, this.units.byteOffset, this.units.byteLength).write(text, this.unitCount * 2, 'utf16le');
    this.unitCount += text.length;
  }

  private putUnits(units: Uint16Array, length: number, slot: number): void {
    this.roomForUnits(length);
    this.spans[slot] = this.unitCount;
    this.spans[slot + 1] = length;
    this.units.set(units.subarray(0, length), this.unitCount);
    this.unitCount += length;
  }

  private putFoldMap(folded: { at: Int32Array; delta: Int32Array; wide: Int32Array }, at: number): void {
    this.putInts(folded.at, at + 4);
    this.putInts(folded.delta, at + 6);
    this.putInts(folded.wide, at + 8);
  }

  private putInts(a: Int32Array, slot: number): void {
    this.ints = withRoom(this.ints, this.intCount, this.intCount + a.length);
    this.spans[slot] = this.intCount;
    this.spans[slot + 1] = a.length;
    this.ints.set(a, this.intCount);
    this.intCount += a.length;
  }

  private roomForUnits(length: number): void {
    this.units = withRoom(this.units, this.unitCount, this.unitCount + length);
  }
}

/** `a` when it has room for `need` elements, else a copy of its first `used` in an array at least twice as long. */
function withRoom<A extends Uint16Array | Int32Array>(a: A, used: number, need: number): A {
  if (need <= a.length) return a;
  const grown = new (a.constructor as new (length: number) => A)(Math.max(a.length * 2, need));
  grown.set(a.subarray(0, used));
  return grown;
}

/** The folded text of a file in a batch: it lies in the batch's buffers (see `unpack`). */
const NOT_HERE: FoldedParts = { text: '', at: new Int32Array(0), delta: new Int32Array(0), wide: new Int32Array(0) };

/** File i of a batch as the thread read it, its strings made again from the batch's buffers. */
function unpack(batch: ReadAheadBatch, i: number): ReadAheadFile {
  const f = batch.files[i]!;
  if (!f.ok || !f.decoded.ok) return f;
  const s = batch.spans;
  const at = i * SPAN;
  const units = Buffer.from(batch.units);
  const text = (slot: number) => units.toString('utf16le', s[slot]! * 2, (s[slot]! + s[slot + 1]!) * 2);
  // Copies, not views: the batch's buffers go back to the thread once its last file is taken (ReadAhead.take).
  const ints = (slot: number) => new Int32Array(batch.ints, s[slot]! * 4, s[slot + 1]!).slice();
  const decoded = { ...f.decoded, text: text(at) };
  return f.folded ? { ...f, decoded, folded: { text: text(at + 2), at: ints(at + 4), delta: ints(at + 6), wide: ints(at + 8) } } : { ...f, decoded };
}

/** An answer waiting to be taken: file `index` of a batch, or (read here) the file itself. */
type Answer = { shown: string; batch: ReadAheadBatch; index: number } | { shown: string; file: ReadAheadFile };

/** The thread's module, built (tests run after a build), as the worker pool finds its own. */
const WORKER = new URL('../../dist/documents/read-ahead-worker.js', import.meta.url);
/**
 * Files to a message. Each message wakes the thread: a system call, and dear on the VMs this is measured on (see
 * docs/performance.md, What the machine adds). With the texts out of the heap (ReadAheadBatch), more files waiting
 * cost little.
 */
const BATCH = 64;
/**
 * Files asked for and not yet taken: enough that the checks never wait once the thread runs (it reads faster than
 * they check). Their texts wait in the batches' buffers, outside this thread's heap (ReadAheadBatch), about 15 KB a
 * file.
 */
const AHEAD = 192;

export class ReadAhead {
  private readonly worker: Worker;
  /** Files sent to the thread and not yet answered, in order. */
  private readonly asked: FileToRead[] = [];
  private askedFrom = 0;
  /** Answers not yet taken, and takers waiting for an answer, in order: one of the two is always empty. */
  private readonly answers: Answer[] = [];
  private answersFrom = 0;
  private readonly takers: ((a: Answer) => void)[] = [];
  private takersFrom = 0;
  private taken = 0;
  private sent = 0;
  private failed = false;
  private sourceDone = false;
  /** The buffers of the last batch whose files were all taken, to go back with the next request. */
  private spare: [ArrayBuffer, ArrayBuffer] | undefined;

  private source: Iterator<FileToRead> = [].values();

  /** Starts the thread; reading starts with `read`. The thread takes tens of milliseconds to start: start it early. */
  constructor(
    private readonly maxSize: number,
    private readonly encoding?: Encoding,
  ) {
    // Not unref'd: while the checks wait for an answer, the thread is what keeps the process running. close() ends it.
    // Its heap holds a batch's paths and texts at a time: a small one is plenty.
    this.worker = new Worker(WORKER, { workerData: { heapFlags: heapFlagsSet() }, resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 } });
    this.worker.on('message', (batch: ReadAheadBatch) => this.received(batch));
    this.worker.on('error', () => this.fail());
    this.worker.on('exit', () => this.fail());
  }

  /** Read these files, in this order, ahead of `take`. */
  read(files: Iterator<FileToRead>): this {
    this.source = files;
    this.sourceDone = false;
    this.ask();
    return this;
  }

  /** The next file, which must be the one shown as `shown`: files are taken in the order the source gives them. */
  async take(shown: string): Promise<ReadAheadFile> {
    const ready = this.takeReady(shown);
    if (ready) return ready;
    this.taken++;
    this.ask();
    return this.opened(await new Promise<Answer>((resolve) => this.takers.push(resolve)), shown);
  }

  /**
   * `take` without waiting: the next file when its answer is here (or it is to be read here), else undefined and
   * nothing taken. A run takes most files this way: the thread reads ahead of the checks, and a file taken without
   * a promise costs the checks nothing to wait for.
   */
  takeReady(shown: string): ReadAheadFile | undefined {
    if (this.taken >= this.sent) {
      // Past what was sent (after a failure): the source is read here.
      this.taken++;
      const n = this.source.next();
      if (n.done || n.value.shown !== shown) throw new Error(`read-ahead out of order at ${shown}`);
      this.sent++;
      return readAheadFile(n.value, this.maxSize, this.encoding);
    }
    if (this.answersFrom >= this.answers.length) return undefined;
    this.taken++;
    this.ask();
    return this.opened(this.shift(this.answers, 'answersFrom'), shown);
  }

  /** The file an answer holds, which must be the one shown as `shown`. */
  private opened(answer: Answer, shown: string): ReadAheadFile {
    if (answer.shown !== shown) throw new Error(`read-ahead out of order at ${shown}`);
    if ('file' in answer) return answer.file;
    const { batch } = answer;
    const file = unpack(batch, answer.index);
    // The batch's last file: its buffers go back to the thread, to be filled again. Transferred here, they would
    // otherwise wait for a collection to be freed; a full one, if their batch had lived long enough to be promoted,
    // and between two of those a run held some 10 MB more.
    if (answer.index === batch.files.length - 1) this.spare = [batch.units, batch.ints];
    return file;
  }

  /** Stop the thread; answers not taken are dropped. */
  close(): void {
    this.failed = true;
    void this.worker.terminate();
  }

  private ask(): void {
    while (!this.failed && !this.sourceDone && this.sent - this.taken < AHEAD) {
      let count = 0;
      let absolute = '';
      let shown = '';
      let fold = '';
      for (; count < BATCH; count++) {
        const n = this.source.next();
        if (n.done) {
          this.sourceDone = true;
          break;
        }
        absolute += (count ? '\0' : '') + n.value.absolute;
        shown += (count ? '\0' : '') + n.value.shown;
        fold += n.value.fold ? '1' : '0';
        this.asked.push(n.value);
      }
      if (count === 0) return;
      this.sent += count;
      const recycle = this.spare;
      this.spare = undefined;
      const request: ReadAheadRequest = { absolute, shown, fold, maxSize: this.maxSize, ...(this.encoding ? { encoding: this.encoding } : {}), ...(recycle ? { recycle } : {}) };
      this.worker.postMessage(request, recycle ?? []);
    }
  }

  private received(batch: ReadAheadBatch): void {
    if (this.failed) return; // closed, or its files already read here by fail()
    for (let index = 0; index < batch.files.length; index++) this.answer({ shown: this.shift(this.asked, 'askedFrom').shown, batch, index });
    this.ask();
  }

  private answer(a: Answer): void {
    if (this.takersFrom < this.takers.length) this.shift(this.takers, 'takersFrom')(a);
    else this.answers.push(a);
  }

  /** The thread is gone (an error, or killed): what it was asked and did not answer is read here, in order. */
  private fail(): void {
    if (this.failed) return;
    this.failed = true;
    while (this.askedFrom < this.asked.length) {
      const f = this.shift(this.asked, 'askedFrom');
      this.answer({ shown: f.shown, file: readAheadFile(f, this.maxSize, this.encoding) });
    }
  }

  /** First element of a queue kept as an array and a start index; compacted now and then. */
  private shift<T>(queue: T[], from: 'askedFrom' | 'answersFrom' | 'takersFrom'): T {
    const item = queue[this[from]]!;
    // Let go of it now: an answer left in the array would keep its text alive until the array is compacted.
    (queue as (T | undefined)[])[this[from]] = undefined;
    this[from]++;
    if (this[from] >= 1024 && this[from] * 2 >= queue.length) {
      queue.splice(0, this[from]);
      this[from] = 0;
    }
    return item;
  }
}
