import type { Encoding } from './decode.js';
import type { Directive } from './directives.js';
import type { LineIndex, Position } from './lines.js';

/**
 * The document model every reader produces. Rules see `text`; `locate` turns an offset in `text` into a line
 * and column in the file as the user has it (for plain text they are the same; an HTML reader maps through).
 */
export interface Document {
  /** As reported: the file path, with `#id` for an item inside a file. */
  path: string;
  /** The reader that produced it: 'text', later 'markdown', 'html', 'json', 'feed'. */
  format: string;
  /** The checkable text, BOM removed. */
  text: string;
  /** Structural blocks in reading order, each an offset range of `text`. */
  blocks: Block[];
  /** Larger areas: the article, the page footer. */
  regions: Region[];
  metadata: DocumentMetadata;
  /** Suppression comments found in the document (see directives.ts). */
  directives?: Directive[];
  locate(offset: number): Position;
  /** How the text stands in its file, so a fix is written in the file's own terms; absent: never rewritten (feeds). */
  file?: DocumentFile;
}

/** One change to a document, in offsets of Document.text; the reader writes it in its file's own terms. */
export type FixOp =
  | { op: 'replace'; start: number; end: number; text: string }
  /**
   * A new paragraph after the block that ends at `after` (`apart`: set off by a blank line, as a footer is from the
   * article's last paragraph), or before the block that starts at `before`.
   */
  | { op: 'insert-paragraph'; after: number; text: string; apart?: boolean }
  | { op: 'insert-paragraph'; before: number; text: string }
  /** The paragraph [start, end) removed with its line; refused when other text shares its paragraph. */
  | { op: 'remove-paragraph'; start: number; end: number };

/** [start, end) of the file's decoded text replaced by `text`, already written as the format writes text there. */
export interface SourceEdit {
  start: number;
  end: number;
  text: string;
}

/** Why a format cannot make a change, in both languages. */
export interface CannotEdit {
  none: { en: string; fa: string };
}

/**
 * How a document stands in its file. Readers of formats manba rewrites set it: they know how an offset of the text
 * maps back to the file and how inserted text is written there (entities in HTML, escapes in JSON).
 */
export interface DocumentFile {
  /** The decoded text that edits index: the whole file, or for a JSONL line, that line. */
  source: string;
  /** Where `source` starts in the file, when it is a part of it (a JSONL line): text offset, byte offset, 1-based line. */
  base?: { offset: number; byte: number; line: number };
  /** The change as an edit of `source`, or why this format cannot make it. */
  edit(op: FixOp): SourceEdit | CannotEdit;
  /** Set by readBytes: how the file is encoded, so inserted text is encoded as the rest of it. */
  encoding?: { name: Encoding; bom: boolean };
  /** The lines of `source`, when its reader has them already (the document's own, where `source` is its text). */
  lines?: () => LineIndex;
}

export type BlockKind = 'title' | 'byline' | 'paragraph' | 'heading' | 'footer';

export interface Block {
  kind: BlockKind;
  /** Offset range in `Document.text`, without surrounding whitespace. */
  start: number;
  end: number;
}

/** `page-footer`: the site's own footer around the article (HTML <footer>), when a format marks one. */
export type RegionName = 'article' | 'footer' | 'page-footer';

export interface Region {
  name: RegionName;
  start: number;
  end: number;
}

/** Facts a format states outright (front matter, meta tags, JSON fields). Plain text states none. */
export interface DocumentMetadata {
  source?: string;
  site?: string;
  url?: string;
  title?: string;
  published?: string;
}

/** Why a path gave no document. Reported as a finding of the `input/*` rule family (`fetch/*` for a page that could not be fetched). */
export interface ReadProblem {
  path: string;
  ruleId: `input/${string}` | `fetch/${string}`;
  message: string;
  line?: number;
  column?: number;
}

export type ReadResult = { ok: true; document: Document } | { ok: false; problem: ReadProblem };
