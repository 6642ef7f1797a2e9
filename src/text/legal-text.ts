/**
 * Finding a legal text (the Article 74 notice) in a folded document and saying how it differs from the canonical
 * wording. Texts are compared on their skeletons (letters and digits, no spaces or punctuation), so letters,
 * digit scripts, ZWNJ, spacing, marks, quotes and line wrapping never count as a difference; words that do
 * differ are reported as whole words, and a difference inside a named slot (article number, date, …) is named.
 */
import { foldText, skeletonOf, type FoldedText } from './fold.js';
import { parseNumericDate, sameDate } from './dates.js';

export type SlotType = 'text' | 'date' | 'site' | 'any';

export interface SlotSpec {
  type: SlotType;
  /** Canonical value; absent for `site` and `any`, which accept any words. */
  value?: string;
  /** Other values accepted as the same (the law's name written «الکترونیکی» or «الکترونیک»). */
  accept?: string[];
}

/** One word of a template, in skeleton form, or a wildcard slot that absorbs any words. */
interface TemplateWord {
  skel: string;
  slot: string | null;
  wildcard: boolean;
  /** Range in the template's display text (slot values substituted). */
  displayStart: number;
  displayEnd: number;
}

export interface CompiledTemplate {
  /** Index of the template among the canonical text and its accepted variants (0 = canonical). */
  index: number;
  display: string;
  words: TemplateWord[];
  slots: Record<string, SlotSpec>;
  /** Matches the whole text on a document skeleton; named groups capture wildcard and date slots. */
  exact: RegExp;
  /** Non-wildcard skeleton, cut into anchors for finding altered copies. */
  anchors: { text: string; at: number }[];
  skeletonLength: number;
}

const PLACEHOLDER = /\{([a-zA-Z][\w-]*)\}/g;
const ANCHOR = 8;

/** Placeholder names used in a template, in order. */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

export function compileTemplate(text: string, slots: Record<string, SlotSpec>, index = 0): CompiledTemplate {
  let display = '';
  const words: TemplateWord[] = [];
  const addText = (piece: string, slot: string | null) => {
    const base = display.length;
    display += piece;
    const folded = foldText(piece);
    const sk = folded.skeleton;
    for (let i = 0; i < sk.text.length; ) {
      let j = i + 1;
      while (j < sk.text.length && !sk.wordStart[j]) j++;
      words.push({
        skel: sk.text.slice(i, j),
        slot,
        wildcard: false,
        displayStart: base + folded.start[sk.toFolded[i]!]!,
        displayEnd: base + folded.end[sk.toFolded[j - 1]!]!,
      });
      i = j;
    }
  };
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    addText(text.slice(last, m.index), null);
    const name = m[1]!;
    const spec = slots[name]!;
    if (spec.type === 'site' || spec.type === 'any') {
      words.push({ skel: '', slot: name, wildcard: true, displayStart: display.length, displayEnd: display.length + m[0].length });
      display += m[0];
    } else {
      addText(spec.value ?? '', name);
    }
    last = m.index + m[0].length;
  }
  addText(text.slice(last), null);

  let pattern = '';
  let plain = '';
  const anchors: { text: string; at: number }[] = [];
  const seenSlots = new Set<string>();
  for (let w = 0; w < words.length; w++) {
    const word = words[w]!;
    if (word.wildcard) {
      pattern += `(?<${groupName(word.slot!)}>.{0,80}?)`;
      continue;
    }
    const spec = word.slot ? slots[word.slot]! : undefined;
    if (spec?.type === 'date') {
      if (!seenSlots.has(word.slot!)) pattern += `(?<${groupName(word.slot!)}>\\d{1,4}[/-]\\d{1,2}[/-]\\d{1,4})`;
      seenSlots.add(word.slot!);
    } else if (spec?.accept?.length) {
      if (!seenSlots.has(word.slot!)) pattern += `(?:${[spec.value ?? '', ...spec.accept].map((v) => escapeRegExp(skeletonOf(v))).join('|')})`;
      seenSlots.add(word.slot!);
    } else {
      pattern += escapeRegExp(word.skel);
    }
    plain += word.skel;
  }
  for (let at = 0; at + ANCHOR <= plain.length; at += ANCHOR) anchors.push({ text: plain.slice(at, at + ANCHOR), at });
  return { index, display, words, slots, exact: new RegExp(pattern, 'dg'), anchors, skeletonLength: plain.length };
}

