/**
 * Reading ahead of a run that checks in one thread. Opening, reading and closing 20,000 small files is as much
 * time as the whole of the simplest checker (bench/floor.mjs); done by one more thread, a few hundred files ahead of
 * the checks, that time overlaps them instead of adding to them. The thread only makes system calls: the checking
 * stays on one thread (`--jobs 1`), and what the checks see is what a read at their turn would give (the same
 * readFileSnapshotSync, the same messages for a file that is gone, a folder, a pipe or too large).
 *
 * Files come back in the order they were asked for, a batch to a message with its bytes in one transferred
 * buffer: a message per file, or the libuv pool's four round trips per file, cost more than the reads. Should the
 * thread fail, the files it had not answered are read here, so no file is lost.
 */
import { Worker } from 'node:worker_threads';
import { readFileSnapshotSync, type FileBytes } from './file-bytes.js';
import { heapFlagsSet } from '../engine/heap.js';

/**
 * Sent to the thread: files to read, in order, their paths joined by NUL (which no path holds: one string is
 * cloned faster than an array of 64); or a batch's buffer given back, all its files used.
 */
export type ReadAheadRequest = { absolute: string; shown: string; maxSize: number } | { reuse: ArrayBuffer };

/** Sent back: the batch's bytes end to end, and for each file its length or why it was not read. */
export interface ReadAheadReply {
  buffer: ArrayBuffer;
  files: (number | { ruleId: 'input/unreadable' | 'input/too-large'; message: string })[];
}

/** A file to read: where it is, and the path messages name. */
export interface FileToRead {
  absolute: string;
  shown: string;
}

/** A batch's buffer and how many of its files are not used yet: at none, it goes back to the thread. */
interface Batch {
  buffer: ArrayBuffer;
  unused: number;
}

interface Answer {
  absolute: string;
  read: FileBytes;
  batch?: Batch;
}

/** The thread's module, built (tests run after a build), as the worker pool finds its own. */
const WORKER = new URL('../../dist/documents/read-ahead-worker.js', import.meta.url);
/** Files to a message. */
const BATCH = 64;
/** Files asked for and not yet taken: about 2 MB of articles, enough that the checks never wait once it runs. */
const AHEAD = 512;

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

  private source: Iterator<FileToRead> = [].values();

  /** Starts the thread; reading starts with `read`. The thread takes tens of milliseconds to start: start it early. */
  constructor(private readonly maxSize: number) {
    // Not unref'd: while the checks wait for an answer, the thread is what keeps the process running. close() ends it.
    // Its heap holds only paths and a batch's list of lengths (the bytes are outside it): a small one is plenty.
    this.worker = new Worker(WORKER, { workerData: { heapFlags: heapFlagsSet() }, resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 } });
    this.worker.on('message', (reply: ReadAheadReply) => this.received(reply));
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

  /**
   * Use the bytes of the next file, which must be `absolute` (files are taken in the order the source gives them).
   * `use` must be done with the bytes when it returns: their memory then goes back to the thread for another batch.
   */
  async take<T>(absolute: string, use: (read: FileBytes) => T): Promise<T> {
    this.taken++;
    if (this.taken > this.sent) {
      // Past what was sent (after a failure): the source is read here.
      const n = this.source.next();
      if (n.done || n.value.absolute !== absolute) throw new Error(`read-ahead out of order at ${absolute}`);
      this.sent++;
      return use(readFileSnapshotSync(absolute, n.value.shown, this.maxSize));
    }
    this.ask();
    const answer = this.answersFrom < this.answers.length ? this.shift(this.answers, 'answersFrom') : await new Promise<Answer>((resolve) => this.takers.push(resolve));
    try {
      if (answer.absolute !== absolute) throw new Error(`read-ahead out of order at ${absolute}`);
      return use(answer.read);
    } finally {
      if (answer.batch && --answer.batch.unused === 0 && !this.failed) this.worker.postMessage({ reuse: answer.batch.buffer } satisfies ReadAheadRequest, [answer.batch.buffer]);
    }
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
      for (; count < BATCH; count++) {
        const n = this.source.next();
        if (n.done) {
          this.sourceDone = true;
          break;
        }
        absolute += (count ? '\0' : '') + n.value.absolute;
        shown += (count ? '\0' : '') + n.value.shown;
        this.asked.push(n.value);
      }
      if (count === 0) return;
      this.sent += count;
      this.worker.postMessage({ absolute, shown, maxSize: this.maxSize } satisfies ReadAheadRequest);
    }
  }

  private received(reply: ReadAheadReply): void {
    if (this.failed) return; // closed, or its files already read here by fail()
    const batch: Batch = { buffer: reply.buffer, unused: reply.files.length };
    let at = 0;
    for (const file of reply.files) {
      const { absolute } = this.shift(this.asked, 'askedFrom');
      if (typeof file === 'number') {
        this.answer({ absolute, read: { ok: true, bytes: new Uint8Array(reply.buffer, at, file) }, batch });
        at += file;
      } else this.answer({ absolute, read: { ok: false, ...file }, batch });
    }
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
      this.answer({ absolute: f.absolute, read: readFileSnapshotSync(f.absolute, f.shown, this.maxSize) });
    }
  }

  /** First element of a queue kept as an array and a start index; compacted now and then. */
  private shift<T>(queue: T[], from: 'askedFrom' | 'answersFrom' | 'takersFrom'): T {
    const item = queue[this[from]]!;
    // Let go of it now: an answer left in the array would keep its bytes' batch alive until the array is compacted.
    (queue as (T | undefined)[])[this[from]] = undefined;
    this[from]++;
    if (this[from] >= 1024 && this[from] * 2 >= queue.length) {
      queue.splice(0, this[from]);
      this[from] = 0;
    }
    return item;
  }
}
