/**
 * Fixes written back in a file's own terms. A checker proposes changes to the document's text (replace a span,
 * add a paragraph, remove one); the reader of the format says how each is written in the file. Plain text and
 * Markdown are their own text, line by line; HTML and JSON map through (see their readers).
 */
import type { LineIndex } from './lines.js';
import type { CannotEdit, DocumentFile, FixOp, SourceEdit } from './model.js';

/** The line ending a text uses: CRLF when its first line break is one, else LF. */
export function lineEndingOf(text: string): '\r\n' | '\n' {
  const nl = text.indexOf('\n');
  return nl > 0 && text.charCodeAt(nl - 1) === 0x0d ? '\r\n' : '\n';
}

export const SHARES_PARAGRAPH: CannotEdit = {
  none: { en: 'other text shares its paragraph', fa: 'متن دیگری در همان بند آمده است' },
};

const isBlank = (s: string) => /^[ \t\u00a0\u200b-\u200f\ufeff]*$/u.test(s);

/** Start of the line that holds `offset`. */
function lineStart(text: string, offset: number): number {
  let k = offset;
  while (k > 0 && text[k - 1] !== '\n' && text[k - 1] !== '\r') k--;
  return k;
}

/** End of the line that holds `offset` (before its line break). */
function lineEnd(text: string, offset: number): number {
  let k = offset;
  while (k < text.length && text[k] !== '\n' && text[k] !== '\r') k++;
  return k;
}

/** Length of the line break at `offset` (0 at the end of the text). */
function breakAt(text: string, offset: number): number {
  if (text.startsWith('\r\n', offset)) return 2;
  return text[offset] === '\n' || text[offset] === '\r' ? 1 : 0;
}

/**
 * A change to a text whose paragraphs are lines (plain text, Markdown, a JSON string): a new paragraph is a new
 * line in the text's own line ending, a removed one takes its line break with it (and one of the blank lines
 * around it, so no double blank line is left). Offsets are the text's own; the text is not escaped.
 */
export function lineEdit(text: string, op: FixOp): SourceEdit | CannotEdit {
  const eol = lineEndingOf(text);
  switch (op.op) {
    case 'replace':
      return { start: op.start, end: op.end, text: op.text };
    case 'insert-paragraph': {
      if ('after' in op) {
        const end = lineEnd(text, op.after);
        return { start: end, end, text: (op.apart ? eol + eol : eol) + op.text };
      }
      const start = lineStart(text, op.before);
      return { start, end: start, text: op.text + eol };
    }
    case 'remove-paragraph': {
      const from = lineStart(text, op.start);
      const to = lineEnd(text, op.end);
      if (!isBlank(text.slice(from, op.start)) || !isBlank(text.slice(op.end, to))) return SHARES_PARAGRAPH;
      const br = breakAt(text, to);
      if (br === 0) {
        // The last line: take the line break before it instead, and a blank line before that.
        let start = from;
        if (start > 0) start -= text[start - 1] === '\n' && text[start - 2] === '\r' ? 2 : 1;
        const prev = lineStart(text, start);
        if (start > 0 && isBlank(text.slice(prev, start))) start = prev > 0 ? prev - (text[prev - 1] === '\n' && text[prev - 2] === '\r' ? 2 : 1) : prev;
        return { start, end: to, text: '' };
      }
      let end = to + br;
      // A blank line on both sides: keep one.
      const blankBefore = from === 0 || isBlank(text.slice(lineStart(text, from - 1), from - breakBefore(text, from)));
      const nextEnd = lineEnd(text, end);
      if (blankBefore && end < text.length && isBlank(text.slice(end, nextEnd)) && breakAt(text, nextEnd)) end = nextEnd + breakAt(text, nextEnd);
      return { start: from, end, text: '' };
    }
  }
}

function breakBefore(text: string, offset: number): number {
  if (offset >= 2 && text[offset - 1] === '\n' && text[offset - 2] === '\r') return 2;
  return offset >= 1 && (text[offset - 1] === '\n' || text[offset - 1] === '\r') ? 1 : 0;
}

/**
 * A file that is the document's text itself, offset for offset (plain text, Markdown with its syntax blanked in
 * place); `lines`, its line index, is the one the document locates with, built once for both.
 */
export function sameTextFile(text: string, lines?: () => LineIndex): DocumentFile {
  return { source: text, edit: (op) => lineEdit(text, op), ...(lines ? { lines } : {}) };
}

/** True when an edit was made (not refused). */
export function isEdit(e: SourceEdit | CannotEdit): e is SourceEdit {
  return !('none' in e);
}
