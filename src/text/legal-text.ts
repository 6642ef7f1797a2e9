/**
 * Finding a legal text (the Article 74 notice) in a folded document and saying how it differs from the canonical
 * wording. Texts are compared on their skeletons (letters and digits, no spaces or punctuation), so letters,
 * digit scripts, ZWNJ, spacing, marks, quotes and line wrapping never count as a difference; words that do
 * differ are reported as whole words, and a difference inside a named slot (article number, date, …) is named.
 */
import { foldText, skeletonOf, skeletonUnit, type FoldedText } from './fold.js';
import { parseNumericDate, sameDate, type NumericDate } from './dates.js';
import { GAP, GAP_MAX_UNITS, GapExpression, type RequiredWord } from './gap-expression.js';

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
  /**
   * Matches the whole text in folded text, any spacing and punctuation between words. Its groups alternate: what
   * comes before a slot, then the slot, for each slot in `exactSlots` (see slotRanges); none is named, as the
   * slots are placed by position.
   */
  exact: GapExpression;
  /** The slots the exact expression captures, in order. */
  exactSlots: string[];
  /**
   * Matches the text's opening words through its first named slot («با استناد به ماده ۷۴»): the least that says
   * which text a copy cut short is a copy of. Null when the text has no such slot.
   */
  opening: GapExpression | null;
  /** Distinct longer words of the text with their approximate offset in it, for finding altered copies. */
  anchors: { text: string; at: number }[];
  /** Anchor indices by the hash of their word, so one pass over a document finds them all. */
  anchorsByHash: Map<number, number[]>;
  /** Approximate folded length of the text, for the width of the anchors' window. */
  foldedLength: number;
  /** The canonical value of each date slot, parsed once. */
  dates: Record<string, NumericDate | null>;
}

