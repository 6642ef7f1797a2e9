/**
 * A CommonJS package loaded on first use. A check of plain-text articles never needs the JSON, feed or legacy
 * encoding libraries; loading them anyway cost every run (and every worker thread) time and memory at start.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}
