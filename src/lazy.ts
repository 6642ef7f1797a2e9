/**
 * A package loaded on first use: CommonJS, or an ES module without top-level await (Node 20.19 and later load those
 * with require too). A check of plain-text articles never needs the HTML, JSON, feed or legacy-encoding libraries;
 * loading them anyway cost every run, and every worker thread, time and memory at start.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}
