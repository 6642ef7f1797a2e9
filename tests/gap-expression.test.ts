import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMON_LETTERS, GAP, GapExpression } from '../src/text/gap-expression.js';
import { compileTemplate } from '../src/text/legal-text.js';

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const full = (source: string) => new RegExp(source, 'gu');
const fullExec = (source: string, text: string, from: number) => {
  const r = full(source);
  r.lastIndex = from;
  return r.exec(text);
};
/** What a test compares of a match: where it starts and what each group holds. */
const shape = (m: RegExpExecArray | null) => (m ? { index: m.index, groups: [...m] } : null);

describe('GapExpression', () => {
  it('spells as common letters only letters and digits, and all of those in ASCII and the Arabic block', () => {
    const common = new RegExp(`[${COMMON_LETTERS}]`, 'u');
    // Inside the class, a character that is not a letter or digit would make the quick gap refuse a true gap.
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      if (common.test(ch)) expect(LETTER_OR_DIGIT.test(ch), `U+${c.toString(16)}`).toBe(true);
    }
    for (let c = 0; c < 0x80; c++) expect(common.test(String.fromCharCode(c)), `U+${c.toString(16)}`).toBe(LETTER_OR_DIGIT.test(String.fromCharCode(c)));
    for (let c = 0x600; c < 0x700; c++) expect(common.test(String.fromCharCode(c)), `U+${c.toString(16)}`).toBe(LETTER_OR_DIGIT.test(String.fromCharCode(c)));
  });

  const article = ['ماده', '74', 'قانون'].join(GAP);

  it('finds words apart by spacing and punctuation, as the full expression does', () => {
    const text = 'متن. ماده - 74، قانون تجارت';
    expect(shape(new GapExpression(article).exec(text, 0))).toEqual({ index: 5, groups: ['ماده - 74، قانون'] });
  });

  it('refuses a letter of another script between two words, which the quick gap lets through', () => {
    expect(new GapExpression(article).exec('ماده ж 74 قانون', 0)).toBeNull();
    expect(new GapExpression(article).exec('ماده ж 74 قانون، ماده 74 قانون', 0)?.index).toBe(17);
  });

  it('gives a wildcard the letters the full gap may not take', () => {
    // The quick gap alone would take « é » and leave the site empty.
    const source = `سایت${GAP}([^]{0,20}?)${GAP}مصداق`;
    const m = new GapExpression(source).exec('سایت é مصداق', 0);
    expect(m?.[1]).toBe('é');
    expect(shape(m)).toEqual(shape(fullExec(source, 'سایت é مصداق', 0)));
  });

  it('finds what the full expression finds, from any position, in text of mixed scripts', () => {
    const source = `ب${GAP}(ماده)${GAP}74${GAP}([^]{0,6}?)${GAP}قانون`;
    const word = fc.constantFrom('ب', 'ماده', '74', 'قانون', 'سایت', 'x');
    const between = fc.array(fc.constantFrom(' ', '،', '-', '\n', '\u200c', 'ж', 'é', '𝐀', '٫', 'x'), { maxLength: 3 }).map((p) => p.join(''));
    // Mostly the words in their order, now and then another word, apart by anything at all.
    const text = fc.tuple(between, fc.array(fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: word }), between), { minLength: 4, maxLength: 6 })).map(([first, rest]) => first + rest.map(([w, gap], k) => (w ?? ['ب', 'ماده', '74', 'x', 'قانون', 'قانون'][k]!) + gap).join(''));
    fc.assert(
      fc.property(text, fc.nat(12), (text, at) => {
        const from = Math.min(at, text.length);
        expect(shape(new GapExpression(source).exec(text, from))).toEqual(shape(fullExec(source, text, from)));
      }),
      { numRuns: 2000 },
    );
  });

  it('searched from a required word, finds what the full expression finds from the start', () => {
    const source = `ب${GAP}(ماده)${GAP}7\\s?4${GAP}([^]{0,6}?)${GAP}قانون`;
    // Before «74»: «ب» (1 unit), «ماده» (4) and two gaps of at most 24 units.
    const required = { source: '7\\s?4', first: '7', before: 1 + 4 + 2 * 24 };
    const word = fc.constantFrom('ب', 'ماده', '74', '7 4', '7', '4', 'قانون', 'x');
    const between = fc.array(fc.constantFrom(' ', '،', '\n', '\u200c', 'ж', '😀', '7', 'x'), { maxLength: 12 }).map((p) => p.join(''));
    const text = fc.tuple(between, fc.array(fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: word }), between), { minLength: 4, maxLength: 6 })).map(([first, rest]) => first + rest.map(([w, gap], k) => (w ?? ['ب', 'ماده', '74', 'x', 'قانون', 'قانون'][k]!) + gap).join(''));
    fc.assert(
      fc.property(text, fc.nat(12), (text, at) => {
        const from = Math.min(at, text.length);
        expect(shape(new GapExpression(source, required).exec(text, from))).toEqual(shape(fullExec(source, text, from)));
      }),
      { numRuns: 3000 },
    );
  });

  it('finds a notice whose words before the article number are spread as wide as the expression allows', () => {
    const slots = { article: { type: 'text' as const, value: 'ماده ۷۴' } };
    const t = compileTemplate('با استناد به {article} قانون تجارت', slots);
    // Every letter apart by a space (a ZWNJ in the original), every gap twelve astral symbols; a «7» of the prose before.
    const spread = (w: string) => [...w].join(' ');
    const gap = '😀'.repeat(12);
    const notice = ['با', 'استناد', 'به', 'ماده', '74', 'قانون', 'تجارت'].map(spread).join(gap);
    const text = `سال 1397 گذشت. ${notice}`;
    expect(t.exact.exec(text, 0)?.index).toBe(text.indexOf('ب ا'));
    expect(t.opening?.exec(text, 0)?.index).toBe(text.indexOf('ب ا'));
  });
});
