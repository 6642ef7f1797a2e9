import type { Encoding } from '../decode.js';
import type { Retrieval } from '../http-page.js';
import type { ReadResult } from '../model.js';

/** How the formats are read; from the config's `read:` section. Every field is optional. */
export interface ReaderOptions {
  /** JSON and JSONL exports. */
  json?: {
    /** Which fields hold which part of an article; each maps to a field name or a list of names to try. */
    fields?: Partial<Record<'title' | 'body' | 'source' | 'url' | 'published' | 'id' | 'site', string | string[]>>;
    /** For a top-level object: the field that holds the array of articles. */
    array?: string;
  };
  /** HTML: the CSS selector of the article's content (default: article, else main, else body). */
  html?: { selector?: string };
}

/** A reader turns one decoded file into documents. A new format is a new reader, registered in ./index.ts. */
export interface Reader {
  format: string;
  /** Lower-case file extensions with the dot, e.g. '.txt'. */
  extensions: string[];
  read(path: string, text: string, options: ReaderOptions): ReadResult[];
  /**
   * For line-based formats (JSONL): read one line at a time, so a file of any size streams through. `offset` is
   * the line's offset in the file's text, `byte` its offset in the file's bytes, and `line` its 1-based number.
   */
  readLine?(path: string, line: string, at: { offset: number; line: number; byte?: number }, options: ReaderOptions): ReadResult[];
  /**
   * For container formats read from disk piece by piece (WARC): the documents of the file at `path` (absolute),
   * streamed; problems name the file as `shownAs`. A document may say where and when it was retrieved.
   */
  stream?(path: string, options: { encoding?: Encoding; readers?: ReaderOptions }, shownAs?: string): AsyncIterable<ReadResult & { retrieval?: Retrieval }>;
}
