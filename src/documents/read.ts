import { readFile } from 'node:fs/promises';
import { decode } from './decode.js';
import type { ReadResult } from './model.js';
import { readerForPath } from './readers/index.js';
import { textReader } from './readers/text.js';

/** Read one file (or standard input's bytes) into documents. Never throws: a failure is a ReadProblem. */
export async function readPath(path: string, bytes?: Uint8Array): Promise<ReadResult[]> {
  let data: Uint8Array;
  try {
    data = bytes ?? (await readFile(path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a folder' : (err as Error).message;
    return [{ ok: false, problem: { path, ruleId: 'input/unreadable', message: `cannot read ${path}: ${why}` } }];
  }
  return readBytes(path, data);
}

export function readBytes(path: string, data: Uint8Array): ReadResult[] {
  const decoded = decode(data);
  if (!decoded.ok) {
    const ruleId = decoded.reason === 'binary' ? 'input/binary' : 'input/encoding';
    return [{ ok: false, problem: { path, ruleId, message: `${path}: ${decoded.message}`, line: decoded.line, column: decoded.column } }];
  }
  if (decoded.text.trim().length === 0) {
    return [{ ok: false, problem: { path, ruleId: 'input/empty', message: `${path} is empty: there is no article to check` } }];
  }
  const reader = readerForPath(path) ?? textReader;
  return reader.read(path, decoded.text);
}
