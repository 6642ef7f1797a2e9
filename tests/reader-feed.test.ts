import { beforeAll, describe, expect, it } from 'vitest';
import type { ReadResult } from '../src/documents/model.js';
import { feedReader } from '../src/documents/readers/feed.js';
import { readerForPath } from '../src/documents/readers/index.js';
import type { Engine } from '../src/engine/engine.js';
import { positionOf, reference, builtinEngine } from './helpers.js';

const lines = reference().split('\n');
const TITLE = lines[0]!;
const BYLINE = lines[2]!;
const BODY = lines.slice(3, -2).filter((l) => l.trim());
const ATTRIBUTION = lines[lines.length - 2]!;
const NOTICE = lines[lines.length - 1]!;

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The article as the HTML a CMS puts in a feed item. */
function articleHtml(notice: string | null = NOTICE): string {
  return [BYLINE, ...BODY, ATTRIBUTION, ...(notice === null ? [] : [notice])].map((p) => `<p>${p}</p>`).join('\n');
}

function rss(items: string[]): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">',
    '<channel>',
    '<title>تیترآنلاین</title>',
    '<link>https://titr.online/</link>',
    ...items,
    '</channel>',
    '</rss>',
    '',
  ].join('\n');
}

let engine: Engine;
beforeAll(async () => {
  engine = await builtinEngine();
});

const read = (xml: string, path = 'feed.rss'): ReadResult[] => feedReader.read(path, xml, {});

/** Findings by document path: `ruleId line:column`, suppressed ones left out; read problems as `ruleId line:column`. */
function findings(xml: string, path = 'feed.rss'): Record<string, string[]> {
  return Object.fromEntries(
    read(xml, path).map((r) =>
      r.ok
        ? [r.document.path, engine.check(r.document).findings.filter((f) => !f.suppressions?.length).map((f) => `${f.ruleId} ${f.line}:${f.column}`)]
        : [r.problem.path, [`${r.problem.ruleId} ${r.problem.line ?? 0}:${r.problem.column ?? 0}`]],
    ),
  );
}

const at = (xml: string, needle: string, from = 0) => {
  const p = positionOf(xml, needle, from);
  return `${p.line}:${p.column}`;
};

