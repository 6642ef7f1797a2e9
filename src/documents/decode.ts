/**
 * Bytes to text. Strict: a file that is not what it claims to be is reported, never guessed into mojibake.
 * Detected: UTF-8 (with or without BOM), UTF-16 LE/BE with BOM, and Windows-1256, the legacy Persian code
 * page of older archives: a file with no valid UTF-8 sequence at all whose bytes read as Arabic-script
 * letters in Windows-1256. A file that has UTF-8 text and also invalid bytes is broken UTF-8, and reported.
 */
import { isUtf8 } from 'node:buffer';
import { lazyRequire } from '../lazy.js';
import type { ReadProblem } from './model.js';

/** iconv-lite, for the legacy encodings (decoding here, encoding fixes, pages' charsets): loaded on first use. */
export const iconv = lazyRequire<typeof import('iconv-lite')>('iconv-lite');

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1256';

export type Decoded =
  | { ok: true; text: string; encoding: Encoding; bom: boolean }
  | { ok: false; reason: 'binary' | 'encoding'; message: string; byteOffset?: number; line?: number; column?: number };


/** A file's bytes as text, or the problem (binary, not the encoding it claims) that keeps it from being read. */
export type DecodedFile = { ok: true; text: string; encoding: Encoding; bom: boolean } | { ok: false; problem: ReadProblem };

export function decodeFile(path: string, bytes: Uint8Array, forced?: Encoding): DecodedFile {
  const decoded = decode(bytes, forced);
  if (decoded.ok) return decoded;
  const ruleId = decoded.reason === 'binary' ? 'input/binary' : 'input/encoding';
  return { ok: false, problem: { path, ruleId, message: `${path}: ${decoded.message}`, line: decoded.line, column: decoded.column } };
}

/**
 * The common case of `decode` as UTF-16 units, not yet a string: UTF-8 (forced, or found: no UTF-16 byte-order
 * mark, no NUL byte), valid, at most DECODE_IN_PLACE_MAX bytes. The units live in a reused buffer, valid until the
 * next decode in this thread. Undefined in every other case, which `decode` handles. The read-ahead's thread folds
 * these units without making them a string first; `decode` makes its text from them, so both read the same.
 */
export function decodeToUnits(bytes: Uint8Array, forced?: Encoding): { units: Uint16Array; length: number; bom: boolean } | undefined {
  if (forced && forced !== 'utf-8') return undefined;
  if (!forced && utf16Bom(bytes)) return undefined;
  const { bom, body } = utf8Body(bytes);
  if (body.length > DECODE_IN_PLACE_MAX || body.subarray(0, 8192).indexOf(0) !== -1 || !isUtf8(body)) return undefined;
  const length = validUtf8ToUnits(body);
  return { units: decodeUnits, length, bom };
}

/** Whether the bytes start with a UTF-16 byte-order mark, either way round. */
function utf16Bom(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
}

/** The bytes after a UTF-8 byte-order mark, and whether there was one. */
function utf8Body(bytes: Uint8Array): { bom: boolean; body: Uint8Array } {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return { bom, body: bom ? bytes.subarray(3) : bytes };
}

