/**
 * The thread of a read-ahead (read-ahead.ts): reads the files of each batch it is sent, in order, synchronously
 * (it has nothing else to do), into one buffer, and sends that buffer back whole: transferred, not copied.
 * It loads only file-bytes.js and heap.js, so it starts in milliseconds.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readFileSnapshotSync, type Room } from './file-bytes.js';
import { setHeapFlags } from '../engine/heap.js';
import type { ReadAheadReply, ReadAheadRequest } from './read-ahead.js';

// Starting a worker thread resets V8's flags for the whole process (see heap.ts): set again what the main thread,
// which checks while this thread reads, had set (the CLI's heap flags; none in a program that set none).
setHeapFlags((workerData as { heapFlags: string[] }).heapFlags);

/**
 * Buffers given back by the main thread, ready for the next batches. One grown for a large file is let go, so it does
 * not stay at that size for the rest of the run.
 */
const given: ArrayBuffer[] = [];
const GIVEN_MAX = 16;
const REUSE_MAX = 2 << 20;

/** A batch's files laid end to end. */
class BatchMemory implements Room {
  bytes: Uint8Array;
  used = 0;

  constructor(size: number) {
    // A buffer the main thread gave back, if one is large enough: the same few buffers go back and forth.
    const k = given.findIndex((b) => b.byteLength >= size);
    this.bytes = k === -1 ? new Uint8Array(size) : new Uint8Array(given.splice(k, 1)[0]!);
  }

  room(size: number): Uint8Array {
    if (this.used + size > this.bytes.length) {
      const larger = new Uint8Array(Math.max(this.bytes.length * 2, this.used + size));
      larger.set(this.bytes.subarray(0, this.used));
      this.bytes = larger;
    }
    return this.bytes.subarray(this.used, this.used + size);
  }
}

/**
 * What the last batch needed, within bounds: the next one starts at that size, so a batch of similar files grows no
 * buffer, and one large file does not make every later batch as large.
 */
let expected = 256 * 1024;

parentPort!.on('message', (request: ReadAheadRequest) => {
  if ('reuse' in request) {
    if (given.length < GIVEN_MAX && request.reuse.byteLength <= REUSE_MAX) given.push(request.reuse);
    return;
  }
  const memory = new BatchMemory(expected);
  const files: ReadAheadReply['files'] = [];
  const absolute = request.absolute.split('\0');
  const shown = request.shown.split('\0');
  for (let k = 0; k < absolute.length; k++) {
    const read = readFileSnapshotSync(absolute[k]!, shown[k]!, request.maxSize, memory);
    if (read.ok) {
      memory.used += read.bytes.length;
      files.push(read.bytes.length);
    } else files.push({ ruleId: read.ruleId, message: read.message });
  }
  expected = Math.min(1 << 20, Math.max(64 * 1024, memory.used + (memory.used >> 3)));
  const buffer = memory.bytes.buffer as ArrayBuffer;
  parentPort!.postMessage({ buffer, files } satisfies ReadAheadReply, [buffer]);
});
