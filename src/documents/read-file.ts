/**
 * Reading one archive file, synchronously and bounded. An audit reads tens of thousands of small files: through
 * the libuv pool every file costs stat, open, fstat, read and close as five round trips between threads, which
 * took a quarter of a run's CPU time. Here a file is opened and read into a reused buffer; a read that comes back
 * short is the whole file, so a small file costs open, read, close and no stat. Only a file that fills the buffer
 * is measured (fstat), and one over the size limit is never read whole.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Most articles are a few KB; a larger file takes a second read after fstat. */
const FIRST_READ = 256 * 1024;
let scratch: Buffer | undefined;

export type FileRead =
  | { ok: true; bytes: Buffer }
  | { ok: false; tooLarge: true; size: number }
  | { ok: false; tooLarge: false; error: NodeJS.ErrnoException };

/**
 * The bytes of a file, or its size when over `maxSize`, or the error. The bytes are a fresh buffer the caller owns
 * (it may be transferred to another thread).
 */
export function readFileBounded(path: string, maxSize: number): FileRead {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    return { ok: false, tooLarge: false, error: err as NodeJS.ErrnoException };
  }
  try {
    scratch ??= Buffer.allocUnsafe(FIRST_READ);
    const n = readSync(fd, scratch, 0, FIRST_READ, 0);
    if (n < FIRST_READ && n <= maxSize) return { ok: true, bytes: copyOf(scratch, n) };
    const size = fstatSync(fd).size;
    if (size > maxSize) return { ok: false, tooLarge: true, size };
    // Larger than the first read: read the rest into a buffer of the file's size (it may still grow or shrink).
    const chunks = [copyOf(scratch, n)];
    let total = n;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.max(size - total, FIRST_READ));
      const k = readSync(fd, chunk, 0, chunk.length, total);
      if (k === 0) break;
      chunks.push(chunk.subarray(0, k));
      total += k;
      if (total > maxSize) return { ok: false, tooLarge: true, size: total };
    }
    return { ok: true, bytes: Buffer.concat(chunks, total) };
  } catch (err) {
    return { ok: false, tooLarge: false, error: err as NodeJS.ErrnoException };
  } finally {
    closeSync(fd);
  }
}

/** A buffer of its own (never a slice of Node's shared pool, so it can be transferred to a worker). */
function copyOf(from: Buffer, n: number): Buffer {
  const b = Buffer.allocUnsafeSlow(n);
  from.copy(b, 0, 0, n);
  return b;
}

/** The input/unreadable message for a read error, the same on every path (in-thread, workers). */
export function unreadableReason(e: NodeJS.ErrnoException): string {
  return e.code === 'EACCES' ? 'permission denied' : e.code === 'EISDIR' ? 'is a folder' : e.message;
}
