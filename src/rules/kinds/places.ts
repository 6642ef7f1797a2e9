import type { Document } from '../../documents/model.js';

/** Where a "missing" finding points: the end of the last block, where the missing text belongs. */
export function endOfDocument(doc: Document): number {
  const last = doc.blocks[doc.blocks.length - 1];
  return last ? last.end : doc.text.length;
}

/** True when the offset lies in a footer block or the footer region. */
export function inFooter(doc: Document, offset: number): boolean {
  if (doc.regions.some((r) => r.name === 'footer' && offset >= r.start && offset < r.end)) return true;
  return doc.blocks.some((b) => b.kind === 'footer' && offset >= b.start && offset < b.end);
}

/** True when [start, end) lies inside the given scope. */
export function inScope(doc: Document, scope: 'document' | 'footer', offset: number): boolean {
  return scope === 'document' || inFooter(doc, offset);
}
