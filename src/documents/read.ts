import { closeSync, constants, createReadStream, fstatSync, openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { decodeFile, type DecodedFile, type Encoding } from './decode.js';
import type { ReadResult } from './model.js';
import { readerForPath } from './readers/index.js';
import { textReader } from './readers/text.js';
import type { Reader, ReaderOptions } from './readers/types.js';
import { notAFile, readFileSnapshot, whyUnreadable } from './file-bytes.js';
import { errorText } from './problems.js';

export { ReadBuffer, readFileSnapshot, readFileSnapshotSync, whyUnreadable, type FileBytes } from './file-bytes.js';

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
  return readDecoded(path, decodeFile(path, data, options.encoding), options);
}

/** readBytes after decoding (which the read-ahead thread does): the reader turns the text into documents. */
export function readDecoded(path: string, decoded: DecodedFile, options: ReadOptions = {}): ReadResult[] {
  if (!decoded.ok) return [{ ok: false, problem: decoded.problem }];
  if (decoded.text.trim().length === 0) {
    return [{ ok: false, problem: { path, ruleId: 'input/empty', message: `${path} is empty: there is no article to check` } }];
  }
  const reader = options.reader ?? readerForPath(path) ?? textReader;
  const results = readText(reader, path, decoded.text, options.readers ?? {});
  // A fix is encoded as the rest of the file: the reader knows the text, only the bytes say the encoding.
  for (const r of results) if (r.ok && r.document.file) r.document.file.encoding = { name: decoded.encoding, bom: decoded.bom };
  return results;
}

/**
 * A text through its reader. An error in the reader is the file's finding, not the end of the run (as an error in a
 * rule is: Engine.check).
 */
export function readText(reader: Reader, path: string, text: string, options: ReaderOptions): ReadResult[] {
  try {
    return reader.read(path, text, options);
  } catch (err) {
    return [readerCrash(path, `reading ${path} as ${reader.format}`, err)];
  }
}

/** One line of a line-based file through its reader: an error in the reader is that line's finding. */
export function readOneLine(reader: Reader, path: string, text: string, at: { offset: number; line: number; byte?: number }, options: ReaderOptions): ReadResult[] {
  try {
    return reader.readLine!(path, text, at, options);
  } catch (err) {
    return [readerCrash(`${path}#${at.line}`, `reading line ${at.line} of ${path} as ${reader.format}`, err, at.line)];
  }
}

function readerCrash(path: string, what: string, err: unknown, line?: number): ReadResult {
  return { ok: false, problem: { path, ruleId: 'input/crash', message: `${what} failed (${errorText(err)}): an error in manba, not in the document; please report it with the document`, ...(line ? { line } : {}) } };
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
      yield* readOneLine(reader, path, line === 1 ? text.replace(/^\uFEFF/, '') : text, at, options.readers ?? {});
    }
  } catch (err) {
    yield { ok: false, problem: { path, ruleId: 'input/unreadable', message: `cannot read ${path}: ${whyUnreadable(err as NodeJS.ErrnoException)}` } };
    return;
  }
  if (!any) yield { ok: false, problem: { path, ruleId: 'input/empty', message: `${path} is empty: there is no article to check` } };
}
