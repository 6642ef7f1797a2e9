import type { Document } from '../../documents/model.js';

/** Where a "missing" finding points: the end of the last block, where the missing text belongs. */
export function endOfDocument(doc: Document): number {
  const last = doc.blocks[doc.blocks.length - 1];
  return last ? last.end : doc.text.length;
}

/** True when the offset lies in the page's own footer (HTML <footer> around the article). */
export function inPageFooter(doc: Document, offset: number): boolean {
  return doc.regions.some((r) => r.name === 'page-footer' && offset >= r.start && offset < r.end);
}

/**
 * True when the offset lies in a footer block or the footer region. With `articleOnly` (config `scope: article`),
 * the page's own footer does not count: the notice and attribution must stand in the article.
 */
export function inFooter(doc: Document, offset: number, articleOnly = false): boolean {
  if (articleOnly && inPageFooter(doc, offset)) return false;
  if (doc.regions.some((r) => r.name === 'footer' && offset >= r.start && offset < r.end)) return true;
  return doc.blocks.some((b) => b.kind === 'footer' && offset >= b.start && offset < b.end);
}

/** True when [start, end) lies inside the given scope. */
export function inScope(doc: Document, scope: 'document' | 'footer', offset: number, articleOnly = false): boolean {
  if (articleOnly && inPageFooter(doc, offset)) return false;
  return scope === 'document' || inFooter(doc, offset, articleOnly);
}

/**
 * Where a fix adds a footer paragraph: after the article's last footer block (its attribution, its notice), or,
 * when the article has none, after the last block of the document (which may stand in the page's own footer).
 */
export function endOfFooter(doc: Document): { after: number; apart: boolean } {
  const pageFooter = doc.regions.find((r) => r.name === 'page-footer')?.start ?? Infinity;
  let end = -1;
  for (const b of doc.blocks) if (b.kind === 'footer' && b.start < pageFooter) end = b.end;
  if (end !== -1) return { after: end, apart: false };
  // After the article's last paragraph: a blank line sets the footer apart (and closes a quote the paragraph left open).
  const last = doc.blocks[doc.blocks.length - 1];
  return { after: endOfDocument(doc), apart: last?.kind !== 'footer' };
}
