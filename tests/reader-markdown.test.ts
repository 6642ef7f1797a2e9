import { describe, expect, it } from 'vitest';
import { blankMarkdown, markdownReader } from '../src/documents/readers/markdown.js';
import { positionOf, reference, builtinEngine } from './helpers.js';

const read = (source: string) => {
  const r = markdownReader.read('a.md', source, {})[0]!;
  if (!r.ok) throw new Error('not read');
  return r.document;
};

describe('Markdown reader', () => {
  it('front matter becomes metadata and is not article text', () => {
    const doc = read('---\nsource: خبرگزاری فارس\nurl: https://farsnews.ir/x\ntitle: عنوان\ndate: 2020-07-08\nsite: تیترآنلاین\n---\n# عنوان\n\nمتن\n');
    expect(doc.metadata).toEqual({ source: 'خبرگزاری فارس', url: 'https://farsnews.ir/x', title: 'عنوان', published: '2020-07-08', site: 'تیترآنلاین' });
    expect(doc.text.slice(0, doc.text.indexOf('عنوان', 60)).trim()).toBe('');
  });

  it('syntax is blanked in place, so the text keeps the file length and offsets', () => {
    const source = '# تیتر\n\n> نقل **مهم** و [ایرنا](https://irna.ir) ![x](a.png) `code`\n- مورد\n';
    const { text } = blankMarkdown(source);
    expect(text.length).toBe(source.length);
    expect(text.replace(/\s+/g, ' ').trim()).toBe('تیتر نقل مهم و ایرنا مورد');
    expect(text.indexOf('ایرنا')).toBe(source.indexOf('ایرنا'));
  });

  it('the metadata source is the declared origin; findings point into the Markdown file', async () => {
    const engine = await builtinEngine();
    const body = reference().split('\n').slice(2).join('\n').replace('منبع خبر "ایرنا"', 'منبع خبر "ایسنا"');
    const source = `---\nsource: ایرنا\n---\n# عنوان\n\n${body}`;
    const findings = engine.check(read(source)).findings;
    // The byline says ایرنا too; the front matter's source comes first, so the message names the metadata.
    expect(findings.map((f) => `${f.ruleId} ${f.line}:${f.column}`)).toEqual([`attribution/mismatch ${positionOf(source, 'ایسنا').line}:${positionOf(source, 'ایسنا').column}`]);
    expect(findings[0]!.message).toContain('(in the metadata, line 1)');
  });

  it('a notice only inside a code block does not count', async () => {
    const engine = await builtinEngine();
    const lines = reference().split('\n');
    const notice = lines.pop()!;
    const source = `${lines.join('\n')}\n\n~~~\n${notice}\n~~~\n`;
    expect(engine.check(read(source)).findings.map((f) => f.ruleId)).toEqual(['notice/missing']);
  });
});
