/**
 * The thread of a read-ahead (read-ahead.ts): reads, decodes, digests and (for plain text) folds the files of each
 * batch it is sent, in order, synchronously (it has nothing else to do), into one reused buffer, and sends back each
 * file's text, digest and folded text, or why it could not be read. It loads only the reading, decoding and folding
 * modules, so it starts in milliseconds.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ReadBuffer } from './file-bytes.js';
import { setHeapFlags } from '../engine/heap.js';
import { BatchBuilder, readAheadInto, type ReadAheadRequest } from './read-ahead.js';

// Starting a worker thread resets V8's flags for the whole process (see heap.ts): set again what the main thread,
// which checks while this thread reads, had set (the CLI's heap flags; none in a program that set none).
setHeapFlags((workerData as { heapFlags: string[] }).heapFlags);

const buffer = new ReadBuffer();

/** Buffers of batches whose files were all taken, back from the checking thread. */
const spare: [ArrayBuffer, ArrayBuffer][] = [];

parentPort!.on('message', (request: ReadAheadRequest) => {
  if (request.recycle) spare.push(request.recycle);
  const absolute = request.absolute.split('\0');
  const shown = request.shown.split('\0');
  const batch = new BatchBuilder(spare.pop());
  for (let k = 0; k < absolute.length; k++) readAheadInto(batch, { absolute: absolute[k]!, shown: shown[k]!, fold: request.fold[k] === '1' }, request.maxSize, request.encoding, buffer);
  const sent = batch.finish();
  parentPort!.postMessage(sent, [sent.units, sent.ints]);
});
