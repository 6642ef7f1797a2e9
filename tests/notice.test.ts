import { describe, expect, it } from 'vitest';
import { checkText } from '../src/index.js';
import { positionOf, reference } from './helpers.js';

const ref = reference();
const NOTICE_LINE = positionOf(ref, 'با استناد به ماده').line;

async function findings(text: string, opts: { site?: string; lang?: 'fa' | 'en' } = {}) {
  const r = await checkText(text, opts);
  return r.findings;
}

describe('Article 74 notice: cosmetic differences pass', () => {
  const cosmetic: Record<string, string> = {
    'Arabic yeh and kaf': ref.replace(/ی/g, 'ي').replace(/ک/g, 'ك'),
    'CRLF line ends': ref.replace(/\n/g, '\r\n'),
    'ASCII article number': ref.replace('ماده ۷۴', 'ماده 74'),
    'Arabic-Indic digits': ref.replace('۱۳۸۲/۱۰/۱۷', '١٣٨٢/١٠/١٧'),
    'date as D-M-Y': ref.replace('۱۳۸۲/۱۰/۱۷', '۱۷-۱۰-۱۳۸۲'),
    'date with spaces': ref.replace('۱۳۸۲/۱۰/۱۷', '۱۳۸۲ / ۱۰ / ۱۷'),
    'هر گونه with a space': ref.replace('هرگونه', 'هر گونه'),
    'مؤلفان with hamza': ref.replace('مولفان', 'مؤلفان'),
    'ZWNJ inside the site name': ref.replace('سایت تیترآنلاین', 'سایت تیتر\u200cآنلاین'),
    kashida: ref.replace('مبادلات', 'مبـــادلات'),
    shadda: ref.replace('مصوب', 'مصوّب'),
    'bidi marks': ref.replace('تصویری', '\u200fتصویری\u200e'),
    NBSP: ref.replace('مجلس شورای', 'مجلس\u00a0شورای'),
    'line wrapped inside the notice': ref.replace('توزیع و یا', 'توزیع\nو یا'),
    'comma dropped': ref.replace('متنی، صوتی', 'متنی صوتی'),
    'law written الکترونیکی': ref.replace('قانون تجارت الکترونیک', 'قانون تجارت الکترونیکی'),
    'guillemets around the source': ref.replace('"ایرنا"', '«ایرنا»'),
  };
  for (const [name, text] of Object.entries(cosmetic)) {
    it(name, async () => {
      expect(await findings(text)).toEqual([]);
    });
  }
});

