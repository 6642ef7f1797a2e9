/**
 * Persian/Arabic folding with an offset map back to the original text.
 *
 * One pass over the original builds the folded text; every folded UTF-16 unit remembers the original
 * range it came from, so a match in folded text is reported at the original line and column.
 * Order matters (see docs/domain.md#normalization): presentation forms go through NFKC first and the
 * result is then mapped like any other letter, so NFKC's Arabic yeh/kaf end up Persian. We never apply NFD:
 * it splits آ into ا + U+0653 and ۀ into U+06D5 + U+0654.
 */

/** What a code unit folds to: a code unit (>= 0) or one of these actions. */
const DROP = -1; // marks, tatweel, bidi controls: they vanish
const SPACE = -2; // any horizontal space, ZWNJ, ZWJ: runs collapse to one ' '
const NEWLINE = -3; // any line break: a run containing one collapses to '\n'
const COMPAT = -4; // presentation/compatibility forms: NFKC, then fold each resulting unit

const table = buildTable();

function buildTable(): Int32Array {
  const t = new Int32Array(0x10000);
  for (let c = 0; c < t.length; c++) t[c] = c;
  const set = (chars: string, to: number | string) => {
    const v = typeof to === 'string' ? to.charCodeAt(0) : to;
    for (const ch of chars) t[ch.charCodeAt(0)] = v;
  };
  const range = (from: number, to: number, v: number) => {
    for (let c = from; c <= to; c++) t[c] = v;
  };
  // Latin capitals: "IRIB" and "Irib" name the same outlet.
  for (let c = 0x41; c <= 0x5a; c++) t[c] = c + 0x20;
  // Letters.
  set('\u064A\u0649\u06CC\u06D0\u06CD\u06D2\u06D3\u0626\u08A9\u0777', 'ی'); // yeh forms, yeh with hamza
  set('\u0643\u06AA\u06A9', 'ک'); // kaf forms
  set('\u0629\u06C0\u06D5\u06C1\u06C2\u06BE\u06C3', 'ه'); // teh marbuta, heh with hamza, heh forms
  set('\u0622\u0623\u0625\u0671\u0672\u0673', 'ا'); // alef with madda/hamza/wasla
  set('\u0624', 'و'); // waw with hamza: مؤلفان = مولفان
  set('\u0621', DROP); // lone hamza: «اجزاء» = «اجزا»
  // Digits: Persian and Arabic-Indic to ASCII.
  for (let d = 0; d < 10; d++) {
    t[0x06f0 + d] = 0x30 + d;
    t[0x0660 + d] = 0x30 + d;
  }
  // Punctuation with one meaning and several shapes.
  set('\u060C\u066C', ',');
  set('\u061B', ';');
  set('\u061F', '?');
  set('\u066A', '%');
  set('\u066B', '.');
  set('\u00AB\u00BB\u201C\u201D\u201E\u201F\u2033\u301D\u301E\u02BA', '"');
  set('\u2018\u2019\u201A\u201B\u2032\u02B9', "'");
  set('\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uFE58\uFE63', '-');
  // Marks: harakat, Quranic marks, superscript alef, hamza above/below.
  range(0x064b, 0x065f, DROP);
  t[0x0670] = DROP;
  range(0x06d6, 0x06dc, DROP);
  range(0x06df, 0x06e8, DROP);
  range(0x06ea, 0x06ed, DROP);
  t[0x0640] = DROP; // tatweel (kashida)
  t[0x00ad] = DROP; // soft hyphen
  // Bidi and other invisible controls.
  set('\u200E\u200F\u061C\u2060\uFEFF\u180E', DROP);
  range(0x202a, 0x202e, DROP);
  range(0x2066, 0x2069, DROP);
  // Spaces (ZWNJ and ZWJ included: "شبکه‌های", "شبکه های" and "شبکههای" must compare equal).
  set('\t\u000B\u000C \u00A0\u1680\u200B\u200C\u200D\u202F\u205F\u3000', SPACE);
  range(0x2000, 0x200a, SPACE);
  set('\n\r\u0085\u2028\u2029', NEWLINE);
  // Compatibility forms: Arabic presentation forms A and B, fullwidth ASCII.
  range(0xfb50, 0xfdff, COMPAT);
  range(0xfe70, 0xfefe, COMPAT);
  range(0xff01, 0xff5e, COMPAT);
  t[0xfeff] = DROP;
  return t;
}

/**
 * What folding does with one UTF-16 unit: the unit it becomes (>= 0), or -1 drop, -2 space, -3 line break,
 * -4 compatibility form (NFKC first). Exported for tests that check foldText against a plain per-unit loop.
 */
