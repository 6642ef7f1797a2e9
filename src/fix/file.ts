/**
 * Fixing one file: check it, apply the fixes that do not overlap, check the result again, and again, until nothing
 * is left to fix or MAX_PASSES is reached (as ESLint does: a fix that made room for another is followed by it).
 * A pass whose result would not read as the file did (invalid JSON, another encoding, fewer articles) is not kept.
 */
import type { Encoding } from '../documents/decode.js';
import type { ReadResult } from '../documents/model.js';
import { readBytes, type ReadOptions } from '../documents/read.js';
import type { DocumentResult, Finding, FindingFix } from '../engine/finding.js';
import { applyFixes } from './apply.js';

/** Passes over one file before giving up: each pass applies every fix that does not overlap another. */
export const MAX_PASSES = 10;

/** Which fixes to apply. */
export interface FixSelection {
  /** Rule families to fix (`notice`, `attribution`); every family when absent. */
  types?: ReadonlySet<string>;
  /** Apply suggestions too (--fix-suggestions); by default they are only shown. */
  suggestions?: boolean;
}

export function familyOf(ruleId: string): string {
  return ruleId.split('/')[0]!;
}

/** A finding whose fix the selection applies: not suppressed, of a chosen family, a suggestion only when asked. */
export function selected(f: Finding, selection: FixSelection = {}): boolean {
  return f.fix !== undefined && !f.suppressions && (!f.fix.suggestion || selection.suggestions === true) && (!selection.types || selection.types.has(familyOf(f.ruleId)));
}

export interface FixedFile {
  /** The fixed bytes (the input itself when nothing was fixed). */
  bytes: Uint8Array;
  /** The findings whose fixes were applied, over all passes. */
  fixed: Finding[];
  /** The check of the fixed bytes: what is left. */
  results: DocumentResult[];
  passes: number;
  /** Why fixing stopped before nothing was left to fix. */
  stopped?: string;
  /** Some documents of the file are never rewritten (feed items) and have findings. */
  notRewritten: boolean;
}

const fixKey = (f: FindingFix) => `${f.range.start.offset}:${f.range.end.offset}:${f.text}`;

export function fixBytes(path: string, bytes: Uint8Array, check: (read: ReadResult[]) => DocumentResult[], read: ReadOptions, selection: FixSelection = {}): FixedFile {
  let current = bytes;
  let reads = readBytes(path, current, read);
  let results = check(reads);
  const fixed: Finding[] = [];
  let passes = 0;
  let stopped: string | undefined;
  for (;;) {
    const candidates = results.flatMap((r) => r.findings.filter((f) => selected(f, selection)));
    if (candidates.length === 0) break;
    if (passes === MAX_PASSES) {
      stopped = `fixes did not settle after ${MAX_PASSES} passes`;
      break;
    }
    const { bytes: next, applied } = applyFixes(current, candidates.map((f) => f.fix!), encodingOf(reads));
    if (applied.length === 0) break;
    const nextReads = readBytes(path, next, read);
    const changed = shapeChange(reads, nextReads);
    if (changed) {
      stopped = `a fix would ${changed}; the file is left as the previous pass made it`;
      break;
    }
    // Several findings may share one fix (each difference of an altered notice): all of them are fixed by it.
    const done = new Set(applied.map(fixKey));
    fixed.push(...candidates.filter((f) => done.has(fixKey(f.fix!))));
    passes++;
    current = next;
    reads = nextReads;
    results = check(reads);
  }
  const notRewritten = reads.some((r) => r.ok && !r.document.file) && results.some((r) => r.findings.some((f) => !f.suppressions && !f.ruleId.startsWith('input/')));
  return { bytes: current, fixed, results, passes, ...(stopped ? { stopped } : {}), notRewritten };
}

function encodingOf(reads: ReadResult[]): Encoding {
  for (const r of reads) if (r.ok && r.document.file?.encoding) return r.document.file.encoding.name;
  return 'utf-8';
}

/** How a fixed file would read differently from the file, other than its text (or undefined: the same). */
function shapeChange(before: ReadResult[], after: ReadResult[]): string | undefined {
  if (after.length !== before.length) return 'change the number of documents the file holds';
  for (let k = 0; k < before.length; k++) {
    const b = before[k]!;
    const a = after[k]!;
    if (b.ok !== a.ok) return `make the file unreadable (${a.ok ? '' : a.problem.message})`;
    if (!a.ok || !b.ok) continue;
    if (a.document.path !== b.document.path) return 'change the id of an article';
    if (a.document.file?.encoding?.name !== b.document.file?.encoding?.name) return 'change how the file is encoded';
  }
  return undefined;
}