describe('Article 74 notice: real changes fail and name what changed', () => {
  it('a changed article number', async () => {
    const text = ref.replace('ماده ۷۴', 'ماده ۷۵');
    const [f, ...rest] = await findings(text);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ ruleId: 'notice/altered', severity: 'error', ...positionOf(text, '۷۵', text.indexOf('با استناد')) });
    expect(f!.message).toBe('The Article 74 notice is altered (article number): expected «۷۴», found «۷۵». Use the canonical wording.');
    expect(f!.evidence).toEqual({ expected: '۷۴', found: '۷۵' });
  });

  it('a changed approval date, compared as a date', async () => {
    const text = ref.replace('۱۳۸۲/۱۰/۱۷', '۱۷-۱۰-۱۳۸۳');
    const fs = await findings(text);
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ ruleId: 'notice/altered', ...positionOf(text, '۱۷-۱۰-۱۳۸۳') });
    expect(fs[0]!.message).toContain('(approval date): expected «۱۳۸۲/۱۰/۱۷», found «۱۷-۱۰-۱۳۸۳»');
  });

  // Found by reading the code: a date that could not be read as a date used to pass when the rest matched.
  it.each(['۱۳۸۲/۱۳/۱۷', '۱۲/۱۰/۱۷', '۱۳۸۲/۱۰/۳۹'])('an approval date that is no date (%s) is a change, not a pass', async (date) => {
    const text = ref.replace('۱۳۸۲/۱۰/۱۷', date);
    const fs = await findings(text);
    expect(fs.map((f) => `${f.ruleId} ${f.line}:${f.column}`)).toEqual([`notice/altered ${positionOf(text, date).line}:${positionOf(text, date).column}`]);
    expect(fs[0]!.message).toBe(`The Article 74 notice is altered (approval date): expected «۱۳۸۲/۱۰/۱۷», found «${date}». Use the canonical wording.`);
  });

  it('a changed law name', async () => {
    const text = ref.replace('قانون تجارت الکترونیک', 'قانون مجازات اسلامی');
    const fs = await findings(text);
    expect(fs.map((f) => f.ruleId)).toEqual(['notice/altered']);
    expect(fs[0]).toMatchObject(positionOf(text, 'مجازات'));
    expect(fs[0]!.message).toContain('(law): expected «تجارت الکترونیک», found «مجازات اسلامی»');
  });

  it('a changed approving body', async () => {
    const text = ref.replace('مجلس شورای اسلامی و', 'هیئت وزیران و');
    const fs = await findings(text);
    expect(fs[0]).toMatchObject({ ruleId: 'notice/altered', ...positionOf(text, 'هیئت وزیران') });
    expect(fs[0]!.message).toContain('(approving body): expected «مجلس شورای اسلامی», found «هیئت وزیران»');
  });

  it('a liability clause that drops the news source', async () => {
    const text = ref.replace('بر عهده منبع خبر و کاربران است', 'بر عهده کاربران است');
    const fs = await findings(text);
    expect(fs).toHaveLength(1);
    // A dropped phrase points at the word after the gap.
    expect(fs[0]).toMatchObject({ ruleId: 'notice/altered', ...positionOf(text, 'کاربران است'), endColumn: positionOf(text, 'کاربران است').column });
    expect(fs[0]!.message).toContain('(liability clause): «منبع خبر و» is missing');
  });

  it('a phrase added to the liability clause', async () => {
    const text = ref.replace('هرگونه محتوای', 'هرگونه محتوای غیرقانونی و');
    const fs = await findings(text);
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ ruleId: 'notice/altered', ...positionOf(text, 'غیرقانونی و') });
    expect(fs[0]!.message).toContain('«غیرقانونی و» was added');
  });

  it('a notice cut short', async () => {
    const text = ref.replace(/مصداق بستر مبادلات[^\n]*/, 'مصداق بستر مبادلات');
    const fs = await findings(text);
    expect(fs.map((f) => f.ruleId)).toEqual(['notice/altered']);
    expect(fs[0]!.line).toBe(NOTICE_LINE);
    expect(fs[0]!.message).toContain('the text is cut short: «الکترونیکی متنی، صوتی و تصویری است');
  });

  it('several changes give one finding each, in order', async () => {
    const text = ref.replace('ماده ۷۴', 'ماده ۷۵').replace('مجلس شورای اسلامی و', 'هیئت وزیران و');
    expect((await findings(text)).map((f) => `${f.ruleId} ${f.line}:${f.column}`)).toEqual([
      `notice/altered ${NOTICE_LINE}:${positionOf(text, '۷۵').column}`,
      `notice/altered ${NOTICE_LINE}:${positionOf(text, 'هیئت').column}`,
    ]);
  });

  it('a notice with no article number at all (Khabarfarsi K1) is not an Article 74 notice', async () => {
    const k1 = 'جستجوگر خبر فارسی، بستر مبادلات الکترونیکی متنی، صوتی و تصویری است (قانون تجارت الکترونیک). برای مشاهده متن خبری که جستجو کردهاید، "ادامه خبر" را زده، وارد سایت منتشر کننده شوید (بیشتر بدانید ...)';
    const text = ref.replace(/با استناد به ماده[^\n]*/, k1);
    expect((await findings(text)).map((f) => f.ruleId)).toEqual(['notice/missing']);
  });

  it('messages come in Persian too', async () => {
    const fs = await findings(ref.replace('ماده ۷۴', 'ماده ۷۵'), { lang: 'fa' });
    expect(fs[0]!.message).toBe('اطلاعیه ماده ۷۴ تغییر کرده است (شماره ماده): به جای «۷۴» آمده است «۷۵». متن رسمی را به کار ببرید.');
  });
});

