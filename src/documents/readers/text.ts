import { hasLoneCR, LineIndex } from '../lines.js';
import type { Block, Document, DocumentFile, DocumentMetadata, Region } from '../model.js';
import { sameTextFile } from '../edits.js';
import { FOOTER_CUE } from '../footer-cues.js';
import { findDirectives, type Directive } from '../directives.js';
import type { Reader } from './types.js';


/** A byline carries a time and a Jalali year: «ایرنا چهارشنبه 18 تیر 1399 - 17:40», «ایستنا ۱۳۹۶/۰۹/۰۳ - ۲۲:۳۲». */
const BYLINE_TIME = /[0-9۰-۹٠-٩]{1,2}\s*:\s*[0-9۰-۹٠-٩]{2}/u;
const BYLINE_YEAR = /(?:^|[^0-9۰-۹٠-٩])(?:1[34]|۱[۳۴]|١[٣٤])[0-9۰-۹٠-٩]{2}(?![0-9۰-۹٠-٩])/u;
const BYLINE_MAX = 120;
/** A line that ends a sentence: a wrapped footer line does not. */
const SENTENCE_END = /[.!?؟:)»"]\s*$/u;

export const textReader: Reader = {
  format: 'text',
  extensions: ['.txt', '.text'],
  read(path, text, _options) {
    return [{ ok: true, document: readPlainText(path, text) }];
  },
};

export function readPlainText(path: string, text: string): Document {
  let lines: LineIndex | undefined; // built on the first finding: a passing document never needs it
  const lineIndex = () => (lines ??= new LineIndex(text));
  return structureDocument({ path, format: 'text', text, directives: findDirectives(text), locate: (offset) => lineIndex().position(offset), file: sameTextFile(text, lineIndex) });
}

export interface DocumentParts {
  path: string;
  format: string;
  /** The article's text: the file itself for plain text, the extracted text for other formats. */
  text: string;
  locate: Document['locate'];
  metadata?: DocumentMetadata;
  /** Suppression directives, with lines of the source file. */
  directives?: Directive[];
  /** Where a page footer starts in `text`, when the format marks one (HTML <footer>). */
  pageFooterStart?: number;
  /** How fixes are written back into the file (absent: the format is not rewritten). */
  file?: DocumentFile;
}

/**
 * Blocks and regions of an article's text, the same for every format: paragraphs are lines (a line that
 * leaves a quote open continues), the first is the title, a line with a time and a Jalali year near the top is
 * the byline, and the trailing lines that start like footer lines are the footer.
 */
export function structureDocument(parts: DocumentParts): Document {
  const { directives = [] } = parts;
  // Directives are instructions to manba, not part of the article: rules see spaces where they stand (offsets and
  // lines stay those of the file).
  let text = parts.text;
  for (const d of directives) if (d.end <= text.length) text = text.slice(0, d.start) + text.slice(d.start, d.end).replace(/[^\r\n]/g, ' ') + text.slice(d.end);
  const blocks = splitBlocks(text);
  if (parts.pageFooterStart !== undefined) for (const b of blocks) if (b.start >= parts.pageFooterStart) b.kind = 'footer';
  classify(text, blocks);
  return {
    path: parts.path,
    format: parts.format,
    text,
    blocks,
    regions: [...regionsOf(blocks, text.length), ...(parts.pageFooterStart !== undefined ? [{ name: 'page-footer' as const, start: parts.pageFooterStart, end: text.length }] : [])],
    metadata: parts.metadata ?? {},
    ...(directives.length ? { directives } : {}),
    locate: parts.locate,
    ...(parts.file ? { file: parts.file } : {}),
  };
}

