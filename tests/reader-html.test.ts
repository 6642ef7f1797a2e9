import { beforeAll, describe, expect, it } from 'vitest';
import type { Document } from '../src/documents/model.js';
import { extractHtml, htmlReader, selectorProblem } from '../src/documents/readers/html.js';
import { readerForPath } from '../src/documents/readers/index.js';
import type { ReaderOptions } from '../src/documents/readers/types.js';
import type { Engine } from '../src/engine/engine.js';
import { positionOf, reference, builtinEngine } from './helpers.js';

// The reference article (IRNA story republished by Titr Online), split into its parts.
const lines = reference().split('\n');
const TITLE = lines[0]!;
const BYLINE = lines[2]!;
const BODY = lines.slice(3, -2).filter((l) => l.trim());
const ATTRIBUTION = lines[lines.length - 2]!;
const NOTICE = lines[lines.length - 1]!;
const COPYRIGHT = 'کلیه حقوق این وب‌سایت متعلق به تیترآنلاین است.';

/** A Titr-like page: head, site header, the article, the page footer. */
function page(parts: { head?: string; article?: string; afterArticle?: string; footer?: string } = {}): string {
  const article = parts.article ?? `<p>${ATTRIBUTION}</p>\n<p>${NOTICE}</p>\n`;
  return [
    '<!DOCTYPE html>',
    '<html lang="fa" dir="rtl"><head><meta charset="utf-8">',
    `<title>${TITLE} - تیترآنلاین</title>`,
    parts.head ?? '',
    '</head><body>',
    '<header><a href="/">تیترآنلاین</a><nav><ul><li>سیاسی</li><li>اقتصادی</li></ul></nav></header>',
    '<main><article>',
    `<h1>${TITLE}</h1>`,
    `<div class="meta">${BYLINE}</div>`,
    ...BODY.map((p) => `<p>${p}</p>`),
    article + '</article>',
    parts.afterArticle ?? '',
    '</main>',
    `<footer>${parts.footer ?? `<div>${COPYRIGHT}</div>`}</footer>`,
    '</body></html>',
    '',
  ].join('\n');
}

let engine: Engine;
beforeAll(async () => {
  engine = await builtinEngine();
});

function read(html: string, options: ReaderOptions = {}): Document {
  const r = htmlReader.read('page.html', html, options)[0]!;
  if (!r.ok) throw new Error(r.problem.message);
  return r.document;
}

/** `ruleId line:column` of every finding that counts (suppressed ones are left out). */
function findings(html: string, options: ReaderOptions = {}): string[] {
  return engine
    .check(read(html, options))
    .findings.filter((f) => !f.suppressions?.length)
    .map((f) => `${f.ruleId} ${f.line}:${f.column}`);
}

const at = (html: string, needle: string, from = 0) => {
  const p = positionOf(html, needle, from);
  return `${p.line}:${p.column}`;
};

/** Where a "missing" finding points: just after the given text (the end of the last block). */
const after = (html: string, text: string) => {
  const k = html.lastIndexOf(text);
  const p = positionOf(html, html.slice(k + text.length, k + text.length + 1), k + text.length);
  return `${p.line}:${p.column}`;
};