describe('Article 74 notice cut short after its citation (as real pages end)', () => {
  const CITATION = 'با استناد به ماده ۷۴ قانون تجارت الکترونیک مصوب ۱۳۸۲/۱۰/۱۷ مجلس شورای اسلامی';
  const noticeLine = ref.split('\n')[NOTICE_LINE - 1]!;
  const rest = noticeLine.slice(noticeLine.indexOf(CITATION) + CITATION.length).trim();
  /** The reference with its notice line replaced by `line`. */
  const withNotice = (line: string) => ref.replace(noticeLine, line);

  it('the citation and nothing after is notice/altered naming the site and the liability clause, not notice/missing', async () => {
    const fs = await findings(withNotice(CITATION));
    expect(fs.map((f) => ({ ruleId: f.ruleId, line: f.line, column: f.column, message: f.message }))).toEqual([
      {
        ruleId: 'notice/altered',
        line: NOTICE_LINE,
        // Where the missing words belong: right after «اسلامی».
        column: CITATION.length + 1,
        message:
          'The Article 74 notice is altered (site, liability clause): the text is cut short: «و با عنایت به اینکه سایت {site} مصداق بستر مبادلات الکترونیکی متنی، صوتی و تص…» is missing at the end. Use the canonical wording.',
      },
    ]);
  });

  it('names the missing parts in Persian too', async () => {
    const fs = await findings(withNotice(CITATION), { lang: 'fa' });
    expect(fs[0]!.message).toContain('اطلاعیه ماده ۷۴ تغییر کرده است (نام سایت، بند مسئولیت): متن ناقص است: «و با عنایت به اینکه سایت');
  });

  it('a cut at every word boundary after the citation is notice/altered naming what is missing', async () => {
    const words = rest.split(' ');
    expect(words.length).toBeGreaterThan(40);
    for (let k = 0; k < words.length; k++) {
      const kept = [CITATION, ...words.slice(0, k)].join(' ');
      const fs = await findings(withNotice(kept));
      // The site is missing until its name (تیترآنلاین) is there; the liability clause is missing in every cut.
      const parts = kept.includes('تیترآنلاین') ? 'liability clause' : 'site, liability clause';
      const firstMissing = words[k]!.replace(/[^\p{L}\p{N}]+$/u, '');
      const lastChar = kept.replace(/[^\p{L}\p{N}]+$/u, '').length;
      expect(fs.map((f) => `${f.ruleId} ${f.line}:${f.column}`), kept).toEqual([`notice/altered ${NOTICE_LINE}:${lastChar + 1}`]);
      expect(fs[0]!.message, kept).toContain(`is altered (${parts}): the text is cut short: «`);
      // The quote starts at the first missing word (or at the site slot when the site name is missing).
      const quote = /cut short: «([^»]*)»/u.exec(fs[0]!.message)![1]!;
      expect(quote.startsWith(firstMissing) || (quote.startsWith('{site}') && words[k - 1] === 'سایت'), `${kept} → ${quote}`).toBe(true);
    }
  });

  it('the opening through the article number alone («با استناد به ماده ۷۴») still says which notice it is', async () => {
    const opening = 'با استناد به ماده ۷۴';
    const fs = await findings(withNotice(opening));
    expect(fs.map((f) => `${f.ruleId} ${f.line}:${f.column}`)).toEqual([`notice/altered ${NOTICE_LINE}:${opening.length + 1}`]);
    expect(fs[0]!.message).toContain('is altered (law, approval date, approving body, site, liability clause): the text is cut short: «قانون تجارت الکترونیک مصوب');
  });

  it('fewer words than that («با استناد به») name no notice: notice/missing', async () => {
    const fs = await findings(withNotice('با استناد به'));
    expect(fs.map((f) => f.ruleId)).toEqual(['notice/missing']);
  });

  it('prose citing Article 74 of another law is not a notice cut short', async () => {
    const fs = await findings(withNotice('با استناد به ماده ۷۴ قانون کار'));
    expect(fs.map((f) => f.ruleId)).toEqual(['notice/missing']);
  });

  it('a paragraph that goes on after the citation with other words is not a copy cut short', async () => {
    const fs = await findings(withNotice(`${CITATION} این گزارش را منتشر کرد و خبرنگاران از جزئیات آن در نشست امروز پرسیدند`));
    expect(fs.map((f) => f.ruleId)).toEqual(['notice/missing']);
  });
});

