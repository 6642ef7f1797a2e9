/**
 * The crawl's parts on their own: --since dates, Retry-After, the size limit on decompression, the charset a page
 * declares, and what a sitemap or feed lists. (The whole crawl is tested against a local site in crawl.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { parseSince, readListing } from '../src/crawl/discover.js';
import { retryAfterMs, robotsToken } from '../src/crawl/crawl.js';
import { HostGate } from '../src/crawl/hosts.js';
import { declaredCharset, readHttpPage, undoContentEncoding } from '../src/documents/http-page.js';
import { readerForPath } from '../src/documents/readers/index.js';
import { cli, findingsByPath, REFERENCE_PATH, ROOT } from './helpers.js';

describe('--since', () => {
  it('reads ISO dates as UTC and Jalali dates as midnight in Tehran, in any digits', () => {
    expect(parseSince('2024-07-22')).toBe(Date.UTC(2024, 6, 22));
    expect(parseSince('2024-07-22T10:30:00Z')).toBe(Date.UTC(2024, 6, 22, 10, 30));
    // 1 Mordad 1403 is 22 July 2024; Tehran is at +03:30 (no summer time since 1401).
    const mordad = Date.UTC(2024, 6, 21, 20, 30);
    expect(parseSince('1403/05/01')).toBe(mordad);
    expect(parseSince('۱۴۰۳-۰۵-۰۱')).toBe(mordad);
    expect(parseSince('۱ مرداد ۱۴۰۳')).toBe(mordad);
    // 1 Farvardin 1399 is 20 March 2020, before that year's summer time began (2 Farvardin).
    expect(parseSince('1399/01/01')).toBe(Date.UTC(2020, 2, 19, 20, 30));
  });

  it('refuses what is no date', () => {
    for (const bad of ['yesterday', '1403/13/01', '31 مهر 1399', '2024-13-40', '']) expect(parseSince(bad)).toBeUndefined();
  });
});

describe('Retry-After', () => {
  it('takes seconds or an HTTP date', () => {
    expect(retryAfterMs('1')).toBe(1000);
    expect(retryAfterMs(' 120 ')).toBe(120_000);
    const now = Date.UTC(2024, 6, 22, 10, 0, 0);
    expect(retryAfterMs('Mon, 22 Jul 2024 10:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Mon, 22 Jul 2024 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});

describe('robots.txt product token', () => {
  it('is the user agent up to its version', () => {
    expect(robotsToken('manba/0.1.0 (+https://www.npmjs.com/package/manba)')).toBe('manba');
    expect(robotsToken('legaldesk')).toBe('legaldesk');
  });
});

describe('the size limit on a compressed body', () => {
  const limit = 1024 * 1024;
  it('stops a gzip bomb at the limit', () => {
    const bomb = gzipSync(Buffer.alloc(limit * 8, 0x20));
    expect(bomb.length).toBeLessThan(20_000);
    expect(undoContentEncoding(bomb, 'gzip', limit)).toBe('too-large');
  });

  it('gives a body within the limit back, and names a broken one', () => {
    const text = '<p>سلام</p>';
    expect(Buffer.from(undoContentEncoding(gzipSync(text), 'gzip', limit) as Uint8Array).toString()).toBe(text);
    expect(Buffer.from(undoContentEncoding(Buffer.from(text), undefined, limit) as Uint8Array).toString()).toBe(text);
    expect(undoContentEncoding(Buffer.from('not gzip'), 'gzip', limit)).toMatch(/^the body is not valid gzip \(/);
    expect(undoContentEncoding(Buffer.from('x'), 'compress', limit)).toBe('the body is in an unknown Content-Encoding «compress»');
  });
});

describe('the charset of a page', () => {
  const page = '<html><head><meta charset="windows-1256"></head><body><p>منبع: ايرنا</p></body></html>';
  const bytes = iconv.encode(page, 'windows-1256');

  it('comes from Content-Type first, then <meta>', () => {
    expect(declaredCharset(bytes, 'text/html; charset="Windows-1256"')).toBe('windows-1256');
    expect(declaredCharset(bytes, 'text/html')).toBe('windows-1256');
    expect(declaredCharset(Buffer.from('<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'), undefined)).toBe('utf-8');
    expect(declaredCharset(Buffer.from('<p>none</p>'), 'text/html')).toBeUndefined();
  });

  it('decides how the page is read: a 1256 page declared UTF-8 is reported, not guessed', () => {
    const header = (type: string) => (name: string) => (name === 'content-type' ? type : undefined);
    const read = (type: string) => readHttpPage({ url: 'http://127.0.0.1/a', status: 200, header: header(type), raw: bytes });
    const ok = read('text/html; charset=windows-1256');
    expect(ok[0]!.ok && ok[0]!.document.text).toBe('منبع: ايرنا');
    const wrong = read('text/html; charset=utf-8');
    expect(wrong).toEqual([{ ok: false, problem: { path: 'http://127.0.0.1/a', ruleId: 'input/encoding', message: expect.stringMatching(/^http:\/\/127\.0\.0\.1\/a: not valid UTF-8: byte 0x/), line: 1, column: expect.any(Number) } }]);
  });

  it('names the HTTP status, and tells HTML from other types', () => {
    const header = (type?: string) => (name: string) => (name === 'content-type' ? type : undefined);
    expect(readHttpPage({ url: 'http://h/x', status: 503, statusText: '', header: header('text/html'), raw: new Uint8Array() })).toEqual([
      { ok: false, problem: { path: 'http://h/x', ruleId: 'fetch/http', message: 'http://h/x answered HTTP 503 Service Unavailable; there is no page to check' } },
    ]);
    expect(readHttpPage({ url: 'http://h/x', status: 200, header: header('image/png'), raw: new Uint8Array([1]) })[0]).toMatchObject({ ok: false, problem: { ruleId: 'fetch/not-html' } });
    // No Content-Type: an HTML page is known by its start.
    expect(readHttpPage({ url: 'http://h/x', status: 200, header: header(undefined), raw: Buffer.from('<!DOCTYPE html><p>متن</p>') })[0]!.ok).toBe(true);
  });
});

describe('a body kept chunked in a WARC by another tool', () => {
  it('is de-chunked before it is read', () => {
    const html = Buffer.from('<!DOCTYPE html><p>منبع: ایرنا</p>');
    const chunked = Buffer.concat([Buffer.from('a\r\n'), html.subarray(0, 10), Buffer.from('\r\n'), Buffer.from(`${(html.length - 10).toString(16)};ext=1\r\n`), html.subarray(10), Buffer.from('\r\n0\r\n\r\n')]);
    const header = (name: string) => ({ 'content-type': 'text/html; charset=utf-8', 'transfer-encoding': 'chunked' })[name];
    const read = readHttpPage({ url: 'http://h/c', status: 200, header, raw: chunked });
    expect(read[0]!.ok && read[0]!.document.text).toBe('منبع: ایرنا');
  });
});

describe('sitemaps and feeds', () => {
  it('lists a sitemap index\'s sitemaps and a sitemap\'s pages with their dates', () => {
    const index = readListing('http://h/sitemap.xml', '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc> http://h/a.xml </loc><lastmod>2024-07-20</lastmod></sitemap><sitemap><loc>http://h/b.xml.gz</loc></sitemap></sitemapindex>');
    expect(index).toEqual({ kind: 'sitemap-index', sitemaps: [{ url: 'http://h/a.xml', modified: Date.UTC(2024, 6, 20) }, { url: 'http://h/b.xml.gz' }] });
    const set = readListing('http://h/a.xml', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://h/n/1?a=1&amp;b=2</loc><lastmod>2024-07-20T10:00:00+03:30</lastmod></url></urlset>');
    expect(set).toEqual({ kind: 'sitemap', pages: [{ url: 'http://h/n/1?a=1&b=2', modified: Date.UTC(2024, 6, 20, 6, 30) }] });
    expect(readListing('http://h/x.xml', '<urlset><url><loc>http://h/1</url></urlset>')).toMatchObject({ kind: 'malformed' });
    expect(readListing('http://h/x.xml', '<html><body/></html>')).toEqual({ kind: 'not-a-listing', root: 'html' });
  });

  it('lists a feed\'s item links with their dates, through the feed reader', () => {
    const rss = '<rss version="2.0"><channel><title>t</title><item><title>a</title><link>http://h/n/1</link><pubDate>Mon, 22 Jul 2024 08:00:00 +0330</pubDate></item><item><title>b</title></item></channel></rss>';
    expect(readListing('http://h/feed', rss)).toEqual({ kind: 'feed', pages: [{ url: 'http://h/n/1', modified: Date.UTC(2024, 6, 22, 4, 30) }], withoutLink: 1 });
    const atom = '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>a</title><id>x</id><link href="http://h/n/2"/><updated>2024-07-22T00:00:00Z</updated></entry></feed>';
    expect(readListing('http://h/atom', atom)).toEqual({ kind: 'feed', pages: [{ url: 'http://h/n/2', modified: Date.UTC(2024, 6, 22) }], withoutLink: 0 });
  });
});

describe('the WARC reader', () => {
  it('is chosen by the two-part extension', () => {
    expect(readerForPath('evidence/site.warc.gz')?.format).toBe('warc');
    expect(readerForPath('SITE.WARC')?.format).toBe('warc');
    expect(readerForPath('notes.txt.gz')).toBeUndefined();
    expect(readerForPath('a.b.html')?.format).toBe('html');
  });

  /** A WARC record as bytes: its headers, and a block of `length` bytes of which `block` is all the file has. */
  const record = (type: string, block: string, length = Buffer.byteLength(block)) =>
    `WARC/1.1\r\nWARC-Type: ${type}\r\nWARC-Target-URI: http://h/${type}\r\nWARC-Date: 2024-07-20T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:${type}>\r\nContent-Length: ${length}\r\n\r\n${block}`;
  const page = (html: string) => `HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}`;
  // In a process of its own, stopped after 20 s: a reader that spins (as warcio's skip did) fails the test instead of
  // holding up the suite.
  const checkWarc = async (bytes: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'manba-warc-'));
    writeFileSync(join(dir, 'site.warc'), bytes);
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/manba.js'), 'check', 'site.warc', '--format', 'json'], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
    expect(r.signal, 'manba check ended by itself').toBeNull();
    return JSON.parse(r.stdout).documents.map((d: { path: string; findings: { ruleId: string; message: string }[] }) => [d.path, d.findings.map((f) => `${f.ruleId}: ${f.message}`)]);
  };
  const article = readFileSync(REFERENCE_PATH, 'utf8');

  it('reports a record cut short by the end of the file, and the pages before it, and ends', async () => {
    // A whole page (the reference article), then a request record (skipped, not a page) whose block the file does not
    // hold: warcio's own skip of it never returned. 5,000 bytes said, 16 there.
    const docs = await checkWarc(`${record('response', page(article.split('\n').map((line) => `<p>${line}</p>`).join('\n')))}\r\n\r\n${record('request', 'GET / HTTP/1.1\r\n', 5000)}`);
    expect(docs).toEqual([
      ['http://h/response', []],
      ['site.warc', ['input/malformed: site.warc: the file ends 4984 bytes before the end of record 2, after 1 whole records; the records before it were read']],
    ]);
  }, 30_000);

  it('reports a page whose record is cut short instead of checking half of it', async () => {
    expect(await checkWarc(record('response', page('<p>متن'), 9000))).toEqual([
      // 9,000 bytes said, 68 there: the HTTP headers and «<p>متن».
      ['site.warc', ['input/malformed: site.warc: the file ends 8932 bytes before the end of record 1, after 0 whole records; the records before it were read']],
      ['site.warc', ['input/empty: site.warc holds no pages: no response records of HTML pages, no findings recorded by manba']],
    ]);
  }, 30_000);

  it('says a file that is no WARC at all is not one', async () => {
    expect(await checkWarc('<html><body>not a WARC</body></html>\n\n')).toEqual([
      ['site.warc', ['input/malformed: site.warc: record 1 does not start with a WARC version line (such as «WARC/1.1»), after 0 whole records; the records before it were read']],
      ['site.warc', ['input/empty: site.warc holds no pages: no response records of HTML pages, no findings recorded by manba']],
    ]);
  }, 30_000);
});