/** Non-empty lines as paragraph blocks; a line that opens a quote and leaves it open continues on the next. */
function splitBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let pending: Block | null = null;
  let openQuotes = 0;
  const n = text.length;
  let nextStraight = text.indexOf('"');
  let nextGuillemet = text.indexOf('«');
  const loneCR = hasLoneCR(text); // old Mac line ends: take the slower path that knows them
  for (let lineStart = 0; lineStart <= n; ) {
    // indexOf is native and far faster than a char loop; a lone CR (no LF) does not split blocks.
    const nl = loneCR ? nextBreak(text, lineStart) : text.indexOf('\n', lineStart);
    let lineEnd = nl === -1 ? n : nl;
    let s = lineStart;
    let e = lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 0x0d ? lineEnd - 1 : lineEnd;
    while (s < e && isEdge(text.charCodeAt(s))) s++;
    while (e > s && isEdge(text.charCodeAt(e - 1))) e--;
    if (s === e) {
      if (pending) blocks.push(pending);
      pending = null;
      openQuotes = 0;
    } else {
      if (pending && openQuotes > 0) {
        pending.end = e; // layout B: «منبع خبر "⏎اقتصادنیوز" است …» is one block
      } else {
        if (pending) blocks.push(pending);
        pending = { kind: 'paragraph', start: s, end: e };
        openQuotes = 0;
      }
      // Only lines with a quote need counting; the next quote's position is kept, so the text is searched once.
      if (nextStraight !== -1 && nextStraight < s) nextStraight = text.indexOf('"', s);
      if (nextGuillemet !== -1 && nextGuillemet < s) nextGuillemet = text.indexOf('«', s);
      const quoted = (nextStraight !== -1 && nextStraight < e) || (nextGuillemet !== -1 && nextGuillemet < e);
      openQuotes = quoted || openQuotes > 0 ? quoteBalance(text, s, e, openQuotes) : 0;
    }
    if (lineEnd >= n) break;
    lineStart = lineEnd + 1;
  }
  if (pending) blocks.push(pending);
  return blocks;
}

/** The next LF or lone CR at or after `from`, or -1. */
function nextBreak(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) return i;
  }
  return -1;
}

/** Whitespace and the invisible marks scraped text leaves at line ends. */
function isEdge(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0xa0 || c === 0x0b || c === 0x0c || c === 0xfeff || (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202f) || (c >= 0x2066 && c <= 0x2069) || (c >= 0x2000 && c <= 0x200a) || c === 0x3000;
}

function quoteBalance(text: string, from: number, to: number, open: number): number {
  let straight = open % 2;
  let guillemets = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) straight ^= 1;
    else if (c === 0xab) guillemets++;
    else if (c === 0xbb) guillemets = Math.max(0, guillemets - 1);
  }
  return straight + guillemets;
}

function classify(text: string, blocks: Block[]): void {
  if (blocks.length < 2) return;
  blocks[0]!.kind = 'title';
  // The footer is the trailing run of lines that start like footer lines. A line that does not is still part
  // of it when it continues a footer line wrapped mid-sentence («… تکثیر، اجرا و توزیع⏎و یا هرگونه …»).
  const isCue = (b: Block) => b.kind === 'footer' || FOOTER_CUE.test(text.slice(b.start, b.end));
  const endsSentence = (b: Block) => SENTENCE_END.test(text.slice(b.start, b.end));
  for (let i = blocks.length - 1; i > 0; ) {
    if (isCue(blocks[i]!)) {
      blocks[i]!.kind = 'footer';
      i--;
      continue;
    }
    let j = i - 1;
    while (j > 0 && !isCue(blocks[j]!) && !endsSentence(blocks[j]!)) j--;
    if (j <= 0 || !isCue(blocks[j]!) || endsSentence(blocks[j]!)) break;
    const merged: Block = { kind: 'footer', start: blocks[j]!.start, end: blocks[i]!.end };
    blocks.splice(j, i - j + 1, merged);
    i = j - 1;
  }
  for (const b of blocks.slice(1, 4)) {
    if (b.kind !== 'paragraph' || b.end - b.start > BYLINE_MAX) continue;
    const line = text.slice(b.start, b.end);
    if (BYLINE_TIME.test(line) && BYLINE_YEAR.test(line)) {
      b.kind = 'byline';
      break;
    }
  }
}

function regionsOf(blocks: Block[], length: number): Region[] {
  const firstFooter = blocks.findIndex((b) => b.kind === 'footer');
  if (firstFooter === -1) return [{ name: 'article', start: 0, end: length }];
  const footerStart = blocks[firstFooter]!.start;
  return [
    { name: 'article', start: 0, end: footerStart },
    { name: 'footer', start: footerStart, end: length },
  ];
}
