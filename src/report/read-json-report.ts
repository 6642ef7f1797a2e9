/**
 * A JSON report read back piece by piece: its top-level members one by one, and the members of its `documents`
 * array one document at a time, so a report of millions of documents (the shards of a national archive, for
 * `manba merge`) is never one string or one object in memory. Only the boundaries of values are found here, by
 * nesting depth outside strings; each value is parsed by `JSON.parse`. Any layout of valid JSON is read, not only
 * the one manba writes (a report passed through `jq` too).
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';
import { validUtf8ToString } from '../documents/decode.js';

/**
 * One piece of a report: one of the documents, or a top-level member. The `documents` member itself comes after
 * its documents, with their number as its value.
 */
export type ReportPiece = { key: string; value: unknown; line: number } | { document: unknown; line: number };

/** A report that is not JSON, or not an object: where, and what is wrong. */
export class ReportSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const NEWLINE = 0x0a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
/** The bytes that matter inside a value, outside its strings. */
const STRUCTURAL = new Uint8Array(256);
for (const b of [QUOTE, COMMA, NEWLINE, OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY, CLOSE_ARRAY]) STRUCTURAL[b] = 1;
const isSpace = (b: number) => b === 0x20 || b === NEWLINE || b === 0x0d || b === 0x09;

/** Bytes as text: valid UTF-8 (checked by simdutf) by manba's decoder, about twice as fast as Node 20's for Persian. */
function utf8Text(bytes: Buffer): string {
  return isUtf8(bytes) ? validUtf8ToString(bytes) : bytes.toString('utf8');
}

/** The index of the first `byte` in buffer[from, n), or n. */
function indexOrEnd(buffer: Buffer, byte: number, from: number, n: number): number {
  const k = buffer.indexOf(byte, from);
  return k === -1 || k >= n ? n : k;
}

/** Where the reader is, between values. */
const enum At {
  /** Before the top-level `{`. */
  Start,
  /** In the top-level object, before a key or its `}`. */
  Key,
  /** After a key, before its `:`. */
  Colon,
  /** After `:`, before the member's value. */
  Value,
  /** After a member's value, before `,` or `}`. */
  AfterMember,
  /** In the documents array, before a document or its `]`. */
  Document,
  /** After a document, before `,` or `]`. */
  AfterDocument,
  /** After the top-level `}`: only white space may follow. */
  End,
}

/** What the value being read is. */
const enum Reading {
  None,
  /** A member's name (a string: it ends at its closing quote). */
  Key,
  /** A top-level member's value. */
  Member,
  /** One of the documents. */
  Document,
}

/**
 * The report's pieces in file order. Reads `chunkSize` bytes at a time; a value is held only while it is read.
 * Throws ReportSyntaxError (with the line) for a file that is not one JSON object.
 */
