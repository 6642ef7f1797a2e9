/**
 * HTML pages (.html, .htm), and the HTML that JSON exports and feeds embed. parse5 reads the markup as a browser
 * does (the HTML standard's tokenizer and tree builder, with its error recovery), with source locations, and the
 * article's text is taken from the content element: `read.html.selector`, default `article`, else `main`, else
 * `body`. Every unit of the text maps back to the markup it came from, so findings point into the file:
 *   - text copied from a text node maps unit by unit; a character reference (`&zwnj;`, `&#1740;`) maps its
 *     decoded character(s) to the whole reference;
 *   - a run of whitespace (source indentation, line breaks inside a paragraph) becomes one space, as a browser
 *     shows it, mapped to the run; `<pre>` keeps its whitespace;
 *   - block elements and `<br>` end a line: a blank line between blocks, one line break for `<br>`, mapped to the
 *     tag that ends the line.
 * The text of script, style, noscript and template elements and of comments is never read. The page's own
 * `<footer>` (outside the content) is read after the article as a separate region, the page footer.
 */
import type { DefaultTreeAdapterMap } from 'parse5';
import type { HtmlEntityDecoder } from 'entities/decode';
import { lazyRequire } from '../../lazy.js';
import { LineIndex } from '../lines.js';
import type { CannotEdit, DocumentMetadata, FixOp, SourceEdit } from '../model.js';
import { htmlEditor, type BlockElement } from './html-edits.js';
import { sourceLocator, TextBuilder } from '../source-map.js';
import { findDirectives, type Directive } from '../directives.js';
import { structureDocument } from './text.js';
import type { Reader } from './types.js';

// Loaded on the first HTML page (Node 20.19 and later load these ES modules with require): a run of plain text
// never pays for them.
const parse5 = lazyRequire<typeof import('parse5')>('parse5');
const entities = lazyRequire<typeof import('entities/decode')>('entities/decode');

type Node = DefaultTreeAdapterMap['node'];
type ParentNode = DefaultTreeAdapterMap['parentNode'];
type Element = DefaultTreeAdapterMap['element'];
type TextNode = DefaultTreeAdapterMap['textNode'];

/** Elements whose text is never article text. (template keeps its content apart: parse5 never lists it as children.) */
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'noembed', 'noframes', 'head']);

/** Elements that end a line before and after them. */
const BLOCKS = new Set([
  'p', 'div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'ul', 'ol', 'tr', 'table', 'article', 'section', 'header', 'footer', 'aside',
  'blockquote', 'figure', 'figcaption', 'pre', 'address', 'main', 'nav',
  // not in the list, but blocks in every browser's style sheet
  'hr', 'dl', 'dt', 'dd', 'caption', 'details', 'summary', 'fieldset', 'legend', 'form', 'hgroup', 'center', 'menu', 'dir', 'listing', 'body', 'html',
]);

/** Table cells sit side by side: a space between them, not a line. */
const CELLS = new Set(['td', 'th']);

/** Elements whose whitespace is shown as written. */
const PREFORMATTED = new Set(['pre', 'listing', 'textarea', 'plaintext']);

/** A `<footer>` belongs to its nearest sectioning ancestor; one with none is the page's own footer. */
const SECTIONING = new Set(['article', 'aside', 'nav', 'section', 'blockquote', 'details', 'fieldset', 'figure', 'td', 'th']);

const DEFAULT_SELECTOR = 'article, main, body';

export interface HtmlExtraction {
  /** The article's text, then (after a blank line) the page footer's. */
  text: string;
  /** Offset in `text` → offset in the HTML string. */
  toSource: (offset: number) => number;
  metadata: DocumentMetadata;
  /** Manba directives from HTML comments: `line` is the 1-based line in the HTML, `start = end = 0` (not in the text). */
  directives: Directive[];
  /** Where the page footer's text starts in `text`, when the page has one outside the content. */
  pageFooterStart?: number;
  /** A fix to the text as an edit of the HTML string (see html-edits.ts). */
  edit: (op: FixOp) => SourceEdit | CannotEdit;
}

/** A selector the HTML reader cannot apply. */
export class SelectorError extends Error {}