describe('politeness per host', () => {
  it('lets no more than `concurrency` requests into a host at once', async () => {
    const gate = new HostGate({ concurrency: 2, rate: 0 });
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        const turn = await gate.enter('h');
        most = Math.max(most, ++inside);
        await new Promise((r) => setTimeout(r, 5));
        inside--;
        turn.leave();
      }),
    );
    expect(most).toBe(2);
  });
});

describe('fetch/* ids are known ids', () => {
  it('manba rules explain explains them; the config says they cannot be set; a suppression naming one names no unknown rule', async () => {
    const explained = await cli(['rules', 'explain', 'fetch/redirects']);
    expect(explained).toEqual({
      code: 0,
      stdout: "fetch/redirects  (a document that cannot be read or fetched; always an error, not set in the config)\n\nReported when the page redirects in a loop, more than 5 times, off the crawl's hosts, or to a URL that is not http: or https:.\n",
      stderr: '',
    });
    const dir = mkdtempSync(join(tmpdir(), 'manba-crawl-ids-'));
    writeFileSync(join(dir, 'manba.config.yaml'), 'rules:\n  notice/site: warn\n  fetch/robots: off\n');
    writeFileSync(join(dir, 'a.txt'), readFileSync(REFERENCE_PATH));
    const configured = await cli(['check', 'a.txt'], { cwd: dir });
    expect(configured.code).toBe(2);
    expect(configured.stderr).toBe(`${join(dir, 'manba.config.yaml')}:3:3: "fetch/robots" is reported when a document cannot be read or fetched; it is always an error and cannot be set in the config\nmanba: 1 problem in rule or config files; nothing was checked\n`);
    // The reference article passes; with a suppression comment naming fetch/* it still has no finding.
    const suppressed = join(dir, 'b.txt');
    writeFileSync(suppressed, `${readFileSync(REFERENCE_PATH, 'utf8')}\n<!-- manba-disable fetch/robots -- archived copy -->\n`);
    expect(findingsByPath((await cli(['check', suppressed, '--format', 'json'])).stdout)).toEqual({ [suppressed]: [] });
  });
});
