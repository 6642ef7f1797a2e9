/**
 * A file's bytes, read safely: the first step of the read stage, on its own so that a thread that only reads
 * (the read-ahead of a run in one thread) loads nothing else.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';

/** A file's bytes as they were when it was opened, or why there are none. */
export type FileBytes = { ok: true; bytes: Uint8Array } | { ok: false; ruleId: 'input/unreadable' | 'input/too-large'; message: string };

/**
 * Read a file found on disk, safe against what may happen to it between listing and reading: removed (or a link
 * to nothing now), replaced by a folder or a named pipe (opened non-blocking, so a pipe with no writer cannot hang
 * the run), or growing (only the bytes there when it was opened are read, so memory stays bounded and the run
 * ends). `shown` is the path the messages name.
 */
export async function readFileSnapshot(absolute: string, shown: string, maxSize: number): Promise<FileBytes> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(absolute, constants.O_RDONLY | constants.O_NONBLOCK);
    const info = await handle.stat();
    const refused = refusal(info, shown, maxSize);
    if (refused) return refused;
    const bytes = new Uint8Array(info.size);
    let got = 0;
    while (got < bytes.length) {
      const { bytesRead } = await handle.read(bytes, got, bytes.length - got, got);
      if (bytesRead === 0) break; // shrank since it was opened
      got += bytesRead;
    }
    return { ok: true, bytes: bytes.subarray(0, got) };
  } catch (err) {
    return { ok: false, ruleId: 'input/unreadable', message: `cannot read ${shown}: ${whyUnreadable(err as NodeJS.ErrnoException)}` };
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Memory one thread reads file after file into. An archive is a hundred thousand small files: a fresh buffer for
 * each is as many allocations and frees outside the JavaScript heap, whose fragments kept a long run's memory
 * growing. Files larger than REUSE_MAX get a buffer of their own, so one large file does not hold its size for
 * the rest of the run.
 */
export class ReadBuffer {
  private static readonly REUSE_MAX = 1 << 20;
  private memory = new Uint8Array(64 * 1024);

  /** Room for `size` bytes: valid until the next call. */
  room(size: number): Uint8Array {
    if (size > ReadBuffer.REUSE_MAX) return new Uint8Array(size);
    if (this.memory.length < size) this.memory = new Uint8Array(Math.max(size, this.memory.length * 2));
    return this.memory.subarray(0, size);
  }
}

/**
 * readFileSnapshot for a thread that has nothing else to do while it reads. With `into`, the bytes returned live in
 * that buffer and are valid only until its next read: the caller decodes (and digests) them before reading again.
 */
export function readFileSnapshotSync(absolute: string, shown: string, maxSize: number, into?: ReadBuffer): FileBytes {
  let fd: number | undefined;
  try {
    fd = openSync(absolute, constants.O_RDONLY | constants.O_NONBLOCK);
    const info = fstatSync(fd);
    const refused = refusal(info, shown, maxSize);
    if (refused) return refused;
    const bytes = into ? into.room(info.size) : new Uint8Array(info.size);
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(fd, bytes, got, bytes.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return { ok: true, bytes: bytes.subarray(0, got) };
  } catch (err) {
    return { ok: false, ruleId: 'input/unreadable', message: `cannot read ${shown}: ${whyUnreadable(err as NodeJS.ErrnoException)}` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function refusal(info: Stats, shown: string, maxSize: number): FileBytes | undefined {
  if (!info.isFile()) return { ok: false, ruleId: 'input/unreadable', message: `cannot read ${shown}: ${notAFile(info)}` };
  if (info.size > maxSize) {
    return { ok: false, ruleId: 'input/too-large', message: `${shown} is ${(info.size / 1048576).toFixed(1)} MB, over the ${(maxSize / 1048576).toFixed(0)} MB limit; not checked (raise maxFileSize in the config or --max-file-size)` };
  }
  return undefined;
}

export function notAFile(info: Stats): string {
  if (info.isDirectory()) return 'is a folder';
  if (info.isFIFO()) return 'is a named pipe (FIFO), not a file';
  if (info.isSocket()) return 'is a socket, not a file';
  return 'is a device, not a file';
}

/** Why a file could not be opened, in words. */
export function whyUnreadable(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder';
    case 'ENOENT':
      return 'no such file (removed after it was listed, or a link to nothing)';
    case 'ELOOP':
      return 'a loop of symbolic links';
    case 'ENOTDIR':
      return 'a folder on its path is no longer a folder';
    default:
      return e.message;
  }
}