const PLACEHOLDER = /\{([a-zA-Z][\w-]*)\}/g;
const ANCHOR_MIN = 4;

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
      while (j < sk.text.length && !sk.isWordStart(j)) j++;
      words.push({
        skel: sk.text.slice(i, j),
        slot,
        wildcard: false,
        displayStart: base + folded.startOf(sk.toFolded(i)),
        displayEnd: base + folded.endOf(sk.toFolded(j - 1)),
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

  const parts: string[] = [];
  /** The most UTF-16 units each part can match. */
  const partMax: number[] = [];
  /** The first part that is a word beginning with a digit (the article number), by index in parts. */
  let digitWord = -1;
  /** Parts that are a slot's group, by index in parts. */
  const slotParts = new Map<number, string>();
  const anchors: { text: string; at: number }[] = [];
  const seenSlots = new Set<string>();
  const seenAnchors = new Set<string>();
  let at = 0;
  // The opening: the words through the first named slot with a value (the article number).
  const firstSlot = words.findIndex((w) => w.slot && !w.wildcard);
  let openingWords = firstSlot;
  while (openingWords !== -1 && words[openingWords]?.slot === words[firstSlot]!.slot) openingWords++;
  let openingParts = 0;
  for (const [k, word] of words.entries()) {
    if (k === openingWords) openingParts = parts.length;
    if (word.wildcard) {
      slotParts.set(parts.length, word.slot!);
      parts.push('([^]{0,80}?)');
      partMax.push(160); // 80 characters, each possibly astral
      continue;
    }
    const spec = word.slot ? slots[word.slot]! : undefined;
    if (spec?.type === 'date') {
      if (!seenSlots.has(word.slot!)) {
        slotParts.set(parts.length, word.slot!);
        parts.push('(\\d{1,4}\\s?[/\\-.]\\s?\\d{1,2}\\s?[/\\-.]\\s?\\d{1,4})');
        partMax.push(16); // 4 + 1 + 1 + 1 + 2 + 1 + 1 + 1 + 4, as the expression beside it
      }
      seenSlots.add(word.slot!);
    } else if (spec?.accept?.length) {
      if (!seenSlots.has(word.slot!)) {
        const values = [spec.value ?? '', ...spec.accept].map(wordsOf);
        parts.push(`(?:${values.map((v) => v.map(wordPattern).join(GAP)).join('|')})`);
        partMax.push(Math.max(...values.map((v) => v.reduce((n, w) => n + wordMax(w), 0) + Math.max(0, v.length - 1) * GAP_MAX_UNITS)));
      }
      seenSlots.add(word.slot!);
    } else {
      if (digitWord === -1 && /^[0-9]/.test(word.skel)) digitWord = parts.length;
      parts.push(wordPattern(word.skel));
      partMax.push(wordMax(word.skel));
    }
    // Anchors come from the fixed wording and text slots alike; a changed slot only loses a few of them.
    if (word.skel.length >= ANCHOR_MIN && spec?.type !== 'date' && !seenAnchors.has(word.skel)) {
      seenAnchors.add(word.skel);
      anchors.push({ text: word.skel, at });
    }
    at += word.skel.length + 1;
  }
  const anchorsByHash = new Map<number, number[]>();
  anchors.forEach((a, k) => {
    const h = wordHash(a.text, 0, a.text.length);
    anchorsByHash.set(h, [...(anchorsByHash.get(h) ?? []), k]);
  });
  const dates = Object.fromEntries(Object.entries(slots).filter(([, v]) => v.type === 'date').map(([k, v]) => [k, parseNumericDate(foldText(v.value ?? '').text)]));
  if (openingWords === words.length) openingParts = parts.length;
  // The word the expressions are searched from (see RequiredWord): what can precede it is its parts and gaps.
  let required: RequiredWord | undefined;
  if (digitWord !== -1) {
    const before = partMax.slice(0, digitWord).reduce((n, m) => n + m, 0) + digitWord * GAP_MAX_UNITS;
    required = { source: parts[digitWord]!, first: parts[digitWord]![0]!, before };
  }
  const opening = openingParts > 0 ? new GapExpression(parts.slice(0, openingParts).join(GAP), digitWord < openingParts ? required : undefined) : null;
  const exact = exactPattern(parts, slotParts);
  return { index, display, words, slots, exact: new GapExpression(exact.source, required), exactSlots: exact.slots, opening, anchors, anchorsByHash, foldedLength: at, dates };
}

/**
 * The parts joined by GAP, each slot's group preceded by a group holding all since the previous slot, so that
 * slotRanges can place the slots from the lengths of the groups. Not the `d` flag (match indices): V8 builds the
 * indices of every group at every match with it, and the search of an article took about a tenth longer.
 */
function exactPattern(parts: string[], slotParts: Map<number, string>): { source: string; slots: string[] } {
  let source = '';
  let before = '';
  const slots: string[] = [];
  parts.forEach((part, k) => {
    const between = k ? GAP : '';
    const slot = slotParts.get(k);
    if (slot === undefined) {
      before += between + part;
      return;
    }
    source += `(${before}${between})${part}`;
    before = '';
    slots.push(slot);
  });
  return { source: source + before, slots };
}

/** The folded range of each slot the exact expression captured: its group follows the group of all before it. */
function slotRanges(t: CompiledTemplate, m: RegExpExecArray): Map<string, [number, number]> {
  const ranges = new Map<string, [number, number]>();
  let at = m.index;
  t.exactSlots.forEach((slot, k) => {
    at += m[2 * k + 1]!.length;
    const end = at + m[2 * k + 2]!.length;
    ranges.set(slot, [at, end]);
    at = end;
  });
  return ranges;
}

/** FNV-1a over UTF-16 units: a word's hash, computed the same way while scanning a document. */
function wordHash(text: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let k = from; k < to; k++) h = Math.imul(h ^ text.charCodeAt(k), 16777619);
  return h;
}

/** One word as it may appear in folded text: split anywhere by a space (a ZWNJ in the original). */
function wordPattern(skel: string): string {
  return [...skel].map(escapeU).join('\\s?');
}

/** The most UTF-16 units wordPattern(skel) matches: the word with a space between every two of its characters. */
function wordMax(skel: string): number {
  return skel.length + [...skel].length - 1;
}

/** A text's words, in skeleton form. */
function wordsOf(value: string): string[] {
  const sk = foldText(value).skeleton;
  const words: string[] = [];
  for (let i = 0; i < sk.text.length; ) {
    let j = i + 1;
    while (j < sk.text.length && !sk.isWordStart(j)) j++;
    words.push(sk.text.slice(i, j));
    i = j;
  }
  return words;
}

