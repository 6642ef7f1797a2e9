import type { Directive } from './directives.js';
import type { Position } from './lines.js';

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
