/**
 * The expression of a legal text, whose words are separated by gaps of up to twelve characters that are neither
 * letters nor digits: `[^\p{L}\p{N}]{0,12}`.
 *
 * Why two forms: irregexp builds the Unicode class anew at every gap, some seventy in the Article 74 notice, and
 * compiling one such expression takes 50–75 ms at its first use, in every thread that checks. The quick form spells
 * its gap as "anything but the letters and digits of ASCII and the Arabic block", a larger class that compiles in
 * a tenth of the time. The full form is compiled only when the quick one cannot decide.
 *
 * Why the quick form's answer is the full form's: every match of the full form is a match of the quick one, found in
 * the same order of trying (the same expression, only the gap class differs). So when the quick form finds nothing,
 * neither would the full; and when its first match holds no letter or digit outside ASCII and the Arabic block,
 * every gap in it is a true gap, so it is also the full form's first match: same start, same groups. Any other
 * match (a Cyrillic letter between two words, a Latin-extended site name in a wildcard) goes to the full form.
 */

/** The gap between two words of a legal text, as the rules define it. */
export const GAP = '[^\\p{L}\\p{N}]{0,12}';

/**
 * The letters and digits of ASCII and of the Arabic block (U+0600–U+06FF), as ranges: the characters folded
 * Persian text is made of. tests/gap-expression.test.ts checks them against \p{L} and \p{N}.
 */
export const COMMON_LETTERS = '0-9A-Za-z\\u0620-\\u064a\\u0660-\\u0669\\u066e\\u066f\\u0671-\\u06d3\\u06d5\\u06e5\\u06e6\\u06ee-\\u06fc\\u06ff';

const QUICK_GAP = `[^${COMMON_LETTERS}]{0,12}`;
/** A letter or digit the quick gap would have let through. */
const OTHER_LETTER = new RegExp(`(?![${COMMON_LETTERS}])[\\p{L}\\p{N}]`, 'u');
/**
 * A character outside ASCII and the Arabic block: without one, a match holds no OTHER_LETTER. A plain class, not
 * a Unicode one: irregexp tests a folded notice for it in a tenth of the time.
 */
const OUTSIDE_COMMON_BLOCKS = /[^\x00-\x7f\u0600-\u06ff]/;

/** The most UTF-16 units one gap can span: twelve characters, each possibly astral. */
export const GAP_MAX_UNITS = 24;

/**
 * A word every match of the expression holds, starting with a character that is rare in prose (a digit: the
 * article number), and the most UTF-16 units a match can span before it. The expression is then tried only from
 * that far before the word's first occurrence, which a native indexOf of its first character finds: irregexp had
 * tried it at every «ب» of the article, a common letter (what is left is mostly the match itself).
 */
export interface RequiredWord {
  /** The word as the expression spells it (its letters, a space allowed between them). */
  source: string;
  /** Its first character, as written in the text. */
  first: string;
  before: number;
}

export class GapExpression {
  private readonly quick: RegExp;
  private full: RegExp | null = null;
  private readonly requiredAt: RegExp | null;

  /** `source` joins words with GAP; it holds GAP nowhere else. */
  constructor(
    private readonly source: string,
    private readonly required?: RequiredWord,
  ) {
    this.quick = new RegExp(source.replaceAll(GAP, QUICK_GAP), 'gu');
    this.requiredAt = required ? new RegExp(required.source, 'uy') : null;
  }

  /** The first match at or after `from`, as the full expression would find it. */
  exec(text: string, from: number): RegExpExecArray | null {
    if (this.required) {
      // A match holds the required word at or after its own start, so no match starts before the word's first
      // occurrence less what can precede it; with no occurrence there is no match.
      const at = this.firstRequired(text, from);
      if (at === -1) return null;
      from = Math.max(from, at - this.required.before);
    }
    this.quick.lastIndex = from;
    const m = this.quick.exec(text);
    if (m === null || !OUTSIDE_COMMON_BLOCKS.test(m[0]) || !OTHER_LETTER.test(m[0])) return m;
    this.full ??= new RegExp(this.source, 'gu');
    this.full.lastIndex = from;
    return this.full.exec(text);
  }

  /** Where the required word first occurs at or after `from`, or -1. */
  private firstRequired(text: string, from: number): number {
    const { first } = this.required!;
    const at = this.requiredAt!;
    for (let k = text.indexOf(first, from); k !== -1; k = text.indexOf(first, k + 1)) {
      at.lastIndex = k;
      if (at.test(text)) return k;
    }
    return -1;
  }
}