export function* readJsonReport(file: string, chunkSize = 1 << 20): Generator<ReportPiece> {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(chunkSize);
    let at = At.Start;
    let line = 1;
    let key = '';
    // The value being read: what it is, its bytes from earlier chunks, its nesting depth, whether in a string, and
    // the line it starts on.
    let reading = Reading.None;
    let parts: Buffer[] = [];
    let depth = 0;
    let inString = false;
    let skip = 0; // bytes still to skip: an escape whose backslash ended the previous chunk
    let valueLine = 0;
    let first = true;
    let documents = 0;
    const fail = (what: string): never => {
      throw new ReportSyntaxError(line, what);
    };
    const parse = (bytes: Buffer, what: string): unknown => {
      try {
        return JSON.parse(utf8Text(bytes));
      } catch (err) {
        throw new ReportSyntaxError(valueLine, `${what} is not valid JSON (${(err as Error).message})`);
      }
    };
    for (;;) {
      const n = readSync(fd, buffer, 0, chunkSize, null);
      if (n === 0) break;
      let i = 0;
      if (first && n >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) i = 3; // a UTF-8 BOM
      first = false;
      let start = 0;
      let backslashAt = -1; // the next backslash at or after i in this chunk (n: none), found once per stretch
      if (skip) {
        i += skip;
        skip = 0;
      }
      while (i < n) {
        const b = buffer[i]!;
        if (reading !== Reading.None) {
          // Inside a value: find where it ends, outside strings.
          if (inString) {
            // Strings are most of a report (messages, facts): jump to their next quote or backslash natively.
            if (backslashAt < i) backslashAt = indexOrEnd(buffer, BACKSLASH, i, n);
            const quoteAt = indexOrEnd(buffer, QUOTE, i, n);
            if (backslashAt < quoteAt) {
              i = backslashAt + 2;
              if (i > n) skip = i - n;
              continue;
            }
            if (quoteAt === n) {
              i = n;
              continue;
            }
            i = quoteAt + 1;
            inString = false;
            if (reading === Reading.Key) {
              key = parse(take(buffer.subarray(start, i)), 'a member name') as string;
              reading = Reading.None;
              at = At.Colon;
            }
            continue;
          }
          if (!STRUCTURAL[b]) {
            i++;
            continue;
          }
          if (b === QUOTE) inString = true;
          else if (b === OPEN_OBJECT || b === OPEN_ARRAY) depth++;
          else if (depth > 0 && (b === CLOSE_OBJECT || b === CLOSE_ARRAY)) {
            // An object or array ends with its closing bracket.
            if (--depth === 0) {
              yield finish(buffer.subarray(start, ++i));
              continue;
            }
          } else if (depth === 0 && (b === COMMA || b === CLOSE_OBJECT || b === CLOSE_ARRAY)) {
            // A number, string or literal ends before this byte, which belongs to the structure around it.
            yield finish(buffer.subarray(start, i));
            continue;
          } else if (b === NEWLINE) line++;
          i++;
          continue;
        }
        if (isSpace(b)) {
          if (b === NEWLINE) line++;
          i++;
          continue;
        }
        switch (at as At) {
          case At.Start:
            if (b !== OPEN_OBJECT) fail('a report is one JSON object, starting with {');
            at = At.Key;
            i++;
            break;
          case At.Key:
            if (b === CLOSE_OBJECT) {
              at = At.End;
              i++;
              break;
            }
            if (b !== QUOTE) fail('expected a member name in double quotes');
            // A name is read as a string value is, from its opening quote to its closing one.
            reading = Reading.Key;
            start = i;
            depth = 0;
            inString = true;
            valueLine = line;
            i++;
            break;
          case At.Colon:
            if (b !== COLON) fail(`expected : after "${key}"`);
            at = At.Value;
            i++;
            break;
          case At.Value:
            if (key === 'documents') {
              if (b !== OPEN_ARRAY) fail('"documents" is not an array');
              at = At.Document;
              i++;
              break;
            }
            reading = Reading.Member;
            break;
          case At.AfterMember:
            if (b === COMMA) at = At.Key;
            else if (b === CLOSE_OBJECT) at = At.End;
            else fail(`expected , or } after the value of "${key}"`);
            i++;
            break;
          case At.Document:
            if (b === CLOSE_ARRAY && documents === 0) {
              at = At.AfterMember;
              i++;
              yield { key, value: documents, line };
              break;
            }
            reading = Reading.Document;
            break;
          case At.AfterDocument:
            if (b === COMMA) at = At.Document;
            else if (b === CLOSE_ARRAY) at = At.AfterMember;
            else fail('expected , or ] after a document');
            i++;
            if (at === At.AfterMember) yield { key, value: documents, line };
            break;
          case At.End:
            fail('unexpected text after the report');
        }
        if (reading === Reading.Member || reading === Reading.Document) {
          // A member's value or a document starts at this byte: read on (above) until it ends.
          start = i;
          depth = 0;
          inString = false;
          valueLine = line;
        }
      }
      // A value that goes on into the next chunk: keep a copy of its bytes so far (the buffer is reused).
      if (reading !== Reading.None) parts.push(Buffer.from(buffer.subarray(start, n)));
    }
    if (reading !== Reading.None || at !== At.End) fail(at === At.Start ? 'the file is empty' : 'the report ends before its closing }');

    /** The piece a value just read makes, from its last bytes. */
    function finish(last: Buffer): ReportPiece {
      const bytes = take(last);
      const document = reading === Reading.Document;
      reading = Reading.None;
      if (!document) {
        at = At.AfterMember;
        return { key, value: parse(bytes, `the value of "${key}"`), line: valueLine };
      }
      at = At.AfterDocument;
      documents++;
      return { document: parse(bytes, 'a document'), line: valueLine };
    }
    /** The value's bytes: those kept from earlier chunks, then these. */
    function take(last: Buffer): Buffer {
      if (parts.length === 0) return last;
      const whole = Buffer.concat([...parts, last]);
      parts = [];
      return whole;
    }
  } finally {
    closeSync(fd);
  }
}