describe('notice/position and notice/site', () => {
  it('a notice inside the body', async () => {
    const lines = ref.split('\n');
    const notice = lines.pop()!;
    lines.splice(4, 0, notice);
    const text = lines.join('\n');
    const fs = await findings(text);
    expect(fs.map((f) => `${f.ruleId} ${f.line}:${f.column}`)).toEqual(['notice/position 5:1']);
  });

  it('a notice naming another site than the attribution footer', async () => {
    const text = ref.replace('اینکه سایت تیترآنلاین', 'اینکه سایت خبرآنلاین');
    const fs = await findings(text);
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ ruleId: 'notice/site', ...positionOf(text, 'خبرآنلاین'), evidence: { expected: 'تیترآنلاین', found: 'خبرآنلاین' } });
  });

  it('the configured site wins over the attribution footer', async () => {
    const fs = await findings(ref, { site: 'زندگی آنلاین' });
    expect(fs.map((f) => f.ruleId)).toEqual(['notice/site']);
    expect(fs[0]!.message).toContain('«زندگی آنلاین» (as set by site: in the config or --site)');
    expect(await findings(ref, { site: 'تیتر آنلاین' })).toEqual([]); // spacing folds
  });
});

describe('attribution', () => {
  it('missing, with the declared source as the suggestion', async () => {
    const text = ref.replace(/منبع خبر "ایرنا"[^\n]*\n/, '');
    const fs = await findings(text);
    expect(fs.map((f) => f.ruleId)).toEqual(['attribution/missing']);
    expect(fs[0]!.message).toContain('«منبع: ایرنا»');
  });

  it('a mismatch names both outlets and where the origin was found', async () => {
    const text = ref.replace('منبع خبر "ایرنا"', 'منبع خبر "ایسنا"');
    const fs = await findings(text);
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ ruleId: 'attribution/mismatch', ...positionOf(text, 'ایسنا') });
    expect(fs[0]!.message).toBe('The attribution names «ایسنا», but the article names «ایرنا» as its origin (in the byline, line 3). Name «ایرنا» in the attribution.');
  });

  it('accepts «منبع: X» lines, with the name on the next line', async () => {
    const text = ref.replace(/منبع خبر "ایرنا"[^\n]*/, 'منبع:\nایرنا');
    expect(await findings(text, { site: 'تیترآنلاین' })).toEqual([]);
  });

  it('compares names after folding and ignores generic words', async () => {
    const text = ref.replace('منبع خبر "ایرنا"', 'منبع خبر "خبرگزاري ايرنا"');
    expect(await findings(text)).toEqual([]);
  });

  it('uses the dateline when there is no byline', async () => {
    const text = ref.replace('ایرنا چهارشنبه 18 تیر 1399 - 17:40\n', '').replace('منبع خبر "ایرنا"', 'منبع خبر "مهر"');
    const fs = await findings(text);
    expect(fs.map((f) => f.ruleId)).toEqual(['attribution/mismatch']);
    expect(fs[0]!.message).toContain('(in the dateline, line 3)');
  });
});

describe('line ends and patterns (regressions)', () => {
  it('a file with old Mac line ends (lone CR) reads as the same article', async () => {
    expect(await findings(ref.replace(/\n/g, '\r'))).toEqual([]);
  });

  it('a changed article number is found at the same line and column whatever the line ends', async () => {
    const changed = ref.replace('ماده ۷۴', 'ماده ۷۵');
    const at = positionOf(changed, '۷۵');
    const where = async (text: string) => (await findings(text)).map((f) => [f.ruleId, f.line, f.column]);
    expect(await where(changed)).toEqual([['notice/altered', NOTICE_LINE, at.column]]);
    expect(await where(changed.replace(/\n/g, '\r\n'))).toEqual([['notice/altered', NOTICE_LINE, at.column]]);
    expect(await where(changed.replace(/\n/g, '\r'))).toEqual([['notice/altered', NOTICE_LINE, at.column]]);
    // CRLF with one line ended by a lone CR, before the notice: still one line end.
    const mixed = changed.replace(/\n/g, '\r\n').replace('\r\n', '\r');
    expect(await where(mixed)).toEqual([['notice/altered', NOTICE_LINE, at.column]]);
  });
});
