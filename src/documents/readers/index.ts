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

export function readerForPath(path: string): Reader | undefined {
  const lower = path.toLowerCase();
  const ext = extname(lower);
  // A two-part extension (.warc.gz) before the last part alone.
  return byExtension.get(extname(lower.slice(0, lower.length - ext.length)) + ext) ?? byExtension.get(ext);
}

export const documentExtensions: readonly string[] = [...byExtension.keys()];

export type { Reader } from './types.js';
