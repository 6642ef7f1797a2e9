/**
 * An HTTP response as a document: what the crawler fetched and what a WARC file holds are read by this one
 * function, so a page re-checked from its WARC gives the findings its crawl gave. A response that is no page to
 * check (an error status, a PDF, a body over the size limit) is one `fetch/*` finding, never silence.
 *
 * The body is taken as it came over the wire (after chunked transfer coding) and its `Content-Encoding` undone
 * here with a cap on the output: a gzip bomb stops at the limit instead of filling memory. The charset comes
 * from the `Content-Type` header, else the page's `<meta charset>` / `<meta http-equiv>`, else it is detected as
 * for files (UTF-8, or Windows-1256 for old Persian sites).
 */
import { lazyRequire } from '../lazy.js';
import { decode, iconv, type Encoding } from './decode.js';
import type { ReadProblem, ReadResult } from './model.js';
import { readText, type ReadOptions } from './read.js';
import { htmlReader } from './readers/html.js';

/** 5 MB: far above any article page, far below what would hurt a machine that crawls 10,000 of them. */
export const DEFAULT_MAX_BODY = 5 * 1024 * 1024;

/** The HTTP statuses' usual reason phrases, for messages when a server sends none. */
const REASONS: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable',
  408: 'Request Timeout', 410: 'Gone', 429: 'Too Many Requests', 451: 'Unavailable For Legal Reasons',
  500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

export function reasonPhrase(status: number, given?: string): string {
  return given?.trim() || REASONS[status] || '';
}

/** Where and when a document was retrieved from the web: reports carry it beside the document's findings. */
export interface Retrieval {
  /** The URL asked for (the document is reported by it). */
  url: string;
  /** The URL the page came from, after redirects. */
  finalUrl: string;
  /** The final response's HTTP status (absent when there was no response). */
  status?: number;
  /** When the request was sent (ISO 8601, UTC). */
  fetchedAt: string;
  /** The WARC record that holds the response (or manba's record of why there is none), when a WARC was written. */
  warcRecordId?: string;
}

export interface HttpPage {
  /** What the page is reported as: the URL the crawl asked for. */
  url: string;
  /** The URL the body came from, after redirects. */
  finalUrl?: string;
  status: number;
  statusText?: string;
  /** Header lookup, case-insensitive. */
  header: (name: string) => string | undefined;
  /** The body as sent (Content-Encoding not undone yet). */
  raw: Uint8Array;
  /** True when the body was cut short by the size limit while it was received. */
  truncated?: boolean;
}

export interface HttpReadOptions extends ReadOptions {
  /** Largest body, decoded, that is read (default 5 MB). */
  maxBody?: number;
}

/** Loaded by the first compressed body (crawls, web archives): a check of files never needs it. */
const zlib = lazyRequire<typeof import('node:zlib')>('node:zlib');

const problem = (path: string, ruleId: ReadProblem['ruleId'], message: string): ReadResult[] => [{ ok: false, problem: { path, ruleId, message } }];

/** The media type of a Content-Type header, lower-case, without parameters. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);

/** Whether the bytes start like an HTML page (for a response without a Content-Type). */
function looksLikeHtml(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 512)).toString('latin1').replace(/^\uFEFF|^\u00EF\u00BB\u00BF/, '').trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html') || head.startsWith('<head') || head.startsWith('<body');
}

/** Read a response as a page: one document, or one `fetch/*` (or `input/*`) finding saying why not. */
export function readHttpPage(page: HttpPage, options: HttpReadOptions = {}): ReadResult[] {
  const url = page.url;
  const where = page.finalUrl && page.finalUrl !== url ? `${url} (redirected to ${page.finalUrl})` : url;
  if (page.status < 200 || page.status > 299) {
    const phrase = reasonPhrase(page.status, page.statusText);
    return problem(url, 'fetch/http', `${where} answered HTTP ${page.status}${phrase ? ` ${phrase}` : ''}; there is no page to check`);
  }
  const max = options.maxBody ?? DEFAULT_MAX_BODY;
  // A WARC written by another tool (wget, for one) may keep the chunked transfer coding in the record.
  const raw = /chunked/i.test(page.header('transfer-encoding') ?? '') ? (dechunk(page.raw) ?? page.raw) : page.raw;
  const body = undoContentEncoding(raw, page.header('content-encoding'), max);
  if (page.truncated || body === 'too-large') {
    return problem(url, 'fetch/too-large', `${where}: the page is larger than ${formatBytes(max)} (decompressed); it was not read past that (raise --max-size)`);
  }
  if (typeof body === 'string') return problem(url, 'input/encoding', `${where}: ${body}`);
  const type = mediaType(page.header('content-type'));
  if (type ? !HTML_TYPES.has(type) : !looksLikeHtml(body)) {
    return problem(url, 'fetch/not-html', `${where} is ${type || 'not HTML (no Content-Type)'}, not an HTML page; manba checks HTML pages`);
  }
  const text = decodePage(body, page.header('content-type'), options.encoding);
  if (!text.ok) return [{ ok: false, problem: { path: url, ruleId: 'input/encoding', message: `${where}: ${text.message}`, ...(text.line ? { line: text.line, column: text.column } : {}) } }];
  if (text.text.trim() === '') return problem(url, 'input/empty', `${where} is empty: there is no article to check`);
  return readText(htmlReader, url, text.text, options.readers ?? {});
}

