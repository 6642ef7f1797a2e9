/**
 * Persian/Arabic folding with an offset map back to the original text.
 *
 * One pass over the original builds the folded text; every folded UTF-16 unit remembers the original
 * range it came from, so a match in folded text is reported at the original line and column.
 * Order matters (see shared/domain/normalization.md): presentation forms go through NFKC first and the
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

/** HTML entities that scraped plain text still carries literally (`&zwnj;` in Titr pages). */
const ENTITY = /&(?:(zwnj|zwj|nbsp|lrm|rlm|thinsp|ensp|emsp)|#(8204|8205|160|8206|8207)|#x(200c|200d|a0|200e|200f));/iy;
const ENTITY_ACTION: Record<string, number> = {
  zwnj: SPACE, zwj: SPACE, nbsp: SPACE, thinsp: SPACE, ensp: SPACE, emsp: SPACE, lrm: DROP, rlm: DROP,
  '8204': SPACE, '8205': SPACE, '160': SPACE, '8206': DROP, '8207': DROP,
  '200c': SPACE, '200d': SPACE, a0: SPACE, '200e': DROP, '200f': DROP,
};

/** Folded text: `text[i]` came from `original.slice(start[i], end[i])`. */
export class FoldedText {
  constructor(
    readonly original: string,
    readonly text: string,
    readonly start: Uint32Array,
    readonly end: Uint32Array,
    /** Letters and digits only (plus date separators), for comparing long legal texts; built in the same pass. */
    readonly skeleton: Skeleton,
  ) {}

  /** The original range covered by folded range [from, to). */
  toOriginal(from: number, to: number): [number, number] {
    if (to <= from) {
      const at = from < this.text.length ? this.start[from]! : this.original.length;
      return [at, at];
    }
    return [this.start[from]!, this.end[to - 1]!];
  }

}

/**
 * The folded text with spaces and punctuation removed: «هر گونه» and «هرگونه», «تیتر‌آنلاین» and «تیترآنلاین»
 * become the same. '/' and '-' stay, as dates need them. `toFolded[i]` is the folded index of `text[i]`;
 * `wordStart[i]` is 1 where a word starts in the folded text, so differences can be widened to whole words.
 */
export interface Skeleton {
  readonly text: string;
  readonly toFolded: Uint32Array;
  readonly wordStart: Uint8Array;
}

function isSkeletonUnit(c: number): boolean {
  if (c >= 0x30 && c <= 0x39) return true; // digits
  if (c >= 0x61 && c <= 0x7a) return true; // latin (already lower-cased)
  if (c === 0x2f || c === 0x2d) return true; // '/', '-'
  if (c >= 0x0620 && c <= 0x06ff) return !(c >= 0x060c && c <= 0x061f) && c !== 0x066a && c !== 0x066b && c !== 0x066c && c !== 0x06d4;
  if (c >= 0xc0 && c < 0x2000) return true; // other letters
  return false;
}

const skeletonUnit = (() => {
  const t = new Uint8Array(0x10000);
  for (let c = 0; c < t.length; c++) t[c] = isSkeletonUnit(c) ? 1 : 0;
  return t;
})();

/** Fold a whole text, keeping the map back to it. A tight loop: this runs once per document on every run. */
export function foldText(original: string): FoldedText {
  const n = original.length;
  const cap = n + 16;
  let out = new Uint16Array(cap);
  let start = new Uint32Array(cap);
  let end = new Uint32Array(cap);
  let len = 0;
  let lastKind = 0; // 0 other text, 1 space, 2 newline, 3 a skeleton unit (letter, digit)
  // The skeleton is built in the same pass: the folded units that are letters, digits, '/' or '-'.
  let skel = new Uint16Array(cap);
  let skelToFolded = new Uint32Array(cap);
  let skelWordStart = new Uint8Array(cap);
  let skelLen = 0;
  let i = 0;
  while (i < n) {
    const c = original.charCodeAt(i);
    let action = table[c]!;
    let width = 1;
    if (c === 0x26 /* & */) {
      ENTITY.lastIndex = i;
      const m = ENTITY.exec(original);
      if (m) {
        action = ENTITY_ACTION[(m[1] ?? m[2] ?? m[3] ?? '').toLowerCase()]!;
        width = m[0].length;
      }
    }
    if (action >= 0) {
      if (skeletonUnit[action]) {
        skel[skelLen] = action;
        skelToFolded[skelLen] = len;
        skelWordStart[skelLen] = lastKind === 3 ? 0 : 1;
        skelLen++;
        out[len] = action;
        start[len] = i;
        end[len] = i + width;
        len++;
        lastKind = 3; // a skeleton unit: the next one continues its word
        i += width;
        continue;
      }
      out[len] = action;
      start[len] = i;
      end[len] = i + width;
      len++;
      lastKind = 0;
    } else if (action === SPACE || action === NEWLINE) {
      if ((lastKind === 1 || lastKind === 2) && len > 0) {
        end[len - 1] = i + width; // extend the run
        if (action === NEWLINE && lastKind === 1) {
          out[len - 1] = 0x0a;
          lastKind = 2;
        }
      } else {
        out[len] = action === NEWLINE ? 0x0a : 0x20;
        start[len] = i;
        end[len] = i + width;
        len++;
        lastKind = action === NEWLINE ? 2 : 1;
      }
    } else if (action === COMPAT) {
      const compat = String.fromCharCode(c).normalize('NFKC');
      if (len + compat.length >= out.length) {
        // A ligature expanded: grow the buffers (rare; presentation forms only).
        out = grow16(out, compat.length);
        start = grow32(start, compat.length);
        end = grow32(end, compat.length);
        skel = grow16(skel, compat.length);
        skelToFolded = grow32(skelToFolded, compat.length);
        const ws = new Uint8Array(skelWordStart.length * 2 + compat.length);
        ws.set(skelWordStart);
        skelWordStart = ws;
      }
      for (let k = 0; k < compat.length; k++) {
        const u = compat.charCodeAt(k);
        const folded = table[u]!;
        if (folded >= 0) {
          if (skeletonUnit[folded]) {
            skel[skelLen] = folded;
            skelToFolded[skelLen] = len;
            skelWordStart[skelLen] = lastKind === 3 ? 0 : 1;
            skelLen++;
          }
          out[len] = folded;
          start[len] = i;
          end[len] = i + 1;
          len++;
          lastKind = skeletonUnit[folded] ? 3 : 0;
        }
      }
    }
    // DROP: nothing
    i += width;
  }
  const skeleton: Skeleton = { text: decodeUnits(skel, skelLen), toFolded: skelToFolded.slice(0, skelLen), wordStart: skelWordStart.slice(0, skelLen) };
  return new FoldedText(original, decodeUnits(out, len), start.slice(0, len), end.slice(0, len), skeleton);
}

function grow16(a: Uint16Array<ArrayBuffer>, extra: number): Uint16Array<ArrayBuffer> {
  const b = new Uint16Array(a.length * 2 + extra);
  b.set(a);
  return b;
}

function grow32(a: Uint32Array<ArrayBuffer>, extra: number): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(a.length * 2 + extra);
  b.set(a);
  return b;
}

const utf16 = new TextDecoder('utf-16le');

function decodeUnits(units: Uint16Array, len: number): string {
  return utf16.decode(units.subarray(0, len));
}

/** Fold a short string (a name, a template word) without keeping the map. */
export function fold(s: string): string {
  return foldText(s).text.trim();
}

/** The skeleton of a short string: what two names must share to be the same name. */
export function skeletonOf(s: string): string {
  return foldText(s).skeleton.text;
}
