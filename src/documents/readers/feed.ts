/**
 * RSS 2.0 (and RSS 1.0) and Atom feeds (.rss, .atom, .xml): each `<item>` / `<entry>` is a document, reported as
 * `file#<guid or id>` (else `file#<1-based index>`). Its text is the item's title, a blank line, and its content
 * (`content:encoded`, else `description`; Atom: `content`, else `summary`) read as HTML. Positions point into the
 * feed file: the content is entity-escaped text or CDATA, so the map goes text → HTML (the HTML reader's map) →
 * the XML text's units → the feed's offsets.
 *
 * The XML is read with saxes, a strict (XML 1.0 well-formedness) parser that reports where a feed is broken: a
 * malformed feed is one `input/malformed` finding with its line and column, never a partial read.
 */
import { lazyRequire } from '../../lazy.js';

const saxes = lazyRequire<typeof import('saxes')>('saxes');
import { LineIndex } from '../lines.js';
import type { DocumentMetadata, ReadResult } from '../model.js';
import type { Directive } from '../directives.js';
import { TextBuilder } from '../source-map.js';
import { extractHtmlWithOffsets } from './html.js';
import { structureDocument } from './text.js';
import type { Reader } from './types.js';

export const feedReader: Reader = {
  format: 'feed',
  extensions: ['.rss', '.atom', '.xml'],
  read(path, xml, _options) {
    const parsed = parseXml(xml);
    if (!parsed.ok) {
      if (parsed.notFeed !== undefined) {
        return [{ ok: false, problem: { path, ruleId: 'input/unsupported', message: `${path} is XML but not a feed: its root element is <${parsed.notFeed}>, not <rss> or <feed>` } }];
      }
      const at = new LineIndex(xml).position(parsed.offset);
      return [{ ok: false, problem: { path, ruleId: 'input/malformed', message: `${path} is not well-formed XML: ${parsed.message} (line ${at.line}, column ${at.column})`, line: at.line, column: at.column } }];
    }
    const items = itemsOf(parsed.root);
    if (items.length === 0) return [{ ok: false, problem: { path, ruleId: 'input/empty', message: `${path}: the feed has no items` } }];
    let lines: LineIndex | undefined;
    const lineIndex = () => (lines ??= new LineIndex(xml));
    return items.map((item, k) => readItem(path, xml, item, k, lineIndex));
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Items

interface Mapped {
  text: string;
  toSource: (offset: number) => number;
}

function readItem(path: string, xml: string, item: XmlElement, index: number, lines: () => LineIndex): ReadResult {
  const atom = item.local === 'entry';
  // A field without a prefix is the item's own vocabulary: unprefixed, or with the item's prefix (<atom:title>).
  const own = item.name.includes(':') ? item.name.slice(0, item.name.indexOf(':') + 1) : '';
  const field = (...names: string[]) => {
    for (const n of names) {
      const found = item.children.find((c): c is XmlElement => c.type === 'element' && (c.name === n || (!n.includes(':') && c.name === own + n)));
      if (found) return found;
    }
    return undefined;
  };
  const plain = (el: XmlElement | undefined) => (el ? textOf(el, xml).text.replace(/\s+/g, ' ').trim() : '');

  const id = plain(field(atom ? 'id' : 'guid')) || (item.attrs['rdf:about']?.trim() ?? ''); // RSS 1.0 names items by rdf:about
  const docPath = `${path}#${id || index + 1}`;

  const metadata: DocumentMetadata = {};
  const titleEl = field('title');
  const title = titleEl ? oneLine(contentOf(titleEl, xml, atom ? (titleEl.attrs['type'] ?? 'text') : 'text').mapped) : undefined;
  if (title?.text) metadata.title = title.text;
  const url = atom ? atomLink(item) : plain(field('link')) || (field('guid')?.attrs['isPermaLink'] !== 'false' && /^https?:\/\//i.test(id) ? id : '');
  if (url) metadata.url = url;
  const source = atom ? plain(field('author')?.children.find((c): c is XmlElement => c.type === 'element' && c.local === 'name')) : plain(field('source'));
  if (source) metadata.source = source;
  const published = plain(field(...(atom ? ['published', 'updated'] : ['pubDate', 'dc:date'])));
  if (published) metadata.published = published;

  const contentEl = atom ? field('content', 'summary') : field('content:encoded', 'description');
  // RSS content is HTML; Atom says which (its default is text).
  const content = contentEl ? contentOf(contentEl, xml, atom ? (contentEl.attrs['type'] ?? 'text') : 'html') : undefined;

  // The text: the title, a blank line, the content.
  const parts = new Joined();
  if (title?.text) parts.add(title);
  if (content?.mapped.text) {
    if (parts.textLength) parts.add({ text: '\n\n', toSource: () => contentEl!.innerStart });
    parts.add(content.mapped);
  }
  const { text, toSource } = parts.build();

  // Directives: HTML comments in the content, with their lines in the feed. (An XML comment cannot hold one:
  // XML forbids «--» in a comment, and a directive's reason follows «--».)
  const directives: Directive[] = (content?.directives ?? []).map((d) => ({ ...d.directive, line: lines().position(d.offset).line }));

  // One line index for the whole feed, built on the first finding, shared by its items.
  return { ok: true, document: structureDocument({ path: docPath, format: 'feed', text, locate: (o) => lines().position(toSource(o)), metadata, directives }) };
}

/** The text of an element by its declared type: 'text' as it is, 'html' read as HTML, 'xhtml' its markup read as HTML. */
function contentOf(el: XmlElement, xml: string, type: string): { mapped: Mapped; directives: { directive: Directive; offset: number }[] } {
  const kind = type.toLowerCase();
  if (kind === 'text' || kind === 'plain' || kind === 'text/plain') return { mapped: textOf(el, xml), directives: [] };
  // The HTML and a map from its offsets to the feed's: the XML-decoded text (escaped HTML or CDATA), or for
  // xhtml the markup itself.
  const html: Mapped = kind === 'xhtml' || kind === 'application/xhtml+xml' ? { text: xml.slice(el.innerStart, el.innerEnd), toSource: (o) => el.innerStart + o } : textOf(el, xml);
  const extracted = extractHtmlWithOffsets(html.text, { fragment: true });
  return {
    mapped: { text: extracted.text, toSource: (o) => html.toSource(extracted.toSource(o)) },
    directives: extracted.directives.map((directive, k) => ({ directive, offset: html.toSource(extracted.directiveOffsets[k]!) })),
  };
}

function atomLink(entry: XmlElement): string {
  const links = entry.children.filter((c): c is XmlElement => c.type === 'element' && c.local === 'link');
  const best = links.find((l) => (l.attrs['rel'] ?? 'alternate') === 'alternate') ?? links[0];
  return best?.attrs['href']?.trim() ?? '';
}

/** One line: whitespace runs become one space (mapped to the run), none at the ends. */
function oneLine(m: Mapped): Mapped {
  const b = new TextBuilder();
  const runs = /\s+|\S+/g;
  for (let r = runs.exec(m.text); r; r = runs.exec(m.text)) {
    const from = r.index;
    const to = from + r[0].length;
    if (/^\s/.test(r[0])) {
      if (from > 0 && to < m.text.length) b.mapped(' ', m.toSource(from), m.toSource(to));
      continue;
    }
    // Copy the run, keeping verbatim stretches together and each decoded reference mapped to its source.
    const unit = (x: number) => m.toSource(x + 1) - m.toSource(x) === 1;
    for (let k = from; k < to; ) {
      const s = m.toSource(k);
      if (!unit(k)) {
        b.mapped(m.text[k]!, s, Math.max(s, m.toSource(k + 1)));
        k++;
        continue;
      }
      let j = k + 1;
      while (j < to && unit(j) && m.toSource(j) === s + (j - k)) j++;
      b.verbatim(m.text.slice(k, j), s);
      k = j;
    }
  }
  return b.build();
}

/** The parts of a document's text, each with its own map to the feed. */
class Joined {
  private readonly parts: { start: number; part: Mapped }[] = [];
  textLength = 0;

  add(part: Mapped): void {
    this.parts.push({ start: this.textLength, part });
    this.textLength += part.text.length;
  }

  build(): Mapped {
    const parts = this.parts;
    return {
      text: parts.map((p) => p.part.text).join(''),
      toSource: (offset) => {
        let k = parts.length - 1;
        while (k > 0 && parts[k]!.start > offset) k--;
        const p = parts[k];
        return p ? p.part.toSource(offset - p.start) : 0;
      },
    };
  }
}

/** The items (not inside another item), in document order. Iterative, as every walk here: any depth is fine. */
function itemsOf(root: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  const stack: XmlElement[] = [root];
  while (stack.length) {
    const el = stack.pop()!;
    for (let i = el.children.length - 1; i >= 0; i--) {
      const c = el.children[i]!;
      if (c.type !== 'element') continue;
      if (c.local === 'item' || c.local === 'entry') out.push(c);
      else stack.push(c);
    }
  }
  return out.sort((x, y) => x.start - y.start);
}

// ---------------------------------------------------------------------------------------------------------------
// XML with source offsets

interface XmlElement {
  type: 'element';
  /** As written, with its prefix (`content:encoded`). */
  name: string;
  /** Without the prefix. */
  local: string;
  attrs: Record<string, string>;
  /** Offsets in the feed: the start tag's '<', the content's start and end, and after the end tag. */
  start: number;
  innerStart: number;
  innerEnd: number;
  end: number;
  children: (XmlElement | XmlText)[];
}

/** Character data: `value` decoded, [start, end) the raw text (for CDATA, the section's content). */
interface XmlText {
  type: 'text' | 'cdata';
  value: string;
  start: number;
  end: number;
}

type Parsed = { ok: true; root: XmlElement } | { ok: false; message: string; offset: number; notFeed?: string };

const FEED_ROOTS = new Set(['rss', 'feed', 'RDF']);

/** Stops the parser from a handler. */
class Stop {}

/**
 * Parse a feed into elements and text with their offsets in `xml`. saxes reports `position` (the offset after
 * what it has read) at each event, so each piece of markup ends at the position of its event; text runs from the
 * end of the markup before it to the next '<'.
 */
function parseXml(xml: string): Parsed {
  const parser = new (saxes().SaxesParser)({ position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let lastEnd = 0;
  let lastClosed: string | undefined;
  let failure: Extract<Parsed, { ok: false }> | undefined;

  parser.on('error', (err) => {
    const offset = Math.min(xml.length, Math.max(0, parser.position - (parser.position < xml.length ? 1 : 0)));
    const message = err.message.replace(/^\d+:\d+: /, '');
    // saxes reads a reference up to its ';': a bare '&' («AT&T», «?a=1&b=2») is only noticed later. Point at it.
    const amp = bareAmpersand(xml, lastEnd, offset);
    // An element left open is best shown at its start tag, not at the end of the file.
    const open = stack[stack.length - 1];
    // saxes reads no DTD: an entity declared there (a file on disk, nested expansions) is undefined, never read.
    const ref = /^undefined entity/.test(message) ? /^&([^\s&;<]{1,60});/.exec(xml.slice(Math.max(0, xml.lastIndexOf('&', offset)))) : null;
    if (ref) failure = { ok: false, message: `the entity «&${ref[1]};» is not one of XML's own (&lt; &gt; &amp; &quot; &apos;); entities declared in a DTD are never expanded or read; write the text itself`, offset: xml.lastIndexOf('&', offset) };
    else if (amp !== -1) failure = { ok: false, message: '«&» starts no character reference (write &amp;)', offset: amp };
    else if (/^unclosed tag/.test(message) && open) failure = { ok: false, message: `<${open.name}> is never closed`, offset: open.start };
    else if (/^(unexpected|unmatched) close/.test(message)) {
      // saxes has already popped the element the end tag does not match.
      const at = Math.max(0, xml.lastIndexOf('</', offset));
      const tag = xml.slice(at, offset + 1);
      failure = { ok: false, message: lastClosed ? `the end tag ${tag} does not close <${lastClosed}>` : `the end tag ${tag} closes no open element`, offset: at };
    }
    else failure = { ok: false, message, offset };
    throw new Stop();
  });
  for (const event of ['xmldecl', 'processinginstruction', 'doctype', 'comment'] as const) parser.on(event, () => (lastEnd = parser.position));
  parser.on('opentag', (tag) => {
    const start = xml.indexOf('<', lastEnd);
    const name = tag.name;
    const el: XmlElement = {
      type: 'element',
      name,
      local: name.slice(name.indexOf(':') + 1),
      attrs: tag.attributes as Record<string, string>,
      start: start === -1 ? lastEnd : start,
      innerStart: parser.position,
      innerEnd: parser.position,
      end: parser.position,
      children: [],
    };
    if (!root) {
      if (!FEED_ROOTS.has(el.local)) {
        failure = { ok: false, message: 'not a feed', offset: el.start, notFeed: name };
        throw new Stop();
      }
      root = el;
    } else stack[stack.length - 1]?.children.push(el);
    stack.push(el);
    lastEnd = parser.position;
  });
  parser.on('closetag', () => {
    const el = stack.pop();
    lastClosed = el?.name;
    if (el && parser.position > el.innerStart) {
      el.innerEnd = xml.lastIndexOf('</', parser.position - 1);
      if (el.innerEnd < el.innerStart) el.innerEnd = el.innerStart; // <a/>
      el.end = parser.position;
    }
    lastEnd = parser.position;
  });
  parser.on('text', (value) => {
    const next = xml.indexOf('<', lastEnd);
    const end = next === -1 ? xml.length : next;
    stack[stack.length - 1]?.children.push({ type: 'text', value, start: lastEnd, end });
    lastEnd = end;
  });
  parser.on('cdata', (value) => {
    const open = xml.indexOf('<![CDATA[', lastEnd);
    const start = open === -1 ? lastEnd : open + 9;
    stack[stack.length - 1]?.children.push({ type: 'cdata', value, start, end: Math.max(start, parser.position - 3) });
    lastEnd = parser.position;
  });

  try {
    parser.write(xml).close();
  } catch (err) {
    if (!(err instanceof Stop)) return { ok: false, message: (err as Error).message, offset: Math.min(xml.length, parser.position) };
  }
  if (failure) return failure;
  if (!root) return { ok: false, message: 'no root element', offset: xml.length };
  return { ok: true, root };
}

/** The first '&' in xml[from, to) that starts no reference, outside comments, CDATA and processing instructions; -1 if none. */
function bareAmpersand(xml: string, from: number, to: number): number {
  const slice = xml.slice(from, to);
  const skipped = slice.search(/<!--|<!\[CDATA\[|<\?/);
  const m = /&(?!(?:[A-Za-z_:][-A-Za-z0-9_.:]*|#[0-9]+|#x[0-9A-Fa-f]+);)/.exec(slice);
  if (!m || (skipped !== -1 && skipped < m.index)) return -1;
  return from + m.index;
}

const XML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * The character data of an element (its text and CDATA, descendants' too), decoded, with a map to the feed:
 * runs without references are verbatim, each reference (and each CR LF, read as LF) stands for its source.
 * A piece whose decoding differs from saxes's value is mapped whole to its range.
 */
function textOf(el: XmlElement, xml: string): Mapped {
  const b = new TextBuilder();
  const stack: (XmlElement | XmlText)[] = [el];
  while (stack.length) {
    const c = stack.pop()!;
    if (c.type === 'element') for (let i = c.children.length - 1; i >= 0; i--) stack.push(c.children[i]!);
    else appendRaw(b, xml, c, c.type === 'text');
  }
  return b.build();
}

function appendRaw(b: TextBuilder, xml: string, piece: XmlText, references: boolean): void {
  if (piece.end - piece.start === piece.value.length && xml.startsWith(piece.value, piece.start)) {
    b.verbatim(piece.value, piece.start); // no reference, no CR: the common case
    return;
  }
  const pieces: { text: string; start: number; end: number }[] = [];
  let run = piece.start;
  const flush = (to: number) => {
    if (to > run) pieces.push({ text: xml.slice(run, to), start: run, end: to });
  };
  for (let i = piece.start; i < piece.end; ) {
    const c = xml.charCodeAt(i);
    if (c === 0x0d) {
      flush(i);
      const end = i + 1 < piece.end && xml.charCodeAt(i + 1) === 0x0a ? i + 2 : i + 1;
      pieces.push({ text: '\n', start: i, end });
      i = run = end;
    } else if (c === 0x26 && references) {
      const m = /^&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|([A-Za-z]+));/.exec(xml.slice(i, i + 40));
      const decoded = m ? (m[1] ? safeCodePoint(parseInt(m[1], 16)) : m[2] ? safeCodePoint(parseInt(m[2], 10)) : XML_ENTITIES[m[3]!]) : undefined;
      if (!m || decoded === undefined) {
        i++;
        continue;
      }
      flush(i);
      pieces.push({ text: decoded, start: i, end: i + m[0].length });
      i = run = i + m[0].length;
    } else i++;
  }
  flush(piece.end);
  if (pieces.map((p) => p.text).join('') !== piece.value) {
    b.mapped(piece.value, piece.start, piece.end);
    return;
  }
  for (const p of pieces) {
    if (p.end - p.start === p.text.length && xml.startsWith(p.text, p.start)) b.verbatim(p.text, p.start);
    else b.mapped(p.text, p.start, p.end);
  }
}

function safeCodePoint(cp: number): string | undefined {
  return cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : undefined;
}