function escapeU(ch: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(ch) ? `\\${ch}` : ch;
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
  /** For a text cut short: the slots missing (wholly or in part) at the end, in the text's order. */
  missingSlots?: string[];
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
  /**
   * The part a fix replaces: from the first to the last word that matches the template, widened over words that
   * were changed at either end (not over words only added around it: those may be the article's own).
   */
  core: { start: number; end: number };
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
  for (const t of templates) {
    const m = t.exact.exec(folded.text, 0);
    if (m) return fromExact(folded, t, m);
  }
  let best: { t: CompiledTemplate; from: number; to: number; score: number } | null = null;
  for (const t of templates) {
    const hit = anchorCluster(folded.text, t, minSimilarity);
    if (hit && (!best || hit.score > best.score)) best = { t, ...hit };
  }
  if (best && best.score < minSimilarity) best = null;
  // A copy cut short shares only its opening's anchors with the text, too few to pass minSimilarity, yet it is
  // plainly the text: its opening words stand as written and its paragraph ends inside the text.
  let cut: LocatedText | null = null;
  for (const t of templates) {
    const c = cutCopy(folded, t, blocks);
    if (c && (!cut || c.similarity > cut.similarity)) cut = c;
  }
  if (cut && (!best || cut.similarity >= best.score)) return cut;
  if (!best) return null;
  const [start, end] = widenToBlocks(folded, best.from, best.to, blocks);
  return align(folded, best.t, start, end, best.score);
}

/** How many openings are tried: a page quoting the law's opening words many times gains nothing from more. */
const MAX_OPENINGS = 32;

/**
 * A copy of the text cut short, as pages end when a template truncates the footer: the opening words as written,
 * then the text's words up to the end of the paragraph (every word of it matching the text), then nothing.
 * Returns the alignment of that copy, whose last difference says what is missing at the end; null when there is
 * none. A paragraph that goes on with other words after the opening is prose citing the same article, not a copy.
 */
function cutCopy(folded: FoldedText, t: CompiledTemplate, blocks: Span[]): LocatedText | null {
  if (!t.opening) return null;
  let best: LocatedText | null = null;
  let from = 0;
  for (let tries = 0; tries < MAX_OPENINGS; tries++) {
    const m = t.opening.exec(folded.text, from);
    if (!m) break;
    from = m.index + Math.max(1, m[0].length);
    const [start] = folded.toOriginal(m.index, m.index + m[0].length);
    const block = blocks.find((b) => b.start <= start && start < b.end);
    const end = block ? block.end : folded.original.length;
    const found = wordsIn(folded, start, end);
    // More words than the whole text has: not a shortened copy.
    if (found.length === 0 || found.length > t.words.length) continue;
    const ops = diffWords(t.words, found);
    const lastFound = ops.findLastIndex((o) => o.op !== 'drop');
    const tailDropped = ops.slice(lastFound + 1);
    const body = ops.slice(0, lastFound + 1);
    const unmatched = body.filter((o) => o.op !== 'match' && o.op !== 'absorb').length;
    const lastOp = ops[lastFound];
    // The found words are the text's own (at most one word in ten added or dropped on the way), and the last one
    // belongs to it: the text stops there.
    if (!tailDropped.length || !lastOp || lastOp.op === 'add' || unmatched * 10 > found.length) continue;
    const present = new Set(ops.filter((o) => o.op === 'match').map((o) => t.words[o.e]!.skel));
    const similarity = t.anchors.filter((a) => present.has(a.text)).length / Math.max(1, t.anchors.length);
    const located = align(folded, t, start, end, similarity);
    if (located.differences.at(-1)?.kind !== 'cut-short') continue;
    if (!best || located.similarity > best.similarity) best = located;
  }
  return best;
}

function fromExact(folded: FoldedText, t: CompiledTemplate, m: RegExpExecArray): LocatedText {
  const [start, end] = folded.toOriginal(m.index, m.index + m[0].length);
  const captures: LocatedText['captures'] = {};
  const differences: Difference[] = [];
  const ranges = slotRanges(t, m);
  for (const [slot, spec] of Object.entries(t.slots)) {
    const g = ranges.get(slot);
    if (!g) continue;
    const [s, e] = folded.toOriginal(g[0], g[1]);
    const text = folded.original.slice(s, e);
    if (spec.type === 'date') {
      const want = t.dates[slot];
      const got = parseNumericDate(folded.text.slice(g[0], g[1]));
      // A date that cannot be read as one («۱۳۸۲/۱۳/۱۷», «۱۲/۱۰/۱۷» with no telling the order) is a change too.
      if (want && (!got || !sameDate(want, got))) {
        differences.push({ kind: 'changed', slot, expected: spec.value ?? '', found: displayOf(text), start: s, end: e });
      }
    } else {
      captures[slot] = { text: displayOf(text), start: s, end: e };
    }
  }
  return { template: t, start, end, exact: differences.length === 0, captures, differences, similarity: 1, core: { start, end } };
}

/**
 * Anchors (the text's longer words) vote for where the text starts; the window of votes with the most distinct
 * anchors is the candidate. Works on folded text with native indexOf; returns a folded range.
 */