export function foldAction(c: number): number {
  return table[c]!;
}

/** HTML entities that scraped plain text still carries literally (`&zwnj;` in Titr pages). */
const ENTITY = /&(?:(zwnj|zwj|nbsp|lrm|rlm|thinsp|ensp|emsp)|#(8204|8205|160|8206|8207)|#x(200c|200d|a0|200e|200f));/iy;
const ENTITY_ACTION: Record<string, number> = {
  zwnj: SPACE, zwj: SPACE, nbsp: SPACE, thinsp: SPACE, ensp: SPACE, emsp: SPACE, lrm: DROP, rlm: DROP,
  '8204': SPACE, '8205': SPACE, '160': SPACE, '8206': DROP, '8207': DROP,
  '200c': SPACE, '200d': SPACE, a0: SPACE, '200e': DROP, '200f': DROP,
};

/**
 * A monotone map from indices of a derived string to indices of its source, stored sparsely: a list of
 * breakpoints where `source = derived + delta` changes. Most folded units map one to one, so a document needs
 * a few dozen breakpoints (dropped marks, merged line breaks) instead of an entry per character.
 */
export class OffsetMap {
  constructor(
    /** Derived indices where a new delta starts, ascending; the first is 0. */
    private readonly at: Int32Array,
    private readonly delta: Int32Array,
  ) {}

  private segment(i: number): number {
    let lo = 0;
    let hi = this.at.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.at[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  toSource(i: number): number {
    return i + this.delta[this.segment(i)]!;
  }

  /** True when derived index i starts a new segment (the unit before it did not map to the source unit before). */
  startsSegment(i: number): boolean {
    return this.at[this.segment(i)] === i;
  }

  /** The breakpoints, as plain data (see FoldedParts). */
  parts(): { at: Int32Array; delta: Int32Array } {
    return { at: this.at, delta: this.delta };
  }
}

/**
 * A folded text as plain data, to be sent to another thread (structured clone): the text a read-ahead thread folded
 * crosses as these parts, without its original, which the receiving thread already has.
 */
export interface FoldedParts {
  text: string;
  at: Int32Array;
  delta: Int32Array;
  /** The wide units, as pairs: folded index, width. */
  wide: Int32Array;
}

/** Folded text: folded unit k came from `original.slice(startOf(k), endOf(k))`. */
export class FoldedText {
  constructor(
    readonly original: string,
    readonly text: string,
    private readonly map: OffsetMap,
    /** Units that cover more than one original unit (merged space runs, entities), by folded index. */
    private readonly wide: Map<number, number>,
  ) {}

  private skeletonCache: Skeleton | undefined;

  /** This folded text as data another thread can be sent; `fromParts` with the same original gives it back. */
  toParts(): FoldedParts {
    return { text: this.text, ...this.map.parts(), wide: wideToInts(this.wide) };
  }

  /** The folded text of `original` that `toParts` gave, in this thread. */
  static fromParts(original: string, parts: FoldedParts): FoldedText {
    const wide = new Map<number, number>();
    for (let k = 0; k < parts.wide.length; k += 2) wide.set(parts.wide[k]!, parts.wide[k + 1]!);
    return new FoldedText(original, parts.text, new OffsetMap(parts.at, parts.delta), wide);
  }

  /** Letters and digits only (plus date separators), for aligning long legal texts. Built on first use only. */
  get skeleton(): Skeleton {
    return (this.skeletonCache ??= buildSkeleton(this.text));
  }

  startOf(k: number): number {
    return k >= this.text.length ? this.original.length : this.map.toSource(k);
  }

  endOf(k: number): number {
    return this.startOf(k) + (this.wide.get(k) ?? 1);
  }

  /** The original range covered by folded range [from, to). */
  toOriginal(from: number, to: number): [number, number] {
    if (to <= from) {
      const at = this.startOf(from);
      return [at, at];
    }
    return [this.startOf(from), this.endOf(to - 1)];
  }

  /** The first folded unit that starts at or after an original offset. */
  foldedAt(offset: number): number {
    let lo = 0;
    let hi = this.text.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.map.toSource(mid) < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * The folded text with spaces and punctuation removed: «هر گونه» and «هرگونه», «تیتر‌آنلاین» and «تیترآنلاین»
 * become the same. '/' and '-' stay, as dates need them. A word of the skeleton is a run of units that were
 * adjacent in the folded text, so differences can be widened to whole words.
 */
export class Skeleton {
  constructor(
    readonly text: string,
    private readonly map: OffsetMap,
  ) {}

  /** The folded index of skeleton unit i. */
  toFolded(i: number): number {
    return this.map.toSource(i);
  }

  isWordStart(i: number): boolean {
    return i === 0 || this.map.startsSegment(i);
  }
}

/** Letters, digits, '/' and '-': what a skeleton keeps of folded text. */
export function isSkeletonUnit(c: number): boolean {
  if (c >= 0x30 && c <= 0x39) return true; // digits
  if (c >= 0x61 && c <= 0x7a) return true; // latin (already lower-cased)
  if (c === 0x2f || c === 0x2d) return true; // '/', '-'
  if (c >= 0x0620 && c <= 0x06ff) return !(c >= 0x060c && c <= 0x061f) && c !== 0x066a && c !== 0x066b && c !== 0x066c && c !== 0x06d4;
  if (c >= 0xc0 && c < 0x2000) return true; // other letters
  return false;
}

/** isSkeletonUnit as a lookup table, for hot loops. */
export const skeletonUnit = (() => {
  const t = new Uint8Array(0x10000);
  for (let c = 0; c < t.length; c++) t[c] = isSkeletonUnit(c) ? 1 : 0;
  return t;
})();

let scratch = new Uint16Array(1 << 16);
let input = Buffer.alloc(1 << 17);
let inputUnits = new Uint16Array(input.buffer, input.byteOffset, input.length >> 1);

/**
 * The text's UTF-16 units in a reused typed array. The loop below then reads one kind of array whatever the
 * string's representation (one-byte, two-byte, sliced, concatenated): charCodeAt on strings of mixed kinds made
 * the loop three times slower once names and templates had been folded too.
 */
function unitsOf(text: string): Uint16Array {
  const bytes = text.length * 2;
  if (input.length < bytes) {
    input = Buffer.alloc(Math.max(bytes, input.length * 2));
    inputUnits = new Uint16Array(input.buffer, input.byteOffset, input.length >> 1);
  }
  input.write(text, 0, bytes, 'utf16le');
  return inputUnits;
}

/** Fold a whole text, keeping the map back to it. */
export function foldText(original: string): FoldedText {
  const f = foldUnits(unitsOf(original), original.length, () => original);
  return new FoldedText(original, decodeUnits(f.units, f.length), f.breaks.toMap(), f.wide);
}

/**
 * Fold UTF-16 units that are not a string yet (the read-ahead's thread folds what it decoded) straight into the
 * parts another thread is sent: the same fold as `foldText`, whose parts are the same. The folded units are valid
 * until the next fold in this thread.
 */
export function foldUnitsToParts(units: Uint16Array, length: number): { units: Uint16Array; length: number; at: Int32Array; delta: Int32Array; wide: Int32Array } {
  let text: string | undefined;
  const f = foldUnits(units, length, () => (text ??= decodeUnits(units, length)));
  return { units: f.units, length: f.length, ...f.breaks.toMap().parts(), wide: wideToInts(f.wide) };
}

/** Wide units as pairs in one array: folded index, width. */
function wideToInts(wide: Map<number, number>): Int32Array {
  const out = new Int32Array(wide.size * 2);
  let k = 0;
  for (const [at, width] of wide) {
    out[k++] = at;
    out[k++] = width;
  }
  return out;
}

/**
 * The fold itself, over the first n units of `src`: the folded units (in a reused buffer), the map's breakpoints
 * and the wide units. `original` gives the text as a string, asked only where an entity (`&zwnj;`) may start. A
 * tight loop: this runs once per document on every run.
 */
function foldUnits(src: Uint16Array, n: number, original: () => string): { units: Uint16Array; length: number; breaks: Breakpoints; wide: Map<number, number> } {
  // One scratch buffer reused across documents (folding is synchronous): no allocation per document.
  if (scratch.length < n + 16) scratch = new Uint16Array(Math.max(n + 16, scratch.length * 2));
  let out = scratch;
  let len = 0;
  // Breakpoints of the folded → original map, and units wider than one original unit.
  const breaks = new Breakpoints();
  const wide = new Map<number, number>();
  let lastKind = 0; // 0 text, 1 space, 2 newline
  let runStart = 0;
  let delta = 0; // breaks.delta, kept in a local for the hot loop
  let i = 0;
  while (i < n) {
    const c = src[i]!;
    let action = table[c]!;
    if (action >= 0 && action !== 0x26) {
      // The common case, kept short: a unit that maps to one unit.
      if (i - len !== delta) delta = breaks.add(len, i);
      out[len++] = action;
      lastKind = 0;
      i++;
      continue;
    }
    let width = 1;
    if (c === 0x26 /* & */) {
      ENTITY.lastIndex = i;
      const m = ENTITY.exec(original());
      if (m) {
        action = ENTITY_ACTION[(m[1] ?? m[2] ?? m[3] ?? '').toLowerCase()]!;
        width = m[0].length;
      }
    }
    if (action >= 0) {
      if (i - len !== delta) delta = breaks.add(len, i);
      if (width !== 1) wide.set(len, width);
      out[len++] = action;
      lastKind = 0;
    } else if (action === SPACE || action === NEWLINE) {
      if (lastKind !== 0 && len > 0) {
        wide.set(len - 1, i + width - runStart); // extend the run
        if (action === NEWLINE && lastKind === 1) {
          out[len - 1] = 0x0a;
          lastKind = 2;
        }
      } else {
        if (i - len !== delta) delta = breaks.add(len, i);
        if (width !== 1) wide.set(len, width);
        runStart = i;
        out[len++] = action === NEWLINE ? 0x0a : 0x20;
        lastKind = action === NEWLINE ? 2 : 1;
      }
    } else if (action === COMPAT) {
      const compat = String.fromCharCode(c).normalize('NFKC');
      if (len + compat.length >= out.length) out = grow16(out, compat.length);
      for (let k = 0; k < compat.length; k++) {
        const folded = table[compat.charCodeAt(k)]!;
        if (folded < 0) continue;
        if (i - len !== delta) delta = breaks.add(len, i);
        out[len++] = folded;
        lastKind = 0;
      }
    }
    // DROP: nothing
    i += width;
  }
  return { units: out, length: len, breaks, wide };
}

/** The skeleton of a folded text: one pass, a breakpoint at each word start. */
function buildSkeleton(folded: string): Skeleton {
  const units = new Uint16Array(folded.length);
  const breaks = new Breakpoints();
  let n = 0;
  let prev = -2;
  for (let i = 0; i < folded.length; i++) {
    const c = folded.charCodeAt(i);
    if (!skeletonUnit[c]) continue;
    if (prev !== i - 1) breaks.add(n, i); // a word starts: every word is its own segment
    units[n++] = c;
    prev = i;
  }
  return new Skeleton(decodeUnits(units, n), breaks.toMap());
}

/** Builds an OffsetMap: `add(derived, source)` where the source offset stops following the derived one. */
class Breakpoints {
  private readonly at: number[] = [0];
  private readonly deltas: number[] = [0];
  delta = 0;

  /** Returns the new delta. */
  add(derived: number, source: number): number {
    this.delta = source - derived;
    const last = this.at.length - 1;
    if (this.at[last] === derived) this.deltas[last] = this.delta; // a later unit at the same index wins
    else {
      this.at.push(derived);
      this.deltas.push(this.delta);
    }
    return this.delta;
  }

  toMap(): OffsetMap {
    const n = this.at.length;
    const at = new Int32Array(n);
    const deltas = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      at[k] = this.at[k]!;
      deltas[k] = this.deltas[k]!;
    }
    return new OffsetMap(at, deltas);
  }
}



function grow16(a: Uint16Array<ArrayBuffer>, extra: number): Uint16Array<ArrayBuffer> {
  const b = new Uint16Array(a.length * 2 + extra);
  b.set(a);
  return b;
}

/** UTF-16 units to a string: Buffer's ucs2 copy is about twice as fast as a TextDecoder on Node 20. */
function decodeUnits(units: Uint16Array, len: number): string {
  return Buffer.from(units.buffer, units.byteOffset, len * 2).toString('utf16le');
}

/**
 * Answers for short strings, which recur document after document (an outlet's name, the site a notice names): a
 * small memo, emptied when full, so an archive's thousand different names cannot grow it.
 */
function memoized(compute: (s: string) => string): (s: string) => string {
  const memo = new Map<string, string>();
  return (s) => {
    if (s.length > 200) return compute(s);
    let v = memo.get(s);
    if (v === undefined) {
      if (memo.size >= 1024) memo.clear();
      memo.set(s, (v = compute(s)));
    }
    return v;
  };
}

/** Fold a short string (a name, a template word) without keeping the map. */
export const fold: (s: string) => string = memoized((s) => foldText(s).text.trim());

/** The skeleton of a short string: what two names must share to be the same name. */
export const skeletonOf: (s: string) => string = memoized((s) => foldText(s).skeleton.text);
