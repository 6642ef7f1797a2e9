import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold, foldAction, foldText, FoldedText, skeletonOf } from '../src/text/fold.js';

describe('fold', () => {
  it('maps Arabic yeh and kaf to Persian, after NFKC for presentation forms', () => {
    expect(fold('خبرگزاري فارس')).toBe('خبرگزاری فارس');
    expect(fold('صوتى')).toBe('صوتی'); // U+0649
    expect(fold('كميته')).toBe('کمیته');
    expect(fold('\uFEF3\uFEDB')).toBe('یک'); // presentation forms: NFKC gives Arabic yeh/kaf, then mapped
  });

  it('folds the three digit scripts to ASCII', () => {
    expect(fold('۱۳۸۲/۱۰/۱۷')).toBe('1382/10/17');
    expect(fold('١٣٨٢')).toBe('1382');
    expect(fold('۱۴0۳/۳/۳0')).toBe('1403/3/30'); // mixed scripts, as on-dad.ir writes them
  });

  it('drops tatweel, harakat and bidi controls, and folds alef-madda to alef as one letter (no NFD split)', () => {
    expect(fold('دنیـــا')).toBe('دنیا');
    expect(fold('مصوّب')).toBe('مصوب');
    expect(fold('\u200fایرنا\u200e')).toBe('ایرنا');
    expect(fold('آثار')).toBe('اثار');
    expect(fold('مؤلفان')).toBe(fold('مولفان'));
    expect(fold('هٔ')).toBe('ه');
    expect(fold('ۀ')).toBe('ه');
  });

  it('treats ZWNJ, ZWJ, NBSP and runs of spaces as one space, and a run with a line break as a newline', () => {
    expect(fold('شبکه\u200cهای')).toBe('شبکه های');
    expect(fold('مجلس\u00a0\u00a0شورای')).toBe('مجلس شورای');
    expect(foldText('a \r\n b').text).toBe('a\nb');
    expect(fold('تیتر&zwnj;آنلاین')).toBe('تیتر انلاین');
  });

  it('gives ZWNJ, space and nothing the same skeleton', () => {
    expect(skeletonOf('شبکه‌های')).toBe(skeletonOf('شبکه های'));
    expect(skeletonOf('شبکه های')).toBe(skeletonOf('شبکههای'));
    expect(skeletonOf('هر گونه')).toBe(skeletonOf('هرگونه'));
  });

  it('folds quote styles to one', () => {
    expect(fold('«ایرنا» “ایرنا”')).toBe('"ایرنا" "ایرنا"');
  });

  it('maps every folded unit back to the original range it came from', () => {
    const original = 'ك\u0640ي\u200c ۷۴';
    const f = foldText(original);
    expect(f.text).toBe('کی 74');
    // ك(0) ـ(1) ي(2) ZWNJ(3) space(4) ۷(5) ۴(6): the ZWNJ+space run is one folded space covering 3..5.
    expect([0, 1, 2, 3, 4].map((k) => f.startOf(k))).toEqual([0, 2, 3, 5, 6]);
    expect([0, 1, 2, 3, 4].map((k) => f.endOf(k))).toEqual([1, 3, 5, 6, 7]);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((o) => f.foldedAt(o))).toEqual([0, 1, 1, 2, 3, 3, 4, 5]);
    expect(f.toOriginal(0, 2)).toEqual([0, 3]); // kaf..yeh spans the dropped tatweel
    expect(f.toOriginal(3, 5)).toEqual([5, 7]);
  });

  it('keeps mapped offsets inside the original and in order (property)', () => {
    const alphabet = [...'اآبپتکكیيى۰۱0١ـًّ \u200c\u200d\u200e\u200f\u00a0\n\r\t«»"،ۀة', '&zwnj;', '\uFEF3', '\uFEFB', 'A', '😀'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 80 }), (parts) => {
        const original = parts.join('');
        const f = foldText(original);
        for (let i = 0; i < f.text.length; i++) {
          expect(f.startOf(i)).toBeGreaterThanOrEqual(0);
          expect(f.endOf(i)).toBeLessThanOrEqual(original.length);
          expect(f.startOf(i)).toBeLessThan(f.endOf(i));
          if (i > 0) expect(f.startOf(i)).toBeGreaterThanOrEqual(f.endOf(i - 1) - (f.startOf(i) === f.startOf(i - 1) ? 1 : 0));
          expect(f.foldedAt(f.startOf(i))).toBeLessThanOrEqual(i); // the inverse finds this unit or one sharing its start
        }
        const sk = f.skeleton;
        for (let i = 0; i < sk.text.length; i++) {
          expect(f.text[sk.toFolded(i)]).toBe(sk.text[i]);
          if (i > 0) expect(sk.toFolded(i)).toBeGreaterThan(sk.toFolded(i - 1));
        }
      }),
      { numRuns: 500 },
    );
  });
});

/**
 * The plainest possible folding, one unit at a time, as an oracle for foldText (which copies untouched runs as
 * slices for speed). Entities are left out of the alphabet below, as this oracle does not decode them.
 */
