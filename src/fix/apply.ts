/**
 * Applying fixes to a file's bytes, the way ESLint's source-code-fixer does: fixes sorted by range, each applied
 * only if it starts after the last applied one ends (touching counts as overlapping), the rest left for the next
 * pass. Only the replaced ranges change; every other byte is copied as it was.
 */
import type { Encoding } from '../documents/decode.js';
import { encodeText } from '../documents/encode.js';
import type { FindingFix } from '../engine/finding.js';

export interface Applied {
  bytes: Uint8Array;
  /** The fixes applied, in file order. */
  applied: FindingFix[];
  /** Fixes left out because they overlap one applied before them (or repeat it). */
  skipped: FindingFix[];
}

export function byRange(a: FindingFix, b: FindingFix): number {
  return a.range.start.offset - b.range.start.offset || a.range.end.offset - b.range.end.offset;
}

export function applyFixes(bytes: Uint8Array, fixes: readonly FindingFix[], encoding: Encoding): Applied {
  const sorted = [...fixes].sort(byRange);
  const parts: Uint8Array[] = [];
  const applied: FindingFix[] = [];
  const skipped: FindingFix[] = [];
  let copied = 0;
  let lastEnd = -1;
  for (const fix of sorted) {
    const { start, end } = { start: fix.range.start.offset, end: fix.range.end.offset };
    if (start <= lastEnd || start > end || end > bytes.length) {
      skipped.push(fix);
      continue;
    }
    parts.push(bytes.subarray(copied, start), encodeText(fix.text, encoding));
    copied = end;
    lastEnd = end;
    applied.push(fix);
  }
  if (applied.length === 0) return { bytes, applied, skipped };
  parts.push(bytes.subarray(copied));
  return { bytes: Buffer.concat(parts), applied, skipped };
}