function anchorCluster(text: string, t: CompiledTemplate, minSimilarity: number): { from: number; to: number; score: number } | null {
  const total = t.anchors.length;
  if (total === 0) return null;
  const votes: { start: number; hit: number; end: number; anchor: number }[] = [];
  const hits = new Uint8Array(total);
  // One pass over the words of the folded text, each looked up by hash among the anchors.
  let wordFrom = -1;
  let h = 0x811c9dc5;
  for (let k = 0; k <= text.length; k++) {
    const c = k < text.length ? text.charCodeAt(k) : 0x20;
    if (skeletonUnit[c]) {
      if (wordFrom === -1) {
        wordFrom = k;
        h = 0x811c9dc5;
      }
      h = Math.imul(h ^ c, 16777619);
      continue;
    }
    if (wordFrom === -1) continue;
    const candidates = k - wordFrom >= ANCHOR_MIN ? t.anchorsByHash.get(h) : undefined;
    if (candidates) {
      for (const a of candidates) {
        const anchor = t.anchors[a]!;
        if (hits[a]! < 8 && anchor.text.length === k - wordFrom && text.startsWith(anchor.text, wordFrom)) {
          hits[a]!++;
          votes.push({ start: wordFrom - anchor.at, hit: wordFrom, end: k, anchor: a });
        }
      }
    }
    wordFrom = -1;
  }
  let anchorsHit = 0;
  for (let a = 0; a < total; a++) if (hits[a]) anchorsHit++;
  if (anchorsHit / total < minSimilarity) return null;
  if (votes.length === 0) return null;
  votes.sort((a, b) => a.start - b.start);
  const width = Math.max(40, Math.round(t.foldedLength * 0.3));
  // Sliding window over votes sorted by implied start, counting distinct anchors in it.
  const count = new Uint16Array(total);
  let distinct = 0;
  let best = { from: 0, to: 0, score: 0 };
  let bestLo = 0;
  let bestHi = -1;
  let lo = 0;
  for (let hi = 0; hi < votes.length; hi++) {
    if (count[votes[hi]!.anchor]!++ === 0) distinct++;
    while (votes[hi]!.start - votes[lo]!.start > width) if (--count[votes[lo++]!.anchor]! === 0) distinct--;
    if (distinct / total > best.score) {
      best.score = distinct / total;
      bestLo = lo;
      bestHi = hi;
    }
  }
  let from = Infinity;
  let to = -Infinity;
  for (let k = bestLo; k <= bestHi; k++) {
    from = Math.min(from, votes[k]!.hit);
    to = Math.max(to, votes[k]!.end);
  }
  best = { from, to, score: best.score };
  return best;
}

/** Widen a folded range to the original ranges of the blocks it touches. */
function widenToBlocks(folded: FoldedText, from: number, to: number, blocks: Span[]): [number, number] {
  const [s, e] = folded.toOriginal(from, to);
  let start = s;
  let end = e;
  for (const b of blocks) {
    if (b.end > s && b.start <= s) start = Math.min(start, b.start);
    if (b.start < e && b.end >= e) end = Math.max(end, b.end);
  }
  return [start, end];
}

/**
 * The document's words whose original range lies in [start, end): runs of letters and digits (and '/', '-')
 * in the folded text, in skeleton form. Only the region is scanned; the document's full skeleton is never built.
 */
function wordsIn(folded: FoldedText, start: number, end: number): FoundWord[] {
  const words: FoundWord[] = [];
  const text = folded.text;
  const last = folded.foldedAt(end);
  let wordFrom = -1;
  const close = (to: number) => {
    const ws = folded.startOf(wordFrom);
    const we = folded.endOf(to - 1);
    if (ws >= start && we <= end) words.push({ skel: text.slice(wordFrom, to), start: ws, end: we });
    wordFrom = -1;
  };
  for (let k = folded.foldedAt(start); k < last; k++) {
    if (skeletonUnit[text.charCodeAt(k)]) {
      if (wordFrom === -1) wordFrom = k;
    } else if (wordFrom !== -1) close(k);
  }
  if (wordFrom !== -1) close(last);
  return words;
}

type Op = { op: 'match'; e: number; f: number } | { op: 'drop'; e: number } | { op: 'add'; f: number } | { op: 'absorb'; e: number; f: number };

