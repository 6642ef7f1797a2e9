/**
 * Text back to bytes, in the encoding the file was read in, for fixes: a Windows-1256 file stays Windows-1256, a
 * UTF-16 file stays UTF-16, and a byte-order mark stays (fixes splice bytes; the mark is never touched).
 */
import { iconv, type Encoding } from './decode.js';

export function encodeText(text: string, encoding: Encoding): Uint8Array {
  return encoding === 'utf-8' ? Buffer.from(text, 'utf8') : iconv().encode(text, encoding);
}

/** Bytes `text` takes in `encoding` (Windows-1256 is one byte a character; UTF-16 two a code unit). */
export function byteLengthIn(text: string, encoding: Encoding): number {
  if (encoding === 'utf-8') return Buffer.byteLength(text, 'utf8');
  if (encoding === 'windows-1256') return text.length;
  return text.length * 2;
}

/** Bytes of the byte-order mark a file of this encoding starts with, when it has one. */
export function bomLength(encoding: Encoding): number {
  return encoding === 'utf-8' ? 3 : encoding === 'windows-1256' ? 0 : 2;
}

const PERSIAN_DIGITS = /[۰-۹]/g;

/**
 * Text as a file in this encoding can hold it, or null when it cannot. Windows-1256 has no Persian yeh and no
 * Persian digits: legacy archives write Arabic yeh «ي» and ASCII digits, and so does a fix (manba folds both, so
 * the text still reads as the canonical wording). Any other character the code page lacks refuses the fix.
 */
export function fitToEncoding(text: string, encoding: Encoding): string | null {
  if (encoding !== 'windows-1256') return text;
  const fitted = text.replace(/\u06cc/g, '\u064a').replace(PERSIAN_DIGITS, (d) => String(d.charCodeAt(0) - 0x06f0));
  return iconv().decode(iconv().encode(fitted, encoding), encoding) === fitted ? fitted : null;
}
