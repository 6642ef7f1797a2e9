import { extname } from 'node:path';
import { jsonlReader, jsonReader } from './json.js';
import { markdownReader } from './markdown.js';
import { textReader } from './text.js';
import { htmlReader } from './html.js';
import { feedReader } from './feed.js';
import type { Reader } from './types.js';

/** Every reader manba knows. A new format is one more entry here and one more file beside this one. */
export const readers: readonly Reader[] = [textReader, markdownReader, jsonReader, jsonlReader, htmlReader, feedReader];

const byExtension = new Map(readers.flatMap((r) => r.extensions.map((e) => [e, r] as const)));

export function readerForPath(path: string): Reader | undefined {
  return byExtension.get(extname(path).toLowerCase());
}

export const documentExtensions: readonly string[] = [...byExtension.keys()];

export type { Reader } from './types.js';