/** Word-level LCS; a wildcard word absorbs found words at no cost, but never one that a later word matches. */
function diffWords(exp: TemplateWord[], found: FoundWord[]): Op[] {
  // Equal words at both ends need no table: most altered notices differ in one place.
  const same = (i: number, j: number) => !exp[i]!.wildcard && exp[i]!.skel === found[j]!.skel;
  let head = 0;
  while (head < exp.length && head < found.length && same(head, head)) head++;
  let tail = 0;
  while (tail < exp.length - head && tail < found.length - head && same(exp.length - 1 - tail, found.length - 1 - tail)) tail++;
  // A tail of short words only («است») proves nothing: a copy cut short after «تصویری است» ends with the same word
  // as the whole text. Leave it to the table, which matches a word where it first occurs.
  let longWord = false;
  for (let k = 1; k <= tail; k++) if (exp[exp.length - k]!.skel.length >= ANCHOR_MIN) longWord = true;
  if (!longWord) tail = 0;
  const ops: Op[] = [];
  for (let k = 0; k < head; k++) ops.push({ op: 'match', e: k, f: k });
  ops.push(...diffMiddle(exp, found, head, exp.length - tail, head, found.length - tail));
  for (let k = tail; k > 0; k--) ops.push({ op: 'match', e: exp.length - k, f: found.length - k });
  return ops;
}

/** LCS over exp[e0, e1) and found[f0, f1). */
function diffMiddle(exp: TemplateWord[], found: FoundWord[], e0: number, e1: number, f0: number, f1: number): Op[] {
  const n = e1 - e0;
  const m = f1 - f0;
  const w = m + 1;
  const dp = new Uint16Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    const e = exp[e0 + i]!;
    for (let j = m - 1; j >= 0; j--) {
      const here = !e.wildcard && e.skel === found[f0 + j]!.skel ? 1 + dp[(i + 1) * w + j + 1]! : 0;
      dp[i * w + j] = Math.max(here, dp[(i + 1) * w + j]!, dp[i * w + j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const e = exp[e0 + i];
    if (i < n && j < m && e!.wildcard && dp[i * w + j + 1] === dp[i * w + j]) ops.push({ op: 'absorb', e: e0 + i, f: f0 + j++ });
    else if (i < n && j < m && !e!.wildcard && e!.skel === found[f0 + j]!.skel && dp[i * w + j] === 1 + dp[(i + 1) * w + j + 1]!) ops.push({ op: 'match', e: e0 + i++, f: f0 + j++ });
    else if (i < n && (j >= m || dp[(i + 1) * w + j] === dp[i * w + j])) {
      if (!e!.wildcard) ops.push({ op: 'drop', e: e0 + i });
      i++;
    } else ops.push({ op: 'add', f: f0 + j++ });
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
      const around = { prev: t.words[lastMatchedE]?.slot ?? null, next: t.words[nextE]?.slot ?? null, lastMatched: lastMatchedE };
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
  const whole = { start: first ? first.start : start, end: last ? last.end : end };
  return { template: t, ...whole, exact: differences.length === 0, captures, differences, similarity, core: coreOf(ops, found) ?? whole };
}

/** Found words [first, last] of the matched run, widened over a change (words dropped and added) at either end. */
function coreOf(ops: Op[], found: FoundWord[]): { start: number; end: number } | undefined {
  const anchored = (op: Op) => op.op === 'match' || op.op === 'absorb';
  const firstK = ops.findIndex(anchored);
  if (firstK === -1) return undefined;
  let lastK = ops.length - 1;
  while (!anchored(ops[lastK]!)) lastK--;
  const foundAt = (op: Op) => (op as { f: number }).f;
  let from = foundAt(ops[firstK]!);
  let to = foundAt(ops[lastK]!);
  const lead = ops.slice(0, firstK);
  if (lead.some((o) => o.op === 'drop') && lead.some((o) => o.op === 'add')) from = foundAt(lead.find((o) => o.op === 'add')!);
  const tail = ops.slice(lastK + 1);
  if (tail.some((o) => o.op === 'drop') && tail.some((o) => o.op === 'add')) to = foundAt(tail.filter((o) => o.op === 'add').pop()!);
  return { start: found[from]!.start, end: found[to]!.end };
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
  around: { prev: string | null; next: string | null; lastMatched: number },
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
  if (kind === 'cut-short') {
    // Everything after the last word present is missing, a site slot that absorbed nothing included.
    const missing = t.words.slice(around.lastMatched + 1);
    const missingSlots = [...new Set(missing.flatMap((w) => (w.slot ? [w.slot] : [])))];
    const fullExpected = displayOf(t.display.slice(missing[0]!.displayStart, missing[missing.length - 1]!.displayEnd));
    return { kind, slot, missingSlots, expected: fullExpected, found: foundText, start, end };
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