function foldOneByOne(original: string): { text: string; start: number[]; end: number[] } {
  let text = '';
  const start: number[] = [];
  const end: number[] = [];
  let lastKind = 0;
  for (let i = 0; i < original.length; i++) {
    const a = foldAction(original.charCodeAt(i));
    const emit = (u: string) => {
      text += u;
      start.push(i);
      end.push(i + 1);
    };
    if (a >= 0) {
      emit(String.fromCharCode(a));
      lastKind = 0;
    } else if (a === -2 || a === -3) {
      if (lastKind !== 0) {
        end[end.length - 1] = i + 1;
        if (a === -3 && lastKind === 1) {
          text = text.slice(0, -1) + '\n';
          lastKind = 2;
        }
      } else {
        emit(a === -3 ? '\n' : ' ');
        lastKind = a === -3 ? 2 : 1;
      }
    } else if (a === -4) {
      for (const u of original[i]!.normalize('NFKC')) {
        const f = foldAction(u.charCodeAt(0));
        if (f >= 0) {
          emit(String.fromCharCode(f));
          lastKind = 0;
        }
      }
    }
  }
  return { text, start, end };
}

describe('foldText against a one-unit-at-a-time oracle', () => {
  it('gives the same text and the same map (property)', () => {
    const alphabet = [...'ابپکكیيى۰۱0١ـًّ \u200c\u200d\u200e\u200f\u00a0\n\r\t«»"،ۀةAz.', '\uFEF3', '\uFEFB', '  ', ' \n '];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 60 }), (parts) => {
        const original = parts.join('');
        const want = foldOneByOne(original);
        const got = foldText(original);
        expect(got.text).toBe(want.text);
        for (let k = 0; k < want.text.length; k++) expect([got.startOf(k), got.endOf(k)]).toEqual([want.start[k], want.end[k]]);
      }),
      { numRuns: 1000 },
    );
  });

  it('the corpus folds the same both ways', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const dir = new URL('./fixtures/corpus/fars-originals/', import.meta.url);
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.txt')).slice(0, 40)) {
      const original = readFileSync(new URL(f, dir), 'utf8');
      const want = foldOneByOne(original);
      const got = foldText(original);
      expect(got.text, f).toBe(want.text);
      const sample = [0, 1, 2, Math.floor(want.text.length / 2), want.text.length - 1];
      for (const k of sample) expect([got.startOf(k), got.endOf(k)], `${f} unit ${k}`).toEqual([want.start[k], want.end[k]]);
    }
  });
});

describe('a folded text sent to another thread (toParts, fromParts)', () => {
  it('comes back the same: text, map both ways and skeleton (property)', () => {
    const alphabet = [...'ابپکكیيى۰۱0١ـًّ \u200c\u200d\u200e\u200f\u00a0\n\r\t«»"،ۀةAz.', '\uFEF3', '\uFEFB', '  ', ' \n ', '&zwnj;', '&nbsp;'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 60 }), (parts) => {
        const original = parts.join('');
        const here = foldText(original);
        // structuredClone: what postMessage does to the parts on the way.
        const there = FoldedText.fromParts(original, structuredClone(here.toParts()));
        expect(there.text).toBe(here.text);
        expect(there.skeleton.text).toBe(here.skeleton.text);
        for (let k = 0; k <= here.text.length; k++) expect([there.startOf(k), there.endOf(k)]).toEqual([here.startOf(k), here.endOf(k)]);
        for (let o = 0; o <= original.length; o++) expect(there.foldedAt(o)).toBe(here.foldedAt(o));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the units wider than one (a run of spaces, an entity, CRLF) and where they are', () => {
    const original = 'الف   ب&zwnj;ج\r\nد';
    const there = FoldedText.fromParts(original, structuredClone(foldText(original).toParts()));
    expect(there.text).toBe('الف ب ج\nد');
    // «   » is one space of width 3, «&zwnj;» one space of width 6, CRLF one newline of width 2.
    expect(there.toOriginal(3, 4)).toEqual([3, 6]);
    expect(there.toOriginal(5, 6)).toEqual([7, 13]);
    expect(there.toOriginal(7, 8)).toEqual([14, 16]);
    expect(there.toOriginal(8, 9)).toEqual([16, 17]);
  });
});

describe('attribution forms', () => {
  it('a form with a fixed start is found where that start occurs, even split by a space; one without is searched once', async () => {
    const { compileForm, matchForms } = await import('../src/text/form.js');
    const text = foldText('متن خبر.\nمنبع\u200cخبر: «ایرنا»\n');
    const anchored = matchForms(text, [compileForm('منبع خبر: {source}')]);
    expect(anchored.map((m) => text.text.slice(m.captures.source!.start, m.captures.source!.end))).toEqual(['ایرنا']);
    const free = foldText('ایرنا گزارش داد');
    const unanchored = matchForms(free, [compileForm('{source} گزارش داد')]);
    expect(unanchored.map((m) => free.text.slice(m.captures.source!.start, m.captures.source!.end))).toEqual(['ایرنا']);
  });
});
