import { closeSync, constants, createReadStream, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { decode, type Encoding } from './decode.js';
import type { ReadResult } from './model.js';
import { readerForPath } from './readers/index.js';
import { textReader } from './readers/text.js';
import type { Reader, ReaderOptions } from './readers/types.js';

export interface ReadOptions {
  /** Force an encoding instead of detecting it. */
  encoding?: Encoding;
  readers?: ReaderOptions;
  /** The reader to use whatever the path says (for standard input with --stdin-filename). */
  reader?: Reader;
}

/** Read one file into documents. Never throws: a failure is a ReadProblem. */
export async function readPath(path: string, options: ReadOptions = {}): Promise<ReadResult[]> {
  const read = await readFileSnapshot(path, path, Infinity);
  if (!read.ok) return [{ ok: false, problem: { path, ruleId: read.ruleId, message: read.message } }];
  return readBytes(path, read.bytes, options);
}

export function readBytes(path: string, data: Uint8Array, options: ReadOptions = {}): ReadResult[] {
  const decoded = decode(data, options.encoding);
  if (!decoded.ok) {
    const ruleId = decoded.reason === 'binary' ? 'input/binary' : 'input/encoding';
    return [{ ok: false, problem: { path, ruleId, message: `${path}: ${decoded.message}`, line: decoded.line, column: decoded.column } }];
  }
  if (decoded.text.trim().length === 0) {
    return [{ ok: false, problem: { path, ruleId: 'input/empty', message: `${path} is empty: there is no article to check` } }];
  }
  const reader = options.reader ?? readerForPath(path) ?? textReader;
  const results = reader.read(path, decoded.text, options.readers ?? {});
  // A fix is encoded as the rest of the file: the reader knows the text, only the bytes say the encoding.
  for (const r of results) if (r.ok && r.document.file) r.document.file.encoding = { name: decoded.encoding, bom: decoded.bom };
  return results;
}

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

function notAFile(info: Stats): string {
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

/**
 * Stream a line-based file (JSONL) through its reader, one line at a time, so memory stays flat however long
 * the file is. Lines must be UTF-8 (a JSONL export is); a bad byte gives a finding on that line.
 */
export async function* readLines(path: string, reader: Reader, options: ReadOptions = {}): AsyncGenerator<ReadResult> {
  // Opened as readFileSnapshot opens: a named pipe cannot hang the run, and a file that keeps growing is read up
  // to the size it had when opened, so the run ends.
  let fd: number;
  let size: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const info = fstatSync(fd);
    size = info.size;
    if (!info.isFile()) {
      closeSync(fd);
      yield { ok: false, problem: { path, ruleId: 'input/unreadable', message: `cannot read ${path}: ${notAFile(info)}` } };
      return;
    }
  } catch (err) {
    yield { ok: false, problem: { path, ruleId: 'input/unreadable', message: `cannot read ${path}: ${whyUnreadable(err as NodeJS.ErrnoException)}` } };
    return;
  }
  if (size === 0) {
    closeSync(fd);
    yield { ok: false, problem: { path, ruleId: 'input/empty', message: `${path} is empty: there is no article to check` } };
    return;
  }
  const stream = createReadStream('', { fd, start: 0, end: size - 1 });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  let offset = 0;
  let byte = 0;
  let any = false;
  try {
    for await (const text of lines) {
      line++;
      const at = { offset, line, byte };
      offset += text.length + 1;
      // readline drops the line break: counted as LF (a CRLF file's byte offsets in reports run one short per line;
      // --fix reads the whole file and counts exactly).
      byte += Buffer.byteLength(text) + 1;
      if (text.trim() === '') continue;
      any = true;
      if (text.includes('\uFFFD')) {
        yield { ok: false, problem: { path: `${path}#${line}`, ruleId: 'input/encoding', message: `${path}: line ${line} is not valid UTF-8`, line, column: text.indexOf('\uFFFD') + 1 } };
        continue;
      }
      yield* reader.readLine!(path, line === 1 ? text.replace(/^\uFEFF/, '') : text, at, options.readers ?? {});
    }
  } catch (err) {
    yield { ok: false, problem: { path, ruleId: 'input/unreadable', message: `cannot read ${path}: ${whyUnreadable(err as NodeJS.ErrnoException)}` } };
    return;
  }
  if (!any) yield { ok: false, problem: { path, ruleId: 'input/empty', message: `${path} is empty: there is no article to check` } };
}