/**
 * Extract the checkable text of an HTML page (or, with `fragment`, of a piece of HTML such as a feed item's
 * content). Throws SelectorError when `selector` is not one manba supports (see `selectorProblem`); nothing else
 * throws: any markup is read the way a browser reads it.
 */
export function extractHtml(html: string, options: { selector?: string; fragment?: boolean }): HtmlExtraction {
  const { directiveOffsets: _, ...extraction } = extractHtmlWithOffsets(html, options);
  return extraction;
}

/** As extractHtml, and the offset in `html` of each directive (readers that embed HTML map them into their file). */
export function extractHtmlWithOffsets(html: string, options: { selector?: string; fragment?: boolean }): HtmlExtraction & { directiveOffsets: number[] } {
  const selectors = parseSelectorList(options.selector ?? (options.fragment ? '' : DEFAULT_SELECTOR));
  const root: ParentNode = options.fragment ? parse5().parseFragment(html, { sourceCodeLocationInfo: true }) : parse5().parse(html, { sourceCodeLocationInfo: true });
  // The content: the first alternative that matches; the whole page (its body) or the whole fragment otherwise.
  let content: ParentNode | undefined;
  for (const s of selectors) if ((content = firstMatch(root, s))) break;
  content ??= options.fragment ? root : (firstMatch(root, [{ tag: 'body', ids: [], classes: [] }]) ?? root);
  const whole = content === root || (content as Element).tagName === 'body' || (content as Element).tagName === 'html';
  const footers = pageFooters(root, content, whole);

  const out = new Writer();
  const skip = new Set<Node>(footers);
  const elements: BlockElement[] = [];
  walk(content, html, out, skip, false, elements);
  for (const f of footers) {
    const loc = f.sourceCodeLocation;
    out.startRegion(loc?.startOffset ?? 0, loc?.startTag?.endOffset ?? loc?.startOffset ?? 0);
    walk(f, html, out, skip, true, elements);
  }
  const { text, toSource } = out.build();
  const rootLoc = isElement(content) ? content.sourceCodeLocation : undefined;
  const rootElement = rootLoc ? blockElement(rootLoc) : undefined;
  const { directives, offsets } = directivesOf(root, html);
  return {
    text,
    toSource,
    metadata: metadataOf(root),
    directives,
    ...(out.regionStart !== undefined ? { pageFooterStart: out.regionStart } : {}),
    directiveOffsets: offsets,
    edit: htmlEditor(html, text, toSource, elements, rootElement),
  };
}

