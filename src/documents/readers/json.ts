/**
 * JSON and JSONL: CMS exports, one article per object. A `.json` file is a top-level array of articles, an object
 * holding the array in a field (`read.json.array`, else the first field whose value is an array of objects), or a
 * single article. A `.jsonl`/`.ndjson` file is one article object per line and streams line by line.
 *
 * Fields are found by name (`read.json.fields`, else common CMS names). The document's text is the title, a blank
 * line, then the body. JSON string escapes are decoded with their positions kept: a plain character maps to itself
 * in the file, an escape (`\n`, `\"`, `\u200c`, a surrogate pair) to its bytes, so a finding points at the line and
 * column of the character inside the JSON string. A body with HTML tags is read as HTML, and the two maps compose
 * (HTML text → decoded string → file).
 *
 * Parsing is strict JSON (no comments, no trailing commas), with `jsonc-parser`'s `parseTree`, which gives every
 * node's offset in the file; an invalid file is one `input/malformed` finding at its first error.
 */
import type { Node, ParseError } from 'jsonc-parser';
import { lazyRequire } from '../../lazy.js';

const jsonc = lazyRequire<typeof import('jsonc-parser')>('jsonc-parser');
import { findDirectives, type Directive } from '../directives.js';
import { LineIndex, type Position } from '../lines.js';
import type { CannotEdit, DocumentFile, DocumentMetadata, FixOp, ReadProblem, ReadResult, SourceEdit } from '../model.js';
import { isEdit, lineEdit } from '../edits.js';
import { TextBuilder } from '../source-map.js';
import { structureDocument } from './text.js';
import type { Reader, ReaderOptions } from './types.js';
import { extractHtmlWithOffsets } from './html.js';

type FieldKey = 'title' | 'body' | 'source' | 'url' | 'published' | 'id' | 'site';

/** The names tried for each part of an article when the config names none. */
export const DEFAULT_JSON_FIELDS: Readonly<Record<FieldKey, readonly string[]>> = {
  title: ['title', 'headline', 'name'],
  body: ['body', 'content', 'text', 'article', 'content_html', 'html', 'description'],
  source: ['source', 'source_name', 'agency', 'publisher'],
  url: ['url', 'link', 'canonical', 'permalink'],
  published: ['published', 'published_at', 'publishedAt', 'date', 'pubDate', 'created_at'],
  id: ['id', '_id', 'guid', 'slug', 'uuid'],
  site: ['site', 'site_name'],
};

/** A body (or title) with these tags is HTML, read with the HTML reader. */
const HTML_TAG = /<\/?(?:p|div|br|span|a|strong|em|b|i|h[1-6]|ul|ol|li|article|section|blockquote|figure|footer|table)\b[^<>]*>/i;
const HTML_ENTITY = /&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});/i;

const PARSE_OPTIONS = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };

export const jsonReader: Reader = {
  format: 'json',
  extensions: ['.json'],
  read(path, text, options) {
    return readJson(path, text, options);
  },
};