describe('HTML reader', () => {
  it('is registered for .html and .htm', () => {
    expect(readerForPath('a/b.html')?.format).toBe('html');
    expect(readerForPath('B.HTM')?.format).toBe('html');
  });

  it('the reference article as a Titr page passes, with the notice in the article or in the page footer', () => {
    expect(findings(page())).toEqual([]);
    expect(findings(page({ article: '', footer: `<p>${ATTRIBUTION}</p><p>${NOTICE}</p><div>${COPYRIGHT}</div>` }))).toEqual([]);
  });

  it('a changed notice is reported at the changed words in the HTML file', () => {
    const html = page({ article: `<p>${ATTRIBUTION}</p>\n<p>\n  ${NOTICE.replace('ماده ۷۴', 'ماده ۷۵')}\n</p>\n` });
    expect(findings(html)).toEqual([`notice/altered ${at(html, '۷۵')}`]);
  });

  describe('entities', () => {
    const notice = NOTICE.replace('ماده ۷۴', 'ماده&#160;&#x6F7;&#1780;').replace('هرگونه', 'هر&zwnj;گونه').replace('مجلس شورای اسلامی', 'مجلس&nbsp;شورای&nbsp;اسلامی');

    it('are decoded: &zwnj;, &nbsp; and numeric references in the notice pass', () => {
      const html = page({ article: `<p>${ATTRIBUTION}</p>\n<p>${notice}</p>\n` });
      const doc = read(html);
      expect(doc.text).toContain('ماده\u00a0۷۴');
      expect(doc.text).toContain('هر\u200cگونه');
      expect(doc.text).toContain('مجلس\u00a0شورای\u00a0اسلامی');
      expect(doc.text).not.toContain('&');
      expect(findings(html)).toEqual([]);
    });

    it('positions point at the reference that stands for a character, and after it unit by unit', () => {
      const html = page({ article: `<p>${ATTRIBUTION}</p>\n<p>${notice.replace('&#x6F7;&#1780;', '&#x6F7;&#1781;')}</p>\n` });
      // «۷۵» starts with the reference &#x6F7;
      expect(findings(html)).toEqual([`notice/altered ${at(html, '&#x6F7;&#1781;')}`]);
      const doc = read(html);
      const p = (o: number) => `${doc.locate(o).line}:${doc.locate(o).column}`;
      expect(p(doc.text.indexOf('\u200cگونه'))).toBe(at(html, '&zwnj;'));
      const g = positionOf(html, '&zwnj;گونه');
      expect(p(doc.text.indexOf('\u200cگونه') + 1)).toBe(`${g.line}:${g.column + '&zwnj;'.length}`);
      expect(p(doc.text.indexOf('\u200cگونه') + 3)).toBe(`${g.line}:${g.column + '&zwnj;'.length + 2}`);
    });

    it('extractHtml maps each decoded character to its reference and copies the rest', () => {
      const html = '<p>a&amp;b &#1740;&zwnj;c</p>';
      const { text, toSource } = extractHtml(html, { fragment: true });
      expect(text).toBe('a&b ی\u200cc');
      expect([...text].map((_, k) => toSource(k))).toEqual([3, 4, 9, 10, 11, 18, 24]);
      expect(toSource(text.length)).toBe(html.indexOf('</p>'));
    });
  });

  it('the text of script, style, noscript, template and comments is never read', () => {
    const hidden = [`<script>var n = "${NOTICE}";</script>`, `<style>/* ${NOTICE} */</style>`, `<noscript>${NOTICE}</noscript>`, `<template><p>${NOTICE}</p></template>`, `<!-- ${NOTICE} -->`].join('\n');
    const html = page({ article: `<p>${ATTRIBUTION}</p>\n${hidden}\n` });
    expect(read(html).text).not.toContain('با استناد');
    expect(findings(html)).toEqual([`notice/missing ${after(html, COPYRIGHT)}`]);
    // and a «ماده ۷۵» in a script does not make a passing page fail
    expect(findings(page({ head: '<script>const notice = "با استناد به ماده ۷۵ قانون تجارت الکترونیک";</script>' }))).toEqual([]);
  });

  describe('malformed HTML is read as a browser reads it', () => {
    it('unclosed paragraphs, misnested inline tags, stray end tags', () => {
      const broken = NOTICE.replace('ماده ۷۴ قانون تجارت', '<b>ماده ۷۵ <i>قانون</b> تجارت</i>');
      const html = page({ article: `<p>${ATTRIBUTION}\n<p>${broken}</div></span>\n` }).replace('</body></html>', '');
      const doc = read(html);
      expect(doc.text).toContain(`${ATTRIBUTION}\n\nبا استناد به ماده ۷۵ قانون تجارت الکترونیک`);
      expect(findings(html)).toEqual([`notice/altered ${at(html, '۷۵')}`]);
    });

    it('text inside a table but outside its cells is moved before the table (foster parenting)', () => {
      const { text } = extractHtml('<table><tr><td>خانه</td></tr>بیرون<tr><td>دوم</td></tr></table>', { fragment: true });
      expect(text).toBe('بیرون\n\nخانه\n\nدوم');
    });

    it('text the parser merges across a dropped tag is mapped to its node', () => {
      const html = '<p>الف</span>ب</p>';
      const { text, toSource } = extractHtml(html, { fragment: true });
      expect(text).toBe('الفب');
      expect(toSource(3)).toBe(3); // the node's start: «ب» cannot be told apart from the dropped tag
    });

    it('whitespace collapses as on screen; <br> ends a line; blocks leave a blank line; <pre> is kept', () => {
      const { text } = extractHtml('<div>\n  یک\n  دو<br>سه <b> چهار </b>\n</div><p>پنج</p><pre>\n  a\n   b</pre><table><tr><td>x</td><td>y</td></tr></table>', { fragment: true });
      expect(text).toBe('یک دو\nسه چهار\n\nپنج\n\n  a\n   b\n\nx y');
    });
  });

  describe('content selection', () => {
    // A teaser <article> comes first; the story is in div#story.
    const teaser = `<article class="teaser"><p>${TITLE}</p></article>`;
    const story = page().replace('<main><article>', `<main>${teaser}<div id="story" class="news body">`).replace('</article>\n\n</main>', '</div>\n</main>');

    it('default: the first article (here the teaser)', () => {
      expect(read(story).text).toBe(`${TITLE}\n\n${COPYRIGHT}`);
    });

    it('a selector picks the content: #id, .class, tag.class, tag#id', () => {
      for (const selector of ['#story', '.news', 'div.body', 'div#story', 'main .news']) expect(findings(story, { html: { selector } })).toEqual([]);
    });

    it('comma-separated alternatives are tried in order; nothing matching falls back to the body', () => {
      expect(read(story, { html: { selector: '.missing, #story, article' } }).text.startsWith(TITLE + '\n\n' + BYLINE)).toBe(true);
      expect(read(story, { html: { selector: 'article.teaser, #story' } }).text).toBe(`${TITLE}\n\n${COPYRIGHT}`);
      expect(read(story, { html: { selector: '.missing' } }).text).toContain('تیترآنلاین\n\nسیاسی\n\nاقتصادی');
    });

    it('an unsupported selector is one input/unsupported problem', () => {
      expect(selectorProblem('div > p')).toMatch(/not supported/);
      expect(selectorProblem('article, main')).toBeUndefined();
      const [r] = htmlReader.read('page.html', story, { html: { selector: 'div > p' } });
      expect(r!.ok ? undefined : r!.problem.ruleId).toBe('input/unsupported');
    });
  });

  describe('the page footer', () => {
    it('is read after the article as the footer region, wherever it stands in the file', () => {
      const html = page({ article: '', footer: `<p>${ATTRIBUTION}</p><p>${NOTICE}</p><div>${COPYRIGHT}</div>` });
      const moved = html.replace(/<footer>.*<\/footer>\n/s, '').replace('<main>', `${html.match(/<footer>.*<\/footer>/s)![0]}\n<main>`);
      const doc = read(moved);
      expect(doc.text.endsWith(`${ATTRIBUTION}\n\n${NOTICE}\n\n${COPYRIGHT}`)).toBe(true);
      expect(doc.regions.find((r) => r.name === 'footer')!.start).toBe(doc.text.indexOf(ATTRIBUTION));
      expect(findings(moved)).toEqual([]);
      const altered = moved.replace('ماده ۷۴', 'ماده ۷۵');
      expect(findings(altered)).toEqual([`notice/altered ${at(altered, '۷۵')}`]);
    });

    it('a footer that is not a <footer> element, outside the article, is not read', () => {
      const html = page({ article: '', footer: `<p>${ATTRIBUTION}</p><p>${NOTICE}</p><div>${COPYRIGHT}</div>` }).replace('<footer>', '<div class="site-footer">').replace('</footer>', '</div>');
      const end = after(html, BODY[BODY.length - 1]!);
      expect(findings(html)).toEqual([`attribution/missing ${end}`, `notice/missing ${end}`]);
    });

    it('when the content is the whole body, its <footer> is still the page footer region', () => {
      const html = page({ article: '', footer: `<p>${ATTRIBUTION}</p><p>${NOTICE}</p><div>${COPYRIGHT}</div>` });
      expect(findings(html, { html: { selector: 'body' } })).toEqual([]);
      // as a plain <div>, the copyright line ends the text and is not a footer line: the notice is out of the footer
      const div = html.replace('<footer>', '<div class="site-footer">').replace('</footer>', '</div>');
      expect(findings(div, { html: { selector: 'body' } })).toEqual([`notice/position ${at(div, 'با استناد')}`]);
    });

    it('a footer of a sidebar section is not the page footer and is not read', () => {
      const html = page({ afterArticle: '<aside><footer>ویجت</footer></aside>' });
      expect(read(html).text).not.toContain('ویجت');
      expect(findings(html)).toEqual([]);
    });

    it('extractHtml gives where the page footer starts', () => {
      const r = extractHtml('<body><article><p>متن</p></article><footer><p>پانویس</p></footer></body>', {});
      expect(r.text).toBe('متن\n\nپانویس');
      expect(r.pageFooterStart).toBe(5);
      expect(extractHtml('<article><p>متن</p></article>', {}).pageFooterStart).toBeUndefined();
    });
  });

  it('metadata: site, published, source, title and url from meta and link tags', () => {
    const head = [
      '<meta property="og:site_name" content="تیترآنلاین">',
      '<meta property="article:published_time" content="2020-07-08T17:40:00+04:30">',
      '<meta name="author" content="  ایرنا ">',
      '<meta property="og:title" content="تهران و دمشق">',
      '<link rel="canonical" href="https://titr.online/fa/news/1">',
    ].join('\n');
    expect(read(page({ head })).metadata).toEqual({ site: 'تیترآنلاین', published: '2020-07-08T17:40:00+04:30', source: 'ایرنا', title: 'تهران و دمشق', url: 'https://titr.online/fa/news/1' });
    // <meta name="source"> comes before the author; <title> when there is no og:title
    expect(read(page({ head: '<meta property="article:author" content="ایسنا"><meta name="source" content="ایرنا">' })).metadata).toEqual({ source: 'ایرنا', title: `${TITLE} - تیترآنلاین` });
  });

  it('the metadata source is the declared origin: an attribution naming another outlet is a mismatch', () => {
    const html = page({ head: '<meta name="source" content="ایسنا">' });
    expect(findings(html)).toEqual([`attribution/mismatch ${at(html, 'ایرنا" است')}`]);
  });

  describe('directives in HTML comments', () => {
    const altered = (comment: string) => page({ article: `<p>${ATTRIBUTION}</p>\n${comment}\n<p>${NOTICE.replace('ماده ۷۴', 'ماده ۷۵')}</p>\n` });

    it('disable-next-line suppresses the finding on the next line of the HTML', () => {
      const html = altered('<!-- manba-disable-next-line notice/altered -- the site cites the article as numbered in its own copy -->');
      const doc = read(html);
      expect(doc.directives).toEqual([{ kind: 'disable-next-line', ids: ['notice/altered'], reason: 'the site cites the article as numbered in its own copy', start: 0, end: 0, line: positionOf(html, '<!-- manba').line }]);
      expect(findings(html)).toEqual([]);
      const all = engine.check(doc).findings;
      expect(all.map((f) => `${f.ruleId} ${f.line}:${f.column} ${f.suppressions?.[0]?.justification}`)).toEqual([`notice/altered ${at(html, '۷۵')} the site cites the article as numbered in its own copy`]);
    });

    it('a disable comment in the head covers the page; the same text outside a comment is no directive', () => {
      const html = altered('').replace('</head>', '<!-- manba-disable notice -- a test page -->\n</head>');
      expect(findings(html)).toEqual([]);
      const escaped = altered('<p>&lt;!-- manba-disable-next-line notice/altered -- no --&gt;</p>');
      expect(read(escaped).directives).toBeUndefined();
      expect(findings(escaped)).toEqual([`notice/altered ${at(escaped, '۷۵')}`]);
    });

    it('a directive without a reason suppresses nothing', () => {
      const html = altered('<!-- manba-disable-next-line notice/altered -->');
      expect(findings(html).map((f) => f.split(' ')[0]).sort()).toEqual(['notice/altered', 'suppression/missing-reason']);
    });
  });
});

describe('scope: article', () => {
  it('the page footer counts by default; with scope: article the notice and attribution must stand in the article', async () => {
    const { mkdtempSync, writeFileSync, copyFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { cli, ROOT } = await import('./helpers.js');
    const dir = mkdtempSync(join(tmpdir(), 'manba-scope-'));
    copyFileSync(`${ROOT}examples/html/pass-titr-page-footer.html`, join(dir, 'page.html'));
    copyFileSync(`${ROOT}examples/html/pass-titr-article.html`, join(dir, 'article.html'));
    const before = await cli(['check', '.', '--format', 'json'], { cwd: dir });
    expect(before.code).toBe(0);
    writeFileSync(join(dir, 'manba.config.yaml'), 'scope: article\n');
    const after = await cli(['check', '.', '--format', 'json'], { cwd: dir });
    const ids = Object.fromEntries((JSON.parse(after.stdout) as { documents: { path: string; findings: { ruleId: string }[] }[] }).documents.map((d) => [d.path, d.findings.map((f) => f.ruleId)]));
    expect(ids).toEqual({ 'article.html': [], 'page.html': ['notice/position', 'attribution/missing'] });
  });
});