export const htmlReader: Reader = {
  format: 'html',
  extensions: ['.html', '.htm'],
  read(path, html, options) {
    const selector = options.html?.selector;
    const bad = selector === undefined ? undefined : selectorProblem(selector);
    if (bad) return [{ ok: false, problem: { path, ruleId: 'input/unsupported', message: `${path}: the content selector «${selector}» (read.html.selector) ${bad}` } }];
    const { text, toSource, metadata, directives, pageFooterStart, edit } = extractHtml(html, selector === undefined ? {} : { selector });
    return [{ ok: true, document: structureDocument({ path, format: 'html', text, locate: sourceLocator(html, toSource), metadata, directives, ...(pageFooterStart !== undefined ? { pageFooterStart } : {}), file: { source: html, edit } }) }];
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Text

/**
 * Builds the text as a browser lays it out: whitespace runs collapse to one space, no space at a line's edges,
 * line ends requested by tags are written lazily (only between two pieces of text), so blocks never leave stray
 * blank lines at the start or the end. Text copied from the source (a single space between words included) is
 * gathered into one verbatim stretch as long as it is contiguous in the source, so the map stays small.
 */
class Writer {
  private readonly builder = new TextBuilder();
  /** Where the page footer's text starts, once it has some. */
  regionStart: number | undefined;
  private lineHasText = false;
  private space: [number, number] | null = null;
  private lineEnd: { n: number; start: number; end: number } | null = null;
  private regionWanted = false;
  /** The open verbatim stretch: its source start, its end so far, and its text. */
  private runStart = -1;
  private runEnd = -1;
  private run: string[] = [];
  private length = 0;

  get textLength(): number {
    return this.length;
  }

  /** A decoded piece of a text node: `verbatim` when it is the source as is from `start`, else it stands for [start, end). */
  piece(text: string, start: number, end: number, verbatim: boolean, pre: boolean): void {
    if (pre) {
      this.beforeText();
      this.emit(text, start, end, verbatim);
      this.lineHasText = !text.endsWith('\n');
      return;
    }
    const n = text.length;
    let i = 0;
    while (i < n) {
      // A run of whitespace: kept as a pending space, written only if text follows on the same line.
      let j = i;
      while (j < n && isSpace(text.charCodeAt(j))) j++;
      if (j > i) {
        if (this.lineHasText && !this.lineEnd) this.space ??= verbatim ? [start + i, start + j] : [start, end];
        i = j;
        continue;
      }
      // A run of text, with the single spaces inside it (the common case: copied as they are).
      while (j < n) {
        if (!isSpace(text.charCodeAt(j))) j++;
        else if (text.charCodeAt(j) === 0x20 && j + 1 < n && !isSpace(text.charCodeAt(j + 1))) j += 2;
        else break;
      }
      this.beforeText();
      if (this.space) this.emit(' ', this.space[0], this.space[1], false);
      this.space = null;
      this.emit(text.slice(i, j), verbatim ? start + i : start, verbatim ? start + j : end, verbatim);
      this.lineHasText = true;
      i = j;
    }
  }

  /** A block element starts or ends here: a blank line before the next text. */
  block(start: number, end: number): void {
    this.space = null;
    if (this.lineEnd) this.lineEnd.n = 2;
    else this.lineEnd = { n: 2, start, end };
  }

  /** `<br>`: the line ends here (two in a row leave a blank line). */
  lineBreak(start: number, end: number): void {
    this.space = null;
    if (this.lineEnd) this.lineEnd.n = Math.min(2, this.lineEnd.n + 1);
    else this.lineEnd = { n: 1, start, end };
  }

  /** A word boundary that is not a line end (between table cells). */
  gap(start: number, end: number): void {
    if (this.lineHasText && !this.lineEnd) this.space ??= [start, end];
  }

  /** The page footer starts: it is set apart by a blank line, and its start is noted with its first text. */
  startRegion(start: number, end: number): void {
    this.block(start, end);
    this.regionWanted = true;
  }

  build(): { text: string; toSource: (offset: number) => number } {
    this.flushRun();
    return this.builder.build();
  }

  private emit(text: string, start: number, end: number, verbatim: boolean): void {
    if (!text) return;
    if (verbatim && start === this.runEnd) {
      this.run.push(text);
      this.runEnd += text.length;
    } else {
      this.flushRun();
      if (verbatim) {
        this.runStart = start;
        this.runEnd = start + text.length;
        this.run.push(text);
      } else this.builder.mapped(text, start, end);
    }
    this.length += text.length;
  }

  private flushRun(): void {
    if (this.run.length) this.builder.verbatim(this.run.join(''), this.runStart);
    this.run = [];
    this.runStart = this.runEnd = -1;
  }

  private beforeText(): void {
    if (this.lineEnd) {
      if (this.length > 0) {
        this.emit('\n'.repeat(this.lineEnd.n), this.lineEnd.start, this.lineEnd.end, false);
        this.lineHasText = false;
      }
      this.lineEnd = null;
      this.space = null;
    }
    if (this.regionWanted) {
      this.regionStart = this.length;
      this.regionWanted = false;
    }
  }
}

/** ASCII whitespace, as HTML collapses it (not NBSP). */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
}

/**
 * Write the text of `root` (its children; with `self`, the element itself) in document order. Iterative, so
 * however deep a broken page nests its tags, the walk never runs out of stack.
 */
function walk(root: ParentNode, html: string, out: Writer, skip: Set<Node>, self = false, elements?: BlockElement[]): void {
  type Frame = { node: Node; pre: number } | { exit: Element; pre: number };
  const stack: Frame[] = [];
  const pushChildren = (node: ParentNode, pre: number) => {
    for (let i = node.childNodes.length - 1; i >= 0; i--) stack.push({ node: node.childNodes[i]!, pre });
  };
  if (self && isElement(root)) stack.push({ node: root, pre: 0 });
  else pushChildren(root, 0);
  while (stack.length) {
    const frame = stack.pop()!;
    if ('exit' in frame) {
      // The line ends at the end tag; an element closed by the parser (`<p>a<p>b`) ends where it ends.
      const loc = frame.exit.sourceCodeLocation;
      const endStart = loc?.endTag?.startOffset ?? loc?.endOffset ?? 0;
      out.block(endStart, loc?.endTag?.endOffset ?? endStart);
      continue;
    }
    const { node, pre } = frame;
    if (node.nodeName === '#text') {
      textNode(node as TextNode, html, out, pre > 0);
      continue;
    }
    if (!isElement(node) || SKIPPED.has(node.tagName) || (skip.has(node) && !(self && node === root))) continue; // page footers come last
    const tag = node.tagName;
    const loc = node.sourceCodeLocation;
    const start = loc?.startTag?.startOffset ?? loc?.startOffset ?? 0;
    const startEnd = loc?.startTag?.endOffset ?? start;
    if (tag === 'br') {
      out.lineBreak(start, startEnd);
      continue;
    }
    if (BLOCKS.has(tag)) {
      if (elements && loc) elements.push(blockElement(loc));
      out.block(start, startEnd);
      stack.push({ exit: node, pre });
    } else if (CELLS.has(tag)) out.gap(start, startEnd);
    pushChildren(node, PREFORMATTED.has(tag) ? pre + 1 : pre);
  }
}

/**
 * A text node, character references decoded, each decoded piece mapped to the source it came from: the node's
 * source range is walked again (runs without `&` are copied, each reference is decoded as parse5 decodes it).
 * When the result is not the node's value (text merged across markup the parser dropped, a NUL it removed), the
 * whole value is mapped to the node's range instead.
 */
function textNode(node: TextNode, html: string, out: Writer, pre: boolean): void {
  const loc = node.sourceCodeLocation;
  if (!loc) {
    out.piece(node.value, 0, 0, false, pre);
    return;
  }
  const raw = html.slice(loc.startOffset, loc.endOffset);
  if (raw === node.value) {
    out.piece(raw, loc.startOffset, loc.endOffset, true, pre); // no reference, no CR: the common case
    return;
  }
  const pieces = decodePieces(html, loc.startOffset, loc.endOffset);
  let joined = pieces.map((p) => p.text).join('');
  // The parser drops a newline right after <pre>: so does the map.
  if (joined !== node.value && joined.startsWith('\n') && joined.slice(1) === node.value) {
    const first = pieces[0]!;
    if (first.text === '\n') pieces.shift();
    else if (first.verbatim) pieces[0] = { text: first.text.slice(1), start: first.start + 1, end: first.end, verbatim: true };
    joined = node.value;
  }
  if (joined !== node.value) {
    out.piece(node.value, loc.startOffset, loc.endOffset, false, pre);
    return;
  }
  for (const p of pieces) out.piece(p.text, p.start, p.end, p.verbatim, pre);
}

interface Piece {
  text: string;
  start: number;
  end: number;
  verbatim: boolean;
}

const entityDecoder = { decoder: undefined as HtmlEntityDecoder | undefined, out: '' };

/** Decode the character references of html[from, to) as the HTML tokenizer does in text, into mapped pieces. */
function decodePieces(html: string, from: number, to: number): Piece[] {
  const pieces: Piece[] = [];
  let runStart = from;
  const flush = (end: number) => {
    if (end > runStart) pieces.push({ text: html.slice(runStart, end), start: runStart, end, verbatim: true });
  };
  for (let i = from; i < to; ) {
    const c = html.charCodeAt(i);
    if (c === 0x0d) {
      // The parser reads CR LF and a lone CR as LF.
      flush(i);
      const end = html.charCodeAt(i + 1) === 0x0a && i + 1 < to ? i + 2 : i + 1;
      pieces.push({ text: '\n', start: i, end, verbatim: false });
      i = runStart = end;
      continue;
    }
    if (c !== 0x26) {
      i++;
      continue;
    }
    const { length, text } = decodeReference(html, i, to);
    if (length === 0) {
      i++;
      continue;
    }
    flush(i);
    pieces.push({ text, start: i, end: i + length, verbatim: false });
    i = runStart = i + length;
  }
  flush(to);
  return pieces;
}

/** The character reference at html[at] ('&'), as the tokenizer reads it in text: its length (0: none) and text. */
function decodeReference(html: string, at: number, to: number): { length: number; text: string } {
  const state = entityDecoder;
  state.decoder ??= new (entities().HtmlEntityDecoder)((cp) => {
    state.out += String.fromCodePoint(cp);
  });
  state.out = '';
  const input = html.slice(at, Math.min(to, at + 64)); // the longest reference is 33 units
  state.decoder.startEntity(entities().DecodingMode.Legacy);
  let length = state.decoder.write(input, 1);
  if (length < 0) length = state.decoder.end();
  return { length: Math.max(0, length), text: state.out };
}

// ---------------------------------------------------------------------------------------------------------------
// Content selection

interface Compound {
  tag?: string;
  ids: string[];
  classes: string[];
}
/** Compound selectors joined by the descendant combinator, outermost first. */
type Selector = Compound[];

const COMPOUND = /^(\*|[a-zA-Z][a-zA-Z0-9-]*)?((?:[#.][^\s#.>+~[\]:()*,]+)*)$/;

/**
 * Why manba cannot apply the selector (undefined: it can). Supported: a tag, #id, .class and their
 * combinations (tag.class, tag#id, .a.b), descendants (`main .story`), and comma-separated alternatives, tried in order.
 */
export function selectorProblem(selector: string): string | undefined {
  try {
    parseSelectorList(selector);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

function parseSelectorList(list: string): Selector[] {
  const out: Selector[] = [];
  for (const alternative of list.split(',')) {
    const parts = alternative.trim().split(/\s+/).filter(Boolean);
    if (parts.length === 0) {
      if (list.trim() === '') continue;
      throw new SelectorError('has an empty alternative');
    }
    out.push(
      parts.map((part) => {
        const m = COMPOUND.exec(part);
        if (!m || (!m[1] && !m[2])) throw new SelectorError(`is not supported at «${part}»: use a tag, #id, .class, their combinations (tag.class, tag#id), descendants (main .story) and commas`);
        const compound: Compound = { ids: [], classes: [] };
        if (m[1] && m[1] !== '*') compound.tag = m[1].toLowerCase();
        for (const s of m[2]!.match(/[#.][^#.]+/g) ?? []) (s[0] === '#' ? compound.ids : compound.classes).push(s.slice(1));
        return compound;
      }),
    );
  }
  return out;
}

function matchesCompound(el: Element, c: Compound): boolean {
  if (c.tag && el.tagName !== c.tag) return false;
  if (c.ids.length && !c.ids.every((id) => attr(el, 'id') === id)) return false;
  if (c.classes.length) {
    const classes = (attr(el, 'class') ?? '').split(/[ \t\n\f\r]+/);
    if (!c.classes.every((k) => classes.includes(k))) return false;
  }
  return true;
}

function matches(el: Element, selector: Selector): boolean {
  if (!matchesCompound(el, selector[selector.length - 1]!)) return false;
  let k = selector.length - 2;
  for (let p: ParentNode | null = el.parentNode; p && isElement(p) && k >= 0; p = p.parentNode) if (matchesCompound(p, selector[k]!)) k--;
  return k < 0;
}

/** The first element in document order that matches. */
function firstMatch(root: ParentNode, selector: Selector): Element | undefined {
  const stack: Node[] = [...root.childNodes].reverse();
  while (stack.length) {
    const n = stack.pop()!;
    if (!isElement(n)) continue;
    if (matches(n, selector)) return n;
    for (let i = n.childNodes.length - 1; i >= 0; i--) stack.push(n.childNodes[i]!);
  }
  return undefined;
}

/**
 * The page's own `<footer>` elements that are read as the page footer: those outside the content (not around
 * it), and, when the content is the whole page, those in it that belong to no article or section.
 */
function pageFooters(root: ParentNode, content: ParentNode, whole: boolean): Element[] {
  const found: Element[] = [];
  const stack: { node: ParentNode; inContent: boolean; sectioned: boolean }[] = [{ node: root, inContent: content === root, sectioned: false }];
  while (stack.length) {
    const { node, inContent, sectioned } = stack.pop()!;
    for (let i = node.childNodes.length - 1; i >= 0; i--) {
      const child = node.childNodes[i]!;
      if (!isElement(child) || SKIPPED.has(child.tagName)) continue;
      const inside = inContent || child === content;
      if (child.tagName === 'footer' && !sectioned && !contains(child, content) && (!inside || whole)) found.push(child);
      else stack.push({ node: child, inContent: inside, sectioned: sectioned || SECTIONING.has(child.tagName) });
    }
  }
  // Children were visited last-first: back to document order.
  return found.sort((x, y) => (x.sourceCodeLocation?.startOffset ?? 0) - (y.sourceCodeLocation?.startOffset ?? 0));
}

function contains(ancestor: ParentNode, node: ParentNode): boolean {
  for (let p: ParentNode | null = node; p; p = isElement(p) ? p.parentNode : null) if (p === ancestor) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// Metadata and directives

/** What the page states about itself in meta and link tags; the first value of each wins. */
function metadataOf(root: ParentNode): DocumentMetadata {
  const found: Partial<Record<string, string>> = {};
  let titleTag: string | undefined;
  const note = (key: string, value: string | undefined) => {
    const v = value?.replace(/\s+/g, ' ').trim();
    if (v && found[key] === undefined) found[key] = v;
  };
  const stack: Node[] = [...root.childNodes].reverse();
  while (stack.length) {
    const n = stack.pop()!;
    if (!isElement(n)) continue;
    if (n.tagName === 'meta') {
      const key = (attr(n, 'property') ?? attr(n, 'name') ?? '').trim().toLowerCase();
      if (key) note(key, attr(n, 'content'));
    } else if (n.tagName === 'link') {
      if ((attr(n, 'rel') ?? '').toLowerCase().split(/\s+/).includes('canonical')) note('canonical', attr(n, 'href'));
    } else if (n.tagName === 'title') {
      titleTag ??= n.childNodes.map((c) => (c.nodeName === '#text' ? (c as TextNode).value : '')).join('');
    }
    // Document order, so the first tag wins: push children last-first.
    for (let i = n.childNodes.length - 1; i >= 0; i--) stack.push(n.childNodes[i]!);
  }
  const title = titleTag?.replace(/\s+/g, ' ').trim();
  const pick = (...keys: (string | undefined)[]) => keys.find((k) => k !== undefined);
  const meta: DocumentMetadata = {};
  const site = found['og:site_name'];
  const source = pick(found['source'], found['author'], found['article:author']);
  const url = pick(found['canonical'], found['og:url']);
  const t = pick(found['og:title'], title || undefined);
  const published = pick(found['article:published_time'], found['og:published_time']);
  if (source) meta.source = source;
  if (site) meta.site = site;
  if (url) meta.url = url;
  if (t) meta.title = t;
  if (published) meta.published = published;
  return meta;
}

/** Manba directives in the page's comments, with their lines in the HTML. */
function directivesOf(root: ParentNode, html: string): { directives: Directive[]; offsets: number[] } {
  if (!html.includes('manba-')) return { directives: [], offsets: [] };
  const directives: Directive[] = [];
  const offsets: number[] = [];
  let lines: LineIndex | undefined;
  const stack: ParentNode[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    for (const child of node.childNodes) {
      if (child.nodeName === '#comment') {
        const loc = child.sourceCodeLocation;
        if (!loc) continue;
        const raw = html.slice(loc.startOffset, loc.endOffset);
        for (const d of findDirectives(raw)) {
          const at = loc.startOffset + d.start;
          lines ??= new LineIndex(html);
          directives.push({ ...d, start: 0, end: 0, line: lines.position(at).line });
          offsets.push(at);
        }
      } else if (isElement(child)) stack.push(child);
    }
  }
  // Comments were collected element by element: back to document order.
  const order = offsets.map((_, k) => k).sort((x, y) => offsets[x]! - offsets[y]!);
  return { directives: order.map((k) => directives[k]!), offsets: order.map((k) => offsets[k]!) };
}

/** An element's range as fixes need it. */
function blockElement(loc: NonNullable<Element['sourceCodeLocation']>): BlockElement {
  return { start: loc.startOffset, end: loc.endOffset, startTagEnd: loc.startTag?.endOffset ?? loc.startOffset, endTagStart: loc.endTag?.startOffset ?? loc.endOffset };
}

function isElement(node: Node | ParentNode): node is Element {
  return 'tagName' in node;
}

function attr(el: Element, name: string): string | undefined {
  return el.attrs.find((a) => a.name === name)?.value;
}
