import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readPlainText } from '../src/documents/readers/text.js';
import { builtinEngine, CORPUS } from './helpers.js';

/** A short article: a title, the given lead, one more paragraph, no footer. */
const article = (lead: string) => `عنوان خبر درباره بازار\n\n${lead} متن نخست خبر درباره بازار است.\n\nبند دوم خبر.\n`;

async function check(text: string) {
  return (await builtinEngine()).check(readPlainText('a.txt', text));
}

describe('declared source from a lead prefix', () => {
  it('a real Fars original: «خبرگزاري فارس:» (Arabic yeh) is the declared source', async () => {
    const text = readFileSync(`${CORPUS}fars-originals/fars_028.txt`, 'utf8');
    expect((await check(text)).facts?.declared).toEqual([{ name: 'خبرگزاري فارس', where: 'lead-prefix', outlet: 'fars', line: 3, column: 1 }]);
  });

  it('«اقتصادنیوز:» at the start of the lead is the declared source, and the attribution is suggested from it', async () => {
    const r = await check(article('اقتصادنیوز:'));
    expect(r.facts?.declared).toEqual([{ name: 'اقتصادنیوز', where: 'lead-prefix', outlet: 'eghtesadnews', line: 3, column: 1 }]);
    expect(r.findings.filter((f) => f.ruleId === 'attribution/missing').map((f) => f.message)).toEqual([
      // The source is known; the site the line names is not (no --site), so the fix cannot be written.
      'No source attribution. Add a footer line naming the outlet the story came from, e.g. «منبع: اقتصادنیوز». Not fixable automatically: the publishing site is not known (give --site, or site: in the config).',
    ]);
  });

  const junk: Record<string, string> = {
    'a spreadsheet formula': 'body =HYPERLINK("http://example.com/a","x")',
    'a bare URL': 'http://example.com/news:',
    'a time of day': 'ساعت 10:30',
    'a quotation': '«نقل قول»:',
    'four words, a sentence, not a name': 'این یک جمله بلند:',
    'digits in the name': 'خبر24:',
  };
  for (const [what, lead] of Object.entries(junk)) {
    it(`is never taken from arbitrary text before a colon: ${what}`, async () => {
      const r = await check(article(lead));
      expect(r.facts?.declared).toBeUndefined();
      expect(r.findings.filter((f) => f.ruleId === 'attribution/missing').map((f) => f.message)).toEqual([
        'No source attribution. Add a footer line naming the outlet the story came from, e.g. «منبع: X». Not fixable automatically: the article does not say where it came from (no byline, dateline, lead, front matter or source field names an outlet), and manba never guesses a source.',
      ]);
    });
  }
});

describe('declared source from the end marker', () => {
  const endMarkers = async (text: string) => (await check(text)).facts?.declared?.filter((d) => d.where === 'end-marker') ?? [];

  it('is taken from «انتهای پیام/ X» on a line of its own, the first such line', async () => {
    const text = 'عنوان خبر\n\nمتن خبر درباره بازار است.\nانتهای متن\nانتهای پیام/ ایرنا\nانتهای پیام/ فارس\n';
    expect(await endMarkers(text)).toEqual([{ name: 'ایرنا', where: 'end-marker', outlet: 'irna', line: 5, column: 14 }]);
  });

  it('is taken from the first line of the text, and after a text that opens with a line break', async () => {
    expect(await endMarkers('انتهای پیام/ ایرنا\n')).toEqual([{ name: 'ایرنا', where: 'end-marker', outlet: 'irna', line: 1, column: 14 }]);
    expect(await endMarkers('\nانتهای پیام/ ایرنا')).toEqual([{ name: 'ایرنا', where: 'end-marker', outlet: 'irna', line: 2, column: 14 }]);
  });

  it('is not taken from the words inside a line', async () => {
    expect(await endMarkers('عنوان خبر\n\nمتن خبر انتهای پیام/ ایرنا\n')).toEqual([]);
  });
});
