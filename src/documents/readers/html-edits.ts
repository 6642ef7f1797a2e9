/**
 * Fixes written into HTML: a replaced span becomes escaped text in the same place (refused when it would cross
 * markup), a new paragraph is a `<p>` placed after (or before) the block element that holds the text it follows,
 * indented as that element's line, and a removed paragraph takes its element with it. Every other byte of the page
 * stays as it was.
 */
import { lineEndingOf } from '../edits.js';
import type { CannotEdit, FixOp, SourceEdit } from '../model.js';

/** A block element of the read content: its whole range, where its start tag ends and its end tag starts. */
export interface BlockElement {
  start: number;
  end: number;
  startTagEnd: number;
  endTagStart: number;
}

const CROSSES_MARKUP: CannotEdit = { none: { en: 'the text crosses HTML markup', fa: 'متن از میان نشانه‌گذاری HTML می‌گذرد' } };
const NO_ELEMENT: CannotEdit = { none: { en: 'no HTML element holds the text on its own', fa: 'هیچ عنصر HTML این متن را به‌تنهایی در بر ندارد' } };

/** Text as HTML writes it between tags. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const blank = (s: string) => /^[ \t]*$/.test(s);

function lineStart(s: string, at: number): number {
  const k = Math.max(s.lastIndexOf('\n', at - 1), s.lastIndexOf('\r', at - 1));
  return k + 1;
}

export function htmlEditor(
  html: string,
  /** The text read from the page (what fix offsets index). */
  text: string,
  toSource: (offset: number) => number,
  elements: readonly BlockElement[],
  /** The content element's range (article, main, body), or undefined for a fragment: the whole string. */
  root: BlockElement | undefined,
): (op: FixOp) => SourceEdit | CannotEdit {
  const eol = lineEndingOf(html);
  /** The innermost block element that holds source offset `q` in its content. */
  const innermost = (q: number): BlockElement | undefined => {
    let best: BlockElement | undefined;
    for (const e of elements) if (e !== root && e.startTagEnd <= q && q < e.endTagStart && (!best || e.end - e.start < best.end - best.start)) best = e;
    return best;
  };
  const indentAt = (at: number) => /^[ \t]*/.exec(html.slice(lineStart(html, at), at))![0];
  const paragraph = (text: string) => `<p>${escapeHtml(text)}</p>`;
  return (op) => {
    switch (op.op) {
      case 'replace': {
        const s = toSource(op.start);
        // The end right after the span's last character when it is copied as is (not the whitespace up to the next tag).
        const last = op.end > op.start ? toSource(op.end - 1) : -1;
        const e = op.end <= op.start ? s : html[last] === text[op.end - 1] ? last + 1 : toSource(op.end);
        if (e < s || html.slice(s, e).includes('<')) return CROSSES_MARKUP;
        return { start: s, end: e, text: escapeHtml(op.text) };
      }
      case 'insert-paragraph': {
        if ('after' in op) {
          const q = toSource(Math.max(0, op.after - 1));
          const el = innermost(q);
          if (el) return { start: el.end, end: el.end, text: eol + indentAt(el.start) + paragraph(op.text) };
          if (root) return { start: root.endTagStart, end: root.endTagStart, text: paragraph(op.text) + eol };
          return { start: html.length, end: html.length, text: eol + paragraph(op.text) };
        }
        const el = innermost(toSource(op.before));
        if (!el) return NO_ELEMENT;
        return { start: el.start, end: el.start, text: paragraph(op.text) + eol + indentAt(el.start) };
      }
      case 'remove-paragraph': {
        const qs = toSource(op.start);
        const qe = toSource(op.end);
        const el = innermost(qs);
        if (!el || qe > el.endTagStart) return NO_ELEMENT;
        // Only whitespace between the tags and the text: the element holds the paragraph and nothing else.
        if (html.slice(el.startTagEnd, qs).trim() !== '' || html.slice(qe, el.endTagStart).trim() !== '') return NO_ELEMENT;
        let from = el.start;
        const ls = lineStart(html, from);
        if (blank(html.slice(ls, from))) from = ls;
        let to = el.end;
        const rest = /^[ \t]*(\r\n|\n|\r)?/.exec(html.slice(to))!;
        if (rest[1] && from === ls) to += rest[0].length;
        return { start: from, end: to, text: '' };
      }
    }
  };
}