function groupName(slot: string): string {
  return `s_${slot.replace(/[^\w]/g, '_')}`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** A found word of the document: its skeleton and its range in the original text. */
interface FoundWord {
  skel: string;
  start: number;
  end: number;
}

export type DifferenceKind = 'changed' | 'dropped' | 'added' | 'cut-short';

export interface Difference {
  kind: DifferenceKind;
  /** The slot the difference is in, or null for the fixed wording. */
  slot: string | null;
  expected: string;
  found: string;
  /** Original range of the found words; for a dropped phrase, an empty range where it belongs. */
  start: number;
  end: number;
}

export interface LocatedText {
  template: CompiledTemplate;
  /** Original range of the whole located text. */
  start: number;
  end: number;
  exact: boolean;
  /** What each wildcard slot held, by slot name (original text and range). */
  captures: Record<string, { text: string; start: number; end: number }>;
  differences: Difference[];
  /** Share of the template's anchors found, 0..1 (1 for an exact match). */
  similarity: number;
}

/** Blocks' original ranges, to widen a fuzzy hit to whole paragraphs. */
export interface Span {
  start: number;
  end: number;
}

/**
 * Find the best copy of any of the templates in the document. An exact skeleton match wins; otherwise the
 * template whose anchors cluster best, if at least `minSimilarity` of them are present, is aligned word by word.
 */
export function locateText(folded: FoldedText, templates: CompiledTemplate[], blocks: Span[], minSimilarity: number): LocatedText | null {
  const sk = folded.skeleton;
  for (const t of templates) {
    t.exact.lastIndex = 0;
    const m = t.exact.exec(sk.text);
    if (m) return fromExact(folded, t, m);
  }
  let best: { t: CompiledTemplate; from: number; to: number; score: number } | null = null;
  for (const t of templates) {
    const hit = anchorCluster(sk.text, t, minSimilarity);
    if (hit && (!best || hit.score > best.score)) best = { t, ...hit };
  }
  if (!best || best.score < minSimilarity) return null;
  const [start, end] = widenToBlocks(folded, best.from, best.to, blocks);
  return align(folded, best.t, start, end, best.score);
}

function fromExact(folded: FoldedText, t: CompiledTemplate, m: RegExpExecArray): LocatedText {
  const sk = folded.skeleton;
  const toOrig = (from: number, to: number): [number, number] =>
    to <= from ? folded.toOriginal(sk.toFolded[from] ?? folded.text.length, sk.toFolded[from] ?? folded.text.length)
      : folded.toOriginal(sk.toFolded[from]!, sk.toFolded[to - 1]! + 1);
  const [start, end] = toOrig(m.index, m.index + m[0].length);
  const captures: LocatedText['captures'] = {};
  const differences: Difference[] = [];
  const indices = groupIndices(m);
  for (const [slot, spec] of Object.entries(t.slots)) {
    const g = indices[groupName(slot)];
    if (!g) continue;
    const [s, e] = toOrig(g[0], g[1]);
    const text = folded.original.slice(s, e);
    if (spec.type === 'date') {
      const want = parseNumericDate(foldText(spec.value ?? '').text);
      const got = parseNumericDate(sk.text.slice(g[0], g[1]));
      if (want && got && !sameDate(want, got)) {
        differences.push({ kind: 'changed', slot, expected: spec.value ?? '', found: displayOf(text), start: s, end: e });
      }
    } else {
      captures[slot] = { text: displayOf(text), start: s, end: e };
    }
  }
  return { template: t, start, end, exact: differences.length === 0, captures, differences, similarity: 1 };
}

/** Start/end skeleton offsets of each named group (the `d` flag gives them). */
function groupIndices(m: RegExpExecArray): Record<string, [number, number]> {
  return (m.indices?.groups ?? {}) as Record<string, [number, number]>;
}

/** Anchors vote for where the text starts; the densest window of votes is the candidate. */
function anchorCluster(sk: string, t: CompiledTemplate, minSimilarity: number): { from: number; to: number; score: number } | null {
  const total = t.anchors.length;
  if (total === 0) return null;
  const votes: { start: number; hit: number; anchor: number }[] = [];
  let anchorsHit = 0;
  for (let k = 0; k < total; k++) {
    // Stop once even every remaining anchor could not reach the threshold: most documents have no notice.
    if ((anchorsHit + (total - k)) / total < minSimilarity) return null;
    const a = t.anchors[k]!;
    let n = 0;
    for (let p = sk.indexOf(a.text); p !== -1 && n < 8; p = sk.indexOf(a.text, p + 1), n++) votes.push({ start: p - a.at, hit: p, anchor: k });
    if (n > 0) anchorsHit++;
  }
  if (votes.length === 0) return null;
  votes.sort((a, b) => a.start - b.start);
  const width = Math.max(40, Math.round(t.skeletonLength * 0.3));
  let best = { from: 0, to: 0, score: 0 };
  let lo = 0;
  for (let hi = 0; hi < votes.length; hi++) {
    while (votes[hi]!.start - votes[lo]!.start > width) lo++;
    const window = votes.slice(lo, hi + 1);
    const distinct = new Set(window.map((v) => v.anchor)).size;
    const score = distinct / t.anchors.length;
    if (score > best.score) {
      best = { from: Math.min(...window.map((v) => v.hit)), to: Math.max(...window.map((v) => v.hit)) + ANCHOR, score };
    }
  }
  return best;
}

/** Widen a skeleton range to the original ranges of the blocks it touches. */
function widenToBlocks(folded: FoldedText, from: number, to: number, blocks: Span[]): [number, number] {
  const sk = folded.skeleton;
  const [s] = folded.toOriginal(sk.toFolded[from]!, sk.toFolded[from]! + 1);
  const [, e] = folded.toOriginal(sk.toFolded[to - 1]!, sk.toFolded[to - 1]! + 1);
  let start = s;
  let end = e;
  for (const b of blocks) {
    if (b.end > s && b.start <= s) start = Math.min(start, b.start);
    if (b.start < e && b.end >= e) end = Math.max(end, b.end);
  }
  return [start, end];
}

/** The document's words whose original range lies in [start, end). */
function wordsIn(folded: FoldedText, start: number, end: number): FoundWord[] {
  const sk = folded.skeleton;
  const words: FoundWord[] = [];
  for (let i = 0; i < sk.text.length; ) {
    let j = i + 1;
    while (j < sk.text.length && !sk.wordStart[j]) j++;
    const ws = folded.start[sk.toFolded[i]!]!;
    const we = folded.end[sk.toFolded[j - 1]!]!;
    if (ws >= start && we <= end) words.push({ skel: sk.text.slice(i, j), start: ws, end: we });
    if (ws >= end) break;
    i = j;
  }
  return words;
}

type Op = { op: 'match'; e: number; f: number } | { op: 'drop'; e: number } | { op: 'add'; f: number } | { op: 'absorb'; e: number; f: number };

/** Word-level LCS; a wildcard word absorbs found words at no cost, but never one that a later word matches. */
function diffWords(exp: TemplateWord[], found: FoundWord[]): Op[] {
  const n = exp.length;
  const m = found.length;
  const w = m + 1;
  const dp = new Uint16Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const e = exp[i]!;
      const here = !e.wildcard && e.skel === found[j]!.skel ? 1 + dp[(i + 1) * w + j + 1]! : 0;
      dp[i * w + j] = Math.max(here, dp[(i + 1) * w + j]!, dp[i * w + j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const e = exp[i];
    if (i < n && j < m && e!.wildcard && dp[i * w + j + 1] === dp[i * w + j]) ops.push({ op: 'absorb', e: i, f: j++ });
    else if (i < n && j < m && !e!.wildcard && e!.skel === found[j]!.skel && dp[i * w + j] === 1 + dp[(i + 1) * w + j + 1]!) ops.push({ op: 'match', e: i++, f: j++ });
    else if (i < n && (j >= m || dp[(i + 1) * w + j] === dp[i * w + j])) {
      if (!e!.wildcard) ops.push({ op: 'drop', e: i });
      i++;
    } else ops.push({ op: 'add', f: j++ });
  }
  return ops;
}

function align(folded: FoldedText, t: CompiledTemplate, start: number, end: number, similarity: number): LocatedText {
  const found = wordsIn(folded, start, end);
  const ops = diffWords(t.words, found);
  const captures: LocatedText['captures'] = {};
  const differences: Difference[] = [];
  let pendingE: number[] = [];
  let pendingF: number[] = [];
  let lastMatchedF = -1;
  let lastMatchedE = -1;
  let matchedAny = false;
  const flush = (nextE: number) => {
    const atEnd = nextE === -1;
    if (pendingE.length || pendingF.length) {
      const around = { prev: t.words[lastMatchedE]?.slot ?? null, next: t.words[nextE]?.slot ?? null };
      const d = describe(t, found, pendingE, pendingF, lastMatchedF, atEnd && matchedAny, folded.original, around);
      if (d) differences.push(d);
    }
    pendingE = [];
    pendingF = [];
  };
  for (const op of ops) {
    if (op.op === 'match') {
      flush(op.e);
      lastMatchedF = op.f;
      lastMatchedE = op.e;
      matchedAny = true;
    } else if (op.op === 'absorb') {
      flush(op.e);
      lastMatchedE = op.e;
      const slot = t.words[op.e]!.slot!;
      const fw = found[op.f]!;
      const c = captures[slot];
      captures[slot] = c ? { text: '', start: c.start, end: fw.end } : { text: '', start: fw.start, end: fw.end };
      lastMatchedF = op.f;
    } else if (op.op === 'drop') pendingE.push(op.e);
    else pendingF.push(op.f);
  }
  flush(-1);
  for (const c of Object.values(captures)) c.text = displayOf(folded.original.slice(c.start, c.end));
  const first = found[0];
  const last = found[found.length - 1];
  return {
    template: t,
    start: first ? first.start : start,
    end: last ? last.end : end,
    exact: differences.length === 0,
    captures,
    differences,
    similarity,
  };
}

/** Turn one run of unmatched words into a difference, or null when it is only cosmetic. */
function describe(
  t: CompiledTemplate,
  found: FoundWord[],
  e: number[],
  f: number[],
  lastMatchedF: number,
  atEnd: boolean,
  original: string,
  around: { prev: string | null; next: string | null },
): Difference | null {
  const expWords = e.map((k) => t.words[k]!);
  const foundWords = f.map((k) => found[k]!);
  const expSkel = expWords.map((x) => x.skel).join('');
  const foundSkel = foundWords.map((x) => x.skel).join('');
  if (expSkel === foundSkel) return null; // «هر گونه» / «هرگونه»: spacing only
  // A run is named after its slot only when every word of it is in that one slot.
  const slots = new Set(expWords.map((x) => x.slot));
  let slot: string | null = slots.size === 1 ? [...slots][0]! : null;
  if (slots.size === 0 && around.prev !== null && around.prev === around.next) slot = around.prev; // added inside a slot
  if (slot && e.length && t.slots[slot]?.accept?.length && acceptedInSlot(t, slot, e, foundSkel)) return null;
  if (slot && t.slots[slot]?.type === 'date') {
    const want = parseNumericDate(expSkel);
    const got = parseNumericDate(foundSkel);
    if (want && got && sameDate(want, got)) return null; // ۱۳۸۲/۱۰/۱۷ = ۱۷-۱۰-۱۳۸۲
  }
  const expected = expWords.length ? displayOf(t.display.slice(expWords[0]!.displayStart, expWords[expWords.length - 1]!.displayEnd)) : '';
  const foundText = foundWords.length ? displayOf(original.slice(foundWords[0]!.start, foundWords[foundWords.length - 1]!.end)) : '';
  let kind: DifferenceKind = expWords.length && foundWords.length ? 'changed' : expWords.length ? 'dropped' : 'added';
  if (kind === 'dropped' && atEnd && e[e.length - 1] === lastNonWildcard(t)) kind = 'cut-short';
  let start: number;
  let end: number;
  if (foundWords.length) {
    start = foundWords[0]!.start;
    end = foundWords[foundWords.length - 1]!.end;
  } else {
    const next = found[lastMatchedF + 1];
    const prev = found[lastMatchedF];
    start = end = next && !atEnd ? next.start : prev ? prev.end : 0;
  }
  return { kind, slot, expected, found: foundText, start, end };
}

/** The slot's canonical words with this run replaced by what was found: is that an accepted value? */
function acceptedInSlot(t: CompiledTemplate, slot: string, e: number[], foundSkel: string): boolean {
  let candidate = '';
  t.words.forEach((w, k) => {
    if (w.slot !== slot) return;
    if (k === e[0]) candidate += foundSkel;
    if (!e.includes(k)) candidate += w.skel;
  });
  return (t.slots[slot]!.accept ?? []).some((v) => skeletonOf(v) === candidate);
}

function lastNonWildcard(t: CompiledTemplate): number {
  for (let k = t.words.length - 1; k >= 0; k--) if (!t.words[k]!.wildcard) return k;
  return -1;
}

/** Text as a message shows it: one line, no invisible marks, at most 80 characters. */
export function displayOf(s: string): string {
  const one = s.replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '').replace(/\s+/g, ' ').trim();
  return one.length > 80 ? `${one.slice(0, 77)}…` : one;
}
