import { extname } from 'node:path';
import { jsonlReader, jsonReader } from './json.js';
import { markdownReader } from './markdown.js';
import { textReader } from './text.js';
import { htmlReader } from './html.js';
import { feedReader } from './feed.js';
import { warcReader } from './warc.js';
import type { Reader } from './types.js';

/** Every reader manba knows. A new format is one more entry here and one more file beside this one. */
export const readers: readonly Reader[] = [textReader, markdownReader, jsonReader, jsonlReader, htmlReader, feedReader, warcReader];

const byExtension = new Map(readers.flatMap((r) => r.extensions.map((e) => [e, r] as const)));
/** The last parts of the two-part extensions (.gz of .warc.gz): only a path ending in one has a two-part one to look up. */
const lastOfTwoParts = new Set([...byExtension.keys()].filter((e) => e.lastIndexOf('.') > 0).map((e) => e.slice(e.lastIndexOf('.'))));

/** A path's reader by its extension, in any case; a two-part extension (.warc.gz) before its last part alone. */
export function readerForPath(path: string): Reader | undefined {
  // Asked for every file of an archive, more than once: the extension alone is lowered, not the whole path.
  const ext = extname(path).toLowerCase();
  if (lastOfTwoParts.has(ext)) {
    const reader = byExtension.get(extname(path.slice(0, path.length - ext.length)).toLowerCase() + ext);
    if (reader) return reader;
  }
  return byExtension.get(ext);
}

export const documentExtensions: readonly string[] = [...byExtension.keys()];

export type { Reader } from './types.js';