export function decode(bytes: Uint8Array, forced?: Encoding): Decoded {
  const common = decodeToUnits(bytes, forced);
  if (common) return { ok: true, text: unitsToString(common.units, common.length), encoding: 'utf-8', bom: common.bom };
  if (forced === 'windows-1256') return { ok: true, text: iconv().decode(Buffer.from(bytes), 'windows-1256'), encoding: 'windows-1256', bom: false };
  if (forced === 'utf-16le' || forced === 'utf-16be') return decodeUtf16(bytes, forced, utf16Bom(bytes));
  if (!forced && bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return decodeUtf16(bytes, 'utf-16le', true);
  if (!forced && bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return decodeUtf16(bytes, 'utf-16be', true);
  const { bom, body } = utf8Body(bytes);
  const nul = body.subarray(0, 8192).indexOf(0);
  if (nul !== -1) {
    return { ok: false, reason: 'binary', message: `binary file (a NUL byte at byte ${nul + (bom ? 3 : 0)}); not a text document`, byteOffset: nul };
  }
  // Valid UTF-8 too large for the reused buffer (smaller is the common case, decodeToUnits), checked by simdutf.
  if (isUtf8(body)) return { ok: true, text: validUtf8ToString(body), encoding: 'utf-8', bom };
  if (!forced && !bom && looksLikeWindows1256(body)) return { ok: true, text: iconv().decode(Buffer.from(body), 'windows-1256'), encoding: 'windows-1256', bom: false };
  const bad = firstInvalidUtf8(body);
  const offset = bad + (bom ? 3 : 0);
  const before = body.subarray(0, bad);
  const lineStart = before.lastIndexOf(0x0a) + 1;
  const line = countByte(before, 0x0a) + 1;
  const column = new TextDecoder('utf-8').decode(body.subarray(lineStart, bad)).length + 1;
  const byte = body[bad]!.toString(16).toUpperCase().padStart(2, '0');
  return {
    ok: false,
    reason: 'encoding',
    message: `not valid UTF-8: byte 0x${byte} at byte offset ${offset} (line ${line}, column ${column}); save the file as UTF-8`,
    byteOffset: offset,
    line,
    column,
  };
}

/**
 * UTF-16 as strictly as UTF-8: a file that ends in the middle of a character or holds an unpaired surrogate is a
 * problem at its place, not a U+FFFD the checks would read past.
 */
function decodeUtf16(bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be', bom: boolean): Decoded {
  const body = bytes.subarray(bom ? 2 : 0);
  try {
    return { ok: true, text: new TextDecoder(encoding, { fatal: true }).decode(body), encoding, bom };
  } catch {
    // Where, below: rare, so found by a second look.
  }
  const unit = (k: number) => (encoding === 'utf-16le' ? body[2 * k]! | (body[2 * k + 1]! << 8) : (body[2 * k]! << 8) | body[2 * k + 1]!);
  const units = body.length >> 1;
  let bad = units;
  for (let k = 0; k < units; k++) {
    const u = unit(k);
    if (u >= 0xd800 && u <= 0xdbff && k + 1 < units && unit(k + 1) >= 0xdc00 && unit(k + 1) <= 0xdfff) k++;
    else if (u >= 0xd800 && u <= 0xdfff) {
      bad = k;
      break;
    }
  }
  const before = new TextDecoder(encoding).decode(body.subarray(0, bad * 2));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  const offset = bad * 2 + (bom ? 2 : 0);
  const what = bad < units ? `an unpaired surrogate 0x${unit(bad).toString(16).toUpperCase()}` : 'a last character cut in half (an odd number of bytes)';
  const name = encoding === 'utf-16le' ? 'UTF-16LE' : 'UTF-16BE';
  return { ok: false, reason: 'encoding', message: `not valid ${name}: ${what} at byte offset ${offset} (line ${line}, column ${column}); save the file as UTF-8`, byteOffset: offset, line, column };
}

function countByte(bytes: Uint8Array, b: number): number {
  let n = 0;
  for (let i = bytes.indexOf(b); i !== -1; i = bytes.indexOf(b, i + 1)) n++;
  return n;
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let min: number;
    if (b < 0x80) { i++; continue; }
    else if (b >= 0xc2 && b <= 0xdf) { need = 1; min = 0x80; }
    else if (b >= 0xe0 && b <= 0xef) { need = 2; min = 0x800; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; min = 0x10000; }
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return bytes.length;
}

/** The upper half of Windows-1256, decoded once (on the first file that is not UTF-8). */
let high1256: string | undefined;
const HIGH_1256 = () => (high1256 ??= iconv().decode(Buffer.from(Array.from({ length: 128 }, (_, k) => 0x80 + k)), 'windows-1256'));

/**
 * Windows-1256 rather than broken UTF-8: most high bytes are not part of a valid UTF-8 sequence (in 1256 text a
 * pair such as «سپ» can happen to be valid UTF-8, so a few valid pairs are expected), and most high bytes read
 * as Arabic-script letters in Windows-1256.
 */
function looksLikeWindows1256(bytes: Uint8Array): boolean {
  let high = 0;
  let inUtf8 = 0;
  let letters = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x80) continue;
    const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len && firstInvalidUtf8(bytes.subarray(i, i + len)) === len) {
      // A valid sequence: count its bytes as UTF-8-looking, and the letters they would be in 1256.
      for (let k = 0; k < len; k++) {
        high++;
        inUtf8++;
        if (isArabicIn1256(bytes[i + k]!)) letters++;
      }
      i += len - 1;
      continue;
    }
    high++;
    if (isArabicIn1256(b)) letters++;
  }
  return high > 0 && inUtf8 / high < 0.5 && letters / high >= 0.6;
}

function isArabicIn1256(b: number): boolean {
  const ch = HIGH_1256().charCodeAt(b - 0x80);
  return (ch >= 0x0600 && ch <= 0x06ff) || ch === 0x200c || ch === 0x200d || ch === 0xab || ch === 0xbb;
}

/** Files up to this size are decoded through one reused buffer; larger ones by V8 (no buffer kept at their size). */
const DECODE_IN_PLACE_MAX = 1 << 20;
let decodeUnits = new Uint16Array(1 << 15);

/**
 * Valid UTF-8 (isUtf8 said so) to a string. Node 20's own decoder takes a slow path for every non-ASCII character
 * and reads Persian text at 100–150 MB/s; this loop, which need not check what isUtf8 checked, reads it about twice
 * as fast, and the UTF-16 units become a string by a plain copy.
 */
export function validUtf8ToString(bytes: Uint8Array): string {
  if (bytes.length > DECODE_IN_PLACE_MAX) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
  return unitsToString(decodeUnits, validUtf8ToUnits(bytes));
}

/** Valid UTF-8 of at most DECODE_IN_PLACE_MAX bytes into `decodeUnits`; returns how many units. */
function validUtf8ToUnits(bytes: Uint8Array): number {
  const n = bytes.length;
  if (decodeUnits.length < n) decodeUnits = new Uint16Array(Math.max(n, decodeUnits.length * 2));
  const u = decodeUnits;
  let len = 0;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      u[len++] = b;
      i++;
    } else if (b < 0xe0) {
      u[len++] = ((b & 0x1f) << 6) | (bytes[i + 1]! & 0x3f);
      i += 2;
    } else if (b < 0xf0) {
      u[len++] = ((b & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f);
      i += 3;
    } else {
      // Beyond the BMP: a surrogate pair.
      const cp = (((b & 0x07) << 18) | ((bytes[i + 1]! & 0x3f) << 12) | ((bytes[i + 2]! & 0x3f) << 6) | (bytes[i + 3]! & 0x3f)) - 0x10000;
      u[len++] = 0xd800 | (cp >> 10);
      u[len++] = 0xdc00 | (cp & 0x3ff);
      i += 4;
    }
  }
  return len;
}

/** UTF-16 units to a string, by a plain copy. */
export function unitsToString(units: Uint16Array, length: number): string {
  return Buffer.from(units.buffer, units.byteOffset, length * 2).toString('utf16le');
}