/**
 * Undo `Content-Encoding` with a cap on the output: zlib stops producing at `max` bytes (`maxOutputLength`), so
 * a bomb costs at most the limit. Returns the bytes, 'too-large', or a message when the body is not what its
 * encoding says.
 */
export function undoContentEncoding(raw: Uint8Array, contentEncoding: string | undefined, max: number): Uint8Array | 'too-large' | string {
  const codings = (contentEncoding ?? '').split(',').map((c) => c.trim().toLowerCase()).filter((c) => c && c !== 'identity');
  let bytes: Uint8Array = raw;
  // Codings are listed in the order applied; undo the last first.
  for (const coding of codings.reverse()) {
    const limit = { maxOutputLength: max + 1 };
    try {
      if (coding === 'gzip' || coding === 'x-gzip') bytes = zlib().gunzipSync(bytes, limit);
      else if (coding === 'deflate') bytes = deflateEither(bytes, limit);
      else if (coding === 'br') bytes = zlib().brotliDecompressSync(bytes, limit);
      else return `the body is in an unknown Content-Encoding «${coding}»`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) return 'too-large';
      return `the body is not valid ${coding} (${(err as Error).message})`;
    }
    if (bytes.length > max) return 'too-large';
  }
  if (bytes.length > max) return 'too-large';
  return bytes;
}

/** `deflate` is zlib-wrapped by the standard and raw in some servers; take either. */
function deflateEither(bytes: Uint8Array, limit: { maxOutputLength: number }): Buffer {
  try {
    return zlib().inflateSync(bytes, limit);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw err;
    return zlib().inflateRawSync(bytes, { ...limit, finishFlush: zlib().constants.Z_SYNC_FLUSH });
  }
}

/** The charset a page declares: the Content-Type header's, else a `<meta>` in its first 1024 bytes (the HTML standard's prescan window). */
export function declaredCharset(body: Uint8Array, contentType: string | undefined): string | undefined {
  const fromHeader = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
  if (fromHeader) return fromHeader.toLowerCase();
  const head = Buffer.from(body.subarray(0, 1024)).toString('latin1');
  const meta = /<meta[^>]+charset\s*=\s*["']?\s*([-\w:.]+)/i.exec(head)?.[1];
  return meta?.toLowerCase();
}

const SAME_AS_DETECTED: Record<string, Encoding> = { 'utf-8': 'utf-8', utf8: 'utf-8', 'windows-1256': 'windows-1256', 'cp1256': 'windows-1256' };

/** The body of a chunked message, or undefined when it is not one (a body already de-chunked). */
export function dechunk(raw: Uint8Array): Uint8Array | undefined {
  const parts: Uint8Array[] = [];
  let at = 0;
  for (;;) {
    const eol = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).indexOf('\r\n', at);
    if (eol === -1) return undefined;
    const size = parseInt(Buffer.from(raw.subarray(at, eol)).toString('latin1').split(';')[0]!.trim(), 16);
    if (!Number.isInteger(size) || size < 0) return undefined;
    if (size === 0) return Buffer.concat(parts);
    const start = eol + 2;
    if (start + size > raw.length) return undefined;
    parts.push(raw.subarray(start, start + size));
    at = start + size + 2;
  }
}

function decodePage(body: Uint8Array, contentType: string | undefined, forced?: Encoding): { ok: true; text: string } | { ok: false; message: string; line?: number; column?: number } {
  if (forced) {
    // --encoding: the user knows better than the page.
    const decoded = decode(body, forced);
    return decoded.ok ? { ok: true, text: decoded.text } : { ok: false, message: decoded.message, ...(decoded.line ? { line: decoded.line, column: decoded.column ?? 1 } : {}) };
  }
  const charset = declaredCharset(body, contentType);
  if (charset && !SAME_AS_DETECTED[charset] && !/^utf-16/.test(charset)) {
    if (!iconv().encodingExists(charset)) return { ok: false, message: `the page declares the charset «${charset}», which manba cannot decode` };
    return { ok: true, text: iconv().decode(Buffer.from(body), charset) };
  }
  // UTF-8 and Windows-1256 are read strictly, as files are: a page that is not what it says is reported.
  const decoded = decode(body, charset ? SAME_AS_DETECTED[charset] : undefined);
  if (!decoded.ok) return { ok: false, message: decoded.message, ...(decoded.line ? { line: decoded.line, column: decoded.column ?? 1 } : {}) };
  return { ok: true, text: decoded.text };
}

export function formatBytes(n: number): string {
  return n >= 1048576 && n % 1048576 === 0 ? `${n / 1048576} MB` : n >= 1024 && n % 1024 === 0 ? `${n / 1024} KB` : `${n} bytes`;
}