export const jsonlReader: Reader = {
  format: 'jsonl',
  extensions: ['.jsonl', '.ndjson'],
  /** The whole file at once (standard input); files on disk stream through readLine. */
  read(path, text, options) {
    const out: ReadResult[] = [];
    let line = 0;
    let byte = 0;
    for (let start = 0; start <= text.length; ) {
      line++;
      const nl = text.indexOf('\n', start);
      const end = nl === -1 ? text.length : nl;
      const content = text.slice(start, end > start && text.charCodeAt(end - 1) === 0x0d ? end - 1 : end);
      if (content.trim() !== '') out.push(...readJsonLine(path, content, { offset: start, line, byte }, options));
      if (nl === -1) break;
      byte += Buffer.byteLength(text.slice(start, nl + 1));
      start = nl + 1;
    }
    if (out.length === 0) out.push({ ok: false, problem: { path, ruleId: 'input/empty', message: `${path} is empty: there is no article to check` } });
    return out;
  },
  readLine(path, line, at, options) {
    return readJsonLine(path, line, at, options);
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Files and lines

/** Deeper than any CMS export nests (a few levels); the parser recurses per level, so deeper input is refused. */
export const MAX_JSON_DEPTH = 256;

/** The offset of the bracket that opens level MAX_JSON_DEPTH + 1, or -1. Strings are skipped, escapes too. */
function tooDeepAt(source: string): number {
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 0x22) {
      // Skip a string: to the next unescaped quote.
      for (i++; i < source.length && source.charCodeAt(i) !== 0x22; i++) if (source.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}

const TOO_DEEP = `arrays and objects nested more than ${MAX_JSON_DEPTH} levels deep; an export of articles nests a few`;

function readJson(path: string, source: string, options: ReaderOptions): ReadResult[] {
  let lines: LineIndex | undefined;
  const position = (offset: number): Position => (lines ??= new LineIndex(source)).position(offset);
  const deep = tooDeepAt(source);
  if (deep !== -1) {
    const at = position(deep);
    return [problem(path, 'input/malformed', `${path} is not read (line ${at.line}, column ${at.column}): ${TOO_DEEP}. Nothing in the file was checked.`, at)];
  }
  const errors: ParseError[] = [];
  const root = jsonc().parseTree(source, errors, PARSE_OPTIONS);
  if (errors.length || !root) {
    const e = describeError(source, errors[0]);
    const at = position(e.offset);
    return [problem(path, 'input/malformed', `${path} is not valid JSON (line ${at.line}, column ${at.column}): ${e.what}. Nothing in the file was checked.`, at)];
  }
  const ctx: Context = { path, source, position, options, format: 'json' };
  const found = articlesOf(root, options);
  if ('problem' in found) return [problem(path, found.problem.ruleId, `${path}: ${found.problem.message}`, position(found.problem.at))];
  if (found.items.length === 0) return [problem(path, 'input/empty', `${path} holds no articles${found.where ? ` (${found.where} is an empty array)` : ''}: there is nothing to check`, position(root.offset))];
  return found.items.map((item, index) => readArticle(ctx, item, found.single ? undefined : String(index), found.single ? 'the file' : `item ${index}${found.where ? ` of ${found.where}` : ''}`));
}

function readJsonLine(path: string, line: string, at: { offset: number; line: number; byte?: number }, options: ReaderOptions): ReadResult[] {
  // A line of JSON has no line breaks: a position is this line, and the column in it.
  const position = (offset: number): Position => ({ line: at.line, column: Math.max(0, Math.min(offset, line.length)) + 1 });
  const here = `${path}#${at.line}`;
  const deep = tooDeepAt(line);
  if (deep !== -1) {
    const p = position(deep);
    return [problem(here, 'input/malformed', `${path} line ${at.line} is not read (column ${p.column}): ${TOO_DEEP}. This line was not checked; the other lines were.`, p)];
  }
  const errors: ParseError[] = [];
  const root = jsonc().parseTree(line, errors, PARSE_OPTIONS);
  if (errors.length || !root) {
    const e = describeError(line, errors[0]);
    const p = position(e.offset);
    return [problem(here, 'input/malformed', `${path} line ${at.line} is not valid JSON (column ${p.column}): ${e.what}. This line was not checked; the other lines were.`, p)];
  }
  if (root.type !== 'object') {
    return [problem(here, 'input/no-articles', `${path} line ${at.line} holds ${kindOf(root)}, not an article object: each line of a JSONL file is one article`, position(root.offset))];
  }
  return [readArticle({ path, source: line, position, options, format: 'jsonl', base: { offset: at.offset, line: at.line, byte: at.byte ?? at.offset } }, root, String(at.line), `line ${at.line}`)];
}

function problem(path: string, ruleId: ReadProblem['ruleId'], message: string, at: Position): ReadResult {
  return { ok: false, problem: { path, ruleId, message, line: at.line, column: at.column } };
}

// ---------------------------------------------------------------------------------------------------------------
// Where the articles are

type Found = { items: Node[]; single: boolean; where?: string } | { problem: { ruleId: ReadProblem['ruleId']; message: string; at: number } };

function articlesOf(root: Node, options: ReaderOptions): Found {
  if (root.type === 'array') return { items: root.children ?? [], single: false };
  if (root.type !== 'object') return { problem: { ruleId: 'input/no-articles', message: `the file holds ${kindOf(root)}, not articles: a CMS export is an array of article objects, an object with such an array, or one article object`, at: root.offset } };
  const configured = options.json?.array;
  if (configured) {
    const node = fieldNode(root, configured);
    if (!node) return { problem: { ruleId: 'input/no-articles', message: `the top-level object has no field «${configured}» (read.json.array); its fields are ${listFields(root)}`, at: root.offset } };
    if (node.type !== 'array') return { problem: { ruleId: 'input/no-articles', message: `the field «${configured}» (read.json.array) holds ${kindOf(node)}, not an array of articles`, at: node.offset } };
    return { items: node.children ?? [], single: false, where: `«${configured}»` };
  }
  // The first array of objects that hold articles (a body field); else the object itself when it has a body (an
  // article may hold arrays of objects: tags, images); else the first array of objects (its items then say what
  // they lack). A JSON Feed's top-level «description» does not make the feed one article.
  const bodyNames = namesFor('body', options);
  const arrays = (root.children ?? []).flatMap((prop) => {
    const value = prop.children?.[1];
    return value?.type === 'array' && value.children?.length && value.children.every((c) => c.type === 'object') ? [{ name: String(prop.children![0]!.value), items: value.children }] : [];
  });
  const withBodies = arrays.find((a) => a.items.some((item) => pick(item, bodyNames, isString)));
  if (withBodies) return { items: withBodies.items, single: false, where: `«${withBodies.name}»` };
  if (pick(root, bodyNames, isString)) return { items: [root], single: true };
  if (arrays[0]) return { items: arrays[0].items, single: false, where: `«${arrays[0].name}»` };
  return { items: [root], single: true };
}

// ---------------------------------------------------------------------------------------------------------------
// One article

interface Context {
  path: string;
  /** The text the nodes' offsets are in: the file, or one line of a JSONL file. */
  source: string;
  position: (offset: number) => Position;
  options: ReaderOptions;
  format: 'json' | 'jsonl';
  /** For a JSONL line: where the line starts in the file. */
  base?: { offset: number; line: number; byte: number };
}

/** A part of the document's text with its map to the source. */
interface Piece {
  text: string;
  toSource: (offset: number) => number;
  /** Suppression directives: offsets in `text` (0 for those in HTML comments), and where each is in the source. */
  directives: { directive: Directive; sourceOffset: number }[];
  pageFooterStart?: number;
  metadata?: DocumentMetadata;
  /** A fix to the piece's text as an edit of the file: the string's escapes written back (see edits.ts). */
  edit: (op: FixOp) => SourceEdit | CannotEdit;
}

/**
 * One article object as a document. `fallback` names it when it has no id (the array index, or the JSONL line
 * number); `what` says where it is, for messages.
 */
function readArticle(ctx: Context, item: Node, fallback: string | undefined, what: string): ReadResult {
  const { path, options } = ctx;
  const idNode = item.type === 'object' ? pick(item, namesFor('id', options), scalar) : undefined;
  const id = idNode ? String(idNode.value).trim() : '';
  const docPath = id ? `${path}#${id}` : fallback !== undefined ? `${path}#${fallback}` : path;
  if (item.type !== 'object') {
    return problem(docPath, 'input/no-articles', `${path}: ${what} is ${kindOf(item)}, not an article object`, ctx.position(item.offset));
  }

  const bodyNames = namesFor('body', options);
  const body = pick(item, bodyNames, nonBlankString);
  if (!body) {
    const blank = pick(item, bodyNames, isString);
    if (blank) return problem(docPath, 'input/empty', `${path}: the body of ${what} («${fieldNameOf(blank)}») is empty: there is no article to check`, ctx.position(blank.offset));
    const present = bodyNames.map((n) => fieldNode(item, n)).find((n) => n !== undefined);
    const why = present ? `; «${fieldNameOf(present)}» holds ${kindOf(present)}, not text` : '';
    return problem(
      docPath,
      'input/no-body',
      `${path}: ${what} has no body: none of the fields ${bodyNames.map((n) => `«${n}»`).join(', ')} holds text${why}. Its fields are ${listFields(item)}; name the body field in the config (read.json.fields.body).`,
      ctx.position(item.offset),
    );
  }

  const main = stringPiece(ctx, body, false);
  if (main.text.trim() === '') return problem(docPath, 'input/empty', `${path}: the body of ${what} («${fieldNameOf(body)}») has markup but no text: there is no article to check`, ctx.position(body.offset));
  const titleNode = pick(item, namesFor('title', options), nonBlankString);
  const titlePiece = titleNode ? stringPiece(ctx, titleNode, true) : undefined;
  const title = titlePiece?.text.trim() ? titlePiece : undefined;

  // title ⏎⏎ body. The blank line stands for nothing in the file: it maps to the end of the title's string.
  const separator = title ? '\n\n' : '';
  const titleText = title ? title.text.replace(/[\r\n]/g, ' ') : ''; // the title is one line (one block)
  const bodyStart = titleText.length + separator.length;
  const titleEnd = titleNode ? titleNode.offset + titleNode.length - 1 : 0;
  const toSource = (offset: number): number => {
    if (title && offset < titleText.length) return title.toSource(offset);
    if (offset < bodyStart) return titleEnd;
    return main.toSource(offset - bodyStart);
  };
  const text = titleText + separator + main.text;
  const locate = (offset: number): Position => ctx.position(toSource(offset));

  const TITLE: CannotEdit = { none: { en: 'a fix never changes the title', fa: 'اصلاح هرگز عنوان را تغییر نمی‌دهد' } };
  const file: DocumentFile = {
    source: ctx.source,
    ...(ctx.base ? { base: ctx.base } : {}),
    // Fixes go to the body: the document's offsets less the title and the blank line before it.
    edit(op) {
      const at = (k: number) => k - bodyStart;
      if ((op.op === 'insert-paragraph' ? ('after' in op ? op.after : op.before) : op.start) < bodyStart) return TITLE;
      switch (op.op) {
        case 'replace':
          return main.edit({ ...op, start: at(op.start), end: at(op.end) });
        case 'remove-paragraph':
          return main.edit({ ...op, start: at(op.start), end: at(op.end) });
        default:
          return main.edit('after' in op ? { op: 'insert-paragraph', after: at(op.after), text: op.text } : { op: 'insert-paragraph', before: at(op.before), text: op.text });
      }
    },
  };
  const metadata: DocumentMetadata = { ...main.metadata };
  for (const key of ['source', 'url', 'published', 'site'] as const) {
    const node = pick(item, namesFor(key, options), (n) => (n.type === 'string' && n.value.trim() !== '') || n.type === 'number');
    if (node) metadata[key] = String(node.value).trim();
  }
  if (titleText.trim()) metadata.title = titleText.trim();

  // Suppression directives, with the file's line of each (a JSON string is all on one line of the file).
  const directives = main.directives.map(({ directive: d, sourceOffset }) => ({ ...d, start: d.start + bodyStart, end: d.end + bodyStart, line: ctx.position(sourceOffset).line }));

  return {
    ok: true,
    document: structureDocument({
      path: docPath,
      format: ctx.format,
      text,
      locate,
      metadata,
      directives,
      ...(main.pageFooterStart !== undefined ? { pageFooterStart: main.pageFooterStart + bodyStart } : {}),
      file,
    }),
  };
}

/**
 * A JSON string node as text: decoded, and read as HTML when it is HTML (a title only for its character references
 * and tags, a body as a fragment: the field holds the article's content, so no content selector applies).
 */
function stringPiece(ctx: Context, node: Node, isTitle: boolean): Piece {
  const decoded = decodeString(ctx.source, node);
  const looksHtml = HTML_TAG.test(decoded.text) || (isTitle && HTML_ENTITY.test(decoded.text));
  // An edit of the string's value, written into the file: its range mapped through the escapes, its text escaped.
  const inFile = (e: SourceEdit | CannotEdit): SourceEdit | CannotEdit => (isEdit(e) ? { start: decoded.toSource(e.start), end: decoded.toSource(e.end), text: escapeJson(e.text) } : e);
  if (!looksHtml) {
    const directives = isTitle ? [] : findDirectives(decoded.text).map((directive) => ({ directive, sourceOffset: decoded.toSource(directive.start) }));
    return { ...decoded, directives, edit: (op) => inFile(lineEdit(decoded.text, op)) };
  }
  const html = extractHtmlWithOffsets(decoded.text, { fragment: true });
  return {
    edit: (op) => inFile(html.edit(op)),
    text: html.text,
    // HTML text → the decoded string → the file.
    toSource: (offset) => decoded.toSource(html.toSource(offset)),
    directives: isTitle ? [] : html.directives.map((directive, k) => ({ directive, sourceOffset: decoded.toSource(html.directiveOffsets[k] ?? 0) })),
    ...(html.pageFooterStart !== undefined ? { pageFooterStart: html.pageFooterStart } : {}),
    metadata: html.metadata,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Strings

/** Text as it stands inside a JSON string: quotes, backslashes and control characters escaped, the rest as is. */
export function escapeJson(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * The value of a JSON string node (already validated by the parser) with a map from each offset of the value to
 * the source: plain runs map unit by unit, each escape to its own bytes (a surrogate pair's two escapes as one).
 */
export function decodeString(source: string, node: Node): { text: string; toSource: (offset: number) => number } {
  const base = node.offset + 1;
  const end = node.offset + node.length - 1; // the closing quote
  // The string's own characters, so that searching for escapes never runs past its end.
  const raw = source.slice(base, end);
  if (!raw.includes('\\')) return raw.length ? { text: raw, toSource: (offset) => base + Math.min(offset, raw.length) } : { text: '', toSource: () => end };
  const b = new TextBuilder();
  let run = 0;
  for (let i = raw.indexOf('\\'); i !== -1; i = raw.indexOf('\\', run)) {
    b.verbatim(raw.slice(run, i), base + run);
    const e = raw[i + 1]!;
    if (e === 'u') {
      const code = parseInt(raw.slice(i + 2, i + 6), 16);
      if (code >= 0xd800 && code <= 0xdbff && raw.startsWith('\\u', i + 6)) {
        const low = parseInt(raw.slice(i + 8, i + 12), 16);
        if (low >= 0xdc00 && low <= 0xdfff) {
          b.mapped(String.fromCharCode(code, low), base + i, base + i + 12);
          run = i + 12;
          continue;
        }
      }
      b.mapped(String.fromCharCode(code), base + i, base + i + 6);
      run = i + 6;
    } else {
      b.mapped(SIMPLE_ESCAPES[e] ?? e, base + i, base + i + 2);
      run = i + 2;
    }
  }
  b.verbatim(raw.slice(run), base + run);
  return b.build();
}

// ---------------------------------------------------------------------------------------------------------------
// Fields

function namesFor(key: FieldKey, options: ReaderOptions): readonly string[] {
  const configured = options.json?.fields?.[key];
  if (configured === undefined) return DEFAULT_JSON_FIELDS[key];
  return typeof configured === 'string' ? [configured] : configured;
}

/** The value of a field: by its exact name (names may hold dots), else as a dotted path through nested objects. */
function fieldNode(object: Node, name: string): Node | undefined {
  const direct = property(object, name);
  if (direct || !name.includes('.')) return direct;
  let node: Node | undefined = object;
  for (const part of name.split('.')) {
    if (node?.type !== 'object') return undefined;
    node = property(node, part);
  }
  return node;
}

/** A property's value (the last one, as JSON.parse keeps, when a name repeats); WordPress's {"rendered": …} unwrapped. */
function property(object: Node, name: string): Node | undefined {
  let found: Node | undefined;
  for (const p of object.children ?? []) if (p.children?.[0]?.value === name) found = p.children[1];
  if (found?.type === 'object') {
    const rendered = property(found, 'rendered');
    if (rendered?.type === 'string') return rendered;
  }
  return found;
}

/** The first of the names whose value passes `test`. */
function pick(object: Node, names: readonly string[], test: (n: Node) => boolean): Node | undefined {
  for (const name of names) {
    const node = fieldNode(object, name);
    if (node && test(node)) return node;
  }
  return undefined;
}

const isString = (n: Node) => n.type === 'string';
const nonBlankString = (n: Node) => n.type === 'string' && (n.value as string).trim() !== '';
const scalar = (n: Node) => (n.type === 'string' && (n.value as string).trim() !== '') || n.type === 'number';

function fieldNameOf(value: Node): string {
  const names: string[] = [];
  for (let n: Node | undefined = value; n?.parent?.type === 'property'; n = n.parent.parent) names.unshift(String(n.parent.children![0]!.value));
  return names.join('.');
}

function listFields(object: Node): string {
  const names = (object.children ?? []).map((p) => `«${String(p.children?.[0]?.value)}»`);
  if (names.length === 0) return 'none';
  return names.length > 12 ? `${names.slice(0, 12).join(', ')} …` : names.join(', ');
}

function kindOf(node: Node): string {
  switch (node.type) {
    case 'array':
      return 'an array';
    case 'object':
      return 'an object';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return 'null';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

const ERROR_TEXT: Record<string, string> = {
  InvalidSymbol: 'an unexpected character or word (JSON values are strings in double quotes, numbers, true, false, null, objects and arrays)',
  InvalidNumberFormat: 'a malformed number',
  PropertyNameExpected: 'a field name in double quotes was expected',
  ValueExpected: 'a value was expected',
  ColonExpected: 'a colon (:) was expected after the field name',
  CommaExpected: 'a comma was expected between two items',
  CloseBraceExpected: 'a closing brace (}) was expected',
  CloseBracketExpected: 'a closing bracket (]) was expected',
  EndOfFileExpected: 'more text after the end of the JSON value',
  InvalidCommentToken: 'a comment (JSON allows none)',
  UnexpectedEndOfComment: 'a comment that is never closed (JSON allows no comments)',
  UnexpectedEndOfString: 'a string that is never closed',
  UnexpectedEndOfNumber: 'a number that ends too early',
  InvalidUnicode: 'a \\u escape without four hex digits',
  InvalidEscapeCharacter: 'an unknown escape (JSON knows \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)',
  InvalidCharacter: 'a control character inside a string (write a line break as \\n, a tab as \\t)',
};

/** Where the first error is and what it is. The parser reports string errors at the string: find the exact spot. */
function describeError(source: string, error: ParseError | undefined): { offset: number; what: string } {
  if (!error) return { offset: 0, what: ERROR_TEXT.ValueExpected! };
  const name = jsonc().printParseErrorCode(error.error);
  const { offset, length } = error;
  if (name === 'PropertyNameExpected' || name === 'ValueExpected') {
    let k = offset - 1;
    while (k >= 0 && /\s/.test(source[k]!)) k--;
    if (source[k] === ',' && (source[offset] === '}' || source[offset] === ']')) return { offset: k, what: 'a comma after the last item (JSON allows no trailing comma)' };
    if (offset >= source.length) return { offset, what: 'the JSON ends too early (a value, a closing brace or bracket is missing)' };
  }
  if (name === 'InvalidSymbol' && source[offset] === "'") return { offset, what: 'a single quote: JSON strings and field names take double quotes' };
  if (name === 'UnexpectedEndOfString') {
    const after = offset + length;
    if (source[after] === '\n' || source[after] === '\r') return { offset: after, what: 'a line break inside a string (write it as \\n)' };
    return { offset, what: 'a string that is never closed' };
  }
  if (name === 'InvalidEscapeCharacter' || name === 'InvalidUnicode' || name === 'InvalidCharacter') {
    for (let i = offset + 1; i < offset + length; i++) {
      const c = source.charCodeAt(i);
      if (c < 0x20 && name === 'InvalidCharacter') return { offset: i, what: ERROR_TEXT[name]! };
      if (c !== 0x5c) continue;
      const e = source[i + 1]!;
      if (e === 'u' ? !/^[0-9a-fA-F]{4}$/.test(source.slice(i + 2, i + 6)) : !(e in SIMPLE_ESCAPES)) {
        if (name !== 'InvalidCharacter') return { offset: i, what: ERROR_TEXT[name]! };
      }
      i++;
    }
  }
  return { offset, what: ERROR_TEXT[name] ?? name };
}