describe('feed reader', () => {
  it('is registered for .rss, .atom and .xml', () => {
    for (const p of ['a.rss', 'b.atom', 'c.XML']) expect(readerForPath(p)?.format).toBe('feed');
  });

  it('RSS: each item is a document file#guid; the title is the first line; positions point into the feed', () => {
    const xml = rss([
      `<item>\n<title>${TITLE}</title>\n<link>https://titr.online/fa/news/1</link>\n<guid isPermaLink="false">titr-1</guid>\n<source url="https://www.irna.ir/">ایرنا</source>\n<pubDate>Wed, 08 Jul 2020 13:10:00 +0000</pubDate>\n<description><![CDATA[${articleHtml()}]]></description>\n</item>`,
      `<item>\n<title>${TITLE}</title>\n<guid isPermaLink="false">titr-2</guid>\n<description>${escape(articleHtml(null))}</description>\n</item>`,
    ]);
    // item 2 has no notice: the finding points at the end of its last block, «(ادامه)» in the escaped HTML
    const second = xml.indexOf('titr-2');
    const end = positionOf(xml, '&lt;/p&gt;</description>', second);
    expect(findings(xml)).toEqual({ 'feed.rss#titr-1': [], 'feed.rss#titr-2': [`notice/missing ${end.line}:${end.column}`] });

    const [first] = read(xml);
    if (!first!.ok) throw new Error('not read');
    const doc = first!.document;
    expect(doc.format).toBe('feed');
    expect(doc.text.startsWith(`${TITLE}\n\n${BYLINE}\n\n${BODY[0]}`)).toBe(true);
    expect(doc.blocks[0]).toEqual({ kind: 'title', start: 0, end: TITLE.length });
    expect(doc.locate(0)).toEqual(positionOf(xml, TITLE));
    expect(doc.locate(doc.text.indexOf(BYLINE))).toEqual(positionOf(xml, BYLINE));
    expect(doc.metadata).toEqual({ title: TITLE, url: 'https://titr.online/fa/news/1', source: 'ایرنا', published: 'Wed, 08 Jul 2020 13:10:00 +0000' });
  });

  it('an altered notice is reported where it stands: in CDATA, and in entity-escaped HTML', () => {
    const altered = NOTICE.replace('ماده ۷۴', 'ماده ۷۵');
    const cdata = rss([`<item><guid>a</guid><title>${TITLE}</title><content:encoded><![CDATA[${articleHtml(altered)}]]></content:encoded></item>`]);
    expect(findings(cdata)).toEqual({ 'feed.rss#a': [`notice/altered ${at(cdata, '۷۵')}`] });
    // escaped, with references of both layers before it: &amp;zwnj; is HTML's &zwnj; inside XML text
    const noisy = escape(articleHtml(altered.replace('با استناد', 'با&zwnj;استناد'))).replace('با&amp;amp;zwnj;استناد', 'با&amp;zwnj;استناد');
    const escaped = rss([`<item><guid>b</guid><title>${TITLE}</title><description>\n${noisy}\n</description></item>`]);
    expect(findings(escaped)).toEqual({ 'feed.rss#b': [`notice/altered ${at(escaped, '۷۵')}`] });
    const r = read(escaped)[0]!;
    if (!r.ok) throw new Error('not read');
    const zwnj = r.document.text.indexOf('با\u200cاستناد');
    expect(r.document.locate(zwnj + 2)).toEqual(positionOf(escaped, '&amp;zwnj;استناد'));
    expect(r.document.locate(zwnj + 3)).toEqual(positionOf(escaped, 'استناد', escaped.indexOf('&amp;zwnj;استناد')));
  });

  it('content:encoded wins over description; an item without guid is file#index', () => {
    const xml = rss([
      `<item><title>یک</title><description>خلاصه</description><content:encoded>&lt;p&gt;متن کامل&lt;/p&gt;</content:encoded></item>`,
      `<item><title>دو</title><description>فقط خلاصه</description></item>`,
    ]);
    const docs = read(xml).map((r) => (r.ok ? [r.document.path, r.document.text] : []));
    expect(docs).toEqual([
      ['feed.rss#1', 'یک\n\nمتن کامل'],
      ['feed.rss#2', 'دو\n\nفقط خلاصه'],
    ]);
  });

  it('a title over several lines, with references, becomes one mapped line', () => {
    const xml = rss(['<item><title>\n   تهران &amp;\n   دمشق   </title><description>متن</description></item>']);
    const r = read(xml)[0]!;
    if (!r.ok) throw new Error('not read');
    expect(r.document.text).toBe('تهران & دمشق\n\nمتن');
    expect(r.document.metadata.title).toBe('تهران & دمشق');
    expect(r.document.locate(6)).toEqual(positionOf(xml, '&amp;'));
    expect(r.document.locate(8)).toEqual(positionOf(xml, 'دمشق'));
  });

  it('Atom: entries by id, content by type, author name as source, link as url', () => {
    const xml = [
      '<?xml version="1.0" encoding="utf-8"?>',
      '<feed xmlns="http://www.w3.org/2005/Atom">',
      '<title>تیترآنلاین</title>',
      '<entry>',
      '<id>tag:titr.online,2020:1</id>',
      `<title type="html">${escape(`<b>${TITLE}</b>`)}</title>`,
      '<link rel="alternate" href="https://titr.online/fa/news/1"/>',
      '<published>2020-07-08T17:40:00+04:30</published>',
      '<author><name>ایرنا</name></author>',
      `<content type="html">${escape(articleHtml(NOTICE.replace('ماده ۷۴', 'ماده ۷۵')))}</content>`,
      '</entry>',
      '<entry>',
      '<id>tag:titr.online,2020:2</id>',
      `<title>${TITLE}</title>`,
      '<author><name>ایسنا</name></author>',
      `<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">${articleHtml()}</div></content>`,
      '</entry>',
      '</feed>',
      '',
    ].join('\n');
    expect(findings(xml, 'feed.atom')).toEqual({
      'feed.atom#tag:titr.online,2020:1': [`notice/altered ${at(xml, '۷۵')}`],
      // the author says ایسنا, the attribution ایرنا
      'feed.atom#tag:titr.online,2020:2': [`attribution/mismatch ${at(xml, 'ایرنا" است', xml.indexOf('2020:2'))}`],
    });
    const r = read(xml, 'feed.atom')[0]!;
    if (!r.ok) throw new Error('not read');
    expect(r.document.metadata).toEqual({ title: TITLE, url: 'https://titr.online/fa/news/1', source: 'ایرنا', published: '2020-07-08T17:40:00+04:30' });
    expect(r.document.locate(0)).toEqual(positionOf(xml, TITLE));
  });

  it('a directive in the item HTML suppresses a finding on the next line of the feed', () => {
    const altered = NOTICE.replace('ماده ۷۴', 'ماده ۷۵');
    const html = [BYLINE, ...BODY, ATTRIBUTION].map((p) => `<p>${p}</p>`).join('\n') + `\n<!-- manba-disable-next-line notice/altered -- quoted as the site prints it -->\n<p>${altered}</p>`;
    const xml = rss([`<item><guid>x</guid><title>${TITLE}</title><description><![CDATA[${html}]]></description></item>`]);
    const r = read(xml)[0]!;
    if (!r.ok) throw new Error('not read');
    expect(r.document.directives).toEqual([{ kind: 'disable-next-line', ids: ['notice/altered'], reason: 'quoted as the site prints it', start: 0, end: 0, line: positionOf(xml, '<!-- manba').line }]);
    expect(findings(xml)).toEqual({ 'feed.rss#x': [] });
    expect(engine.check(r.document).findings.map((f) => `${f.ruleId} ${f.line}:${f.column}`)).toEqual([`notice/altered ${at(xml, '۷۵')}`]);
  });

  describe('problems', () => {
    it('malformed XML is one input/malformed finding with line and column, never a crash', () => {
      const amp = rss(['<item><title>AT&T</title><description>x</description></item>']);
      expect(findings(amp)).toEqual({ 'feed.rss': [`input/malformed ${at(amp, '&T')}`] });
      const mismatched = rss(['<item><title>x</titel><description>x</description></item>']);
      expect(findings(mismatched)).toEqual({ 'feed.rss': [`input/malformed ${at(mismatched, '</titel>')}`] });
      const unclosed = rss(['<item><title>x</title><description>x</description>']).replace('</channel>\n</rss>\n', '');
      expect(findings(unclosed)).toEqual({ 'feed.rss': [`input/malformed ${at(unclosed, '<item>')}`] });
      const attribute = rss(['<item><title a=b>x</title></item>']);
      expect(findings(attribute)).toEqual({ 'feed.rss': [`input/malformed ${at(attribute, 'b>x')}`] });
      const r = read(mismatched)[0]!;
      expect(r.ok ? '' : r.problem.message).toBe('feed.rss is not well-formed XML: the end tag </titel> does not close <title> (line 6, column 15)');
      for (const text of ['<', '<rss', '<rss><channel><item><title>\u0001</title></item></channel></rss>', '\uFEFF<?xml version="1.0"?>', ']]>']) {
        expect(() => read(text)).not.toThrow();
        expect(read(text)[0]!.ok).toBe(false);
      }
    });

    it('.xml that is not a feed is input/unsupported; a feed without items is input/empty', () => {
      const [r] = read('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><text>منبع</text></svg>', 'image.xml');
      expect(r!.ok ? '' : `${r!.problem.ruleId}: ${r!.problem.message}`).toBe('input/unsupported: image.xml is XML but not a feed: its root element is <svg>, not <rss> or <feed>');
      const [e] = read(rss([]));
      expect(e!.ok ? '' : e!.problem.ruleId).toBe('input/empty');
    });
  });
});
