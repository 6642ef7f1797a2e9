/**
 * A small news site on 127.0.0.1 for the crawl tests: a sitemap index (one plain sitemap, one .xml.gz), an RSS
 * feed, robots.txt disallowing a section, and every way a page can fail to be had. Its pages are the repository's
 * own documents: the reference article (as HTML, and in Windows-1256) and the HTML examples in examples/html/.
 * It records every request, so tests can say what manba asked for, when, and how many at once.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { REFERENCE_PATH, ROOT } from './helpers.js';

export const example = (name: string): Buffer => readFileSync(`${ROOT}examples/html/${name}`);

/**
 * The reference article as a plain page: each line a paragraph (the reader gives each its own block). For a
 * Windows-1256 page, Persian yeh «ی» is written as Arabic yeh «ي» and Persian digits as ASCII digits, as sites in
 * that code page did: 1256 has neither.
 */
export function referencePage(charset: string | undefined): string {
  const text = readFileSync(REFERENCE_PATH, 'utf8');
  const lines = (charset === undefined || charset === 'windows-1256' ? text.replace(/ی/g, 'ي').replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0)) : text).split('\n').filter((l) => l.trim() !== '');
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<!DOCTYPE html>\n<html lang="fa" dir="rtl">\n<head>\n${charset ? `<meta charset="${charset}">\n` : ''}<title>${escape(lines[0]!)}</title>\n</head>\n<body>\n<article>\n${lines.map((l) => `<p>${escape(l)}</p>`).join('\n')}\n</article>\n</body>\n</html>\n`;
}

export interface Hit {
  path: string;
  at: number;
  userAgent: string;
  /** Requests in flight when this one came in (itself included). */
  inFlight: number;
}

export interface TestSite {
  base: string;
  hits: Hit[];
  /** Which version of /news/changing is served: 1 passes, 2 has «ماده ۷۵». */
  version: { changing: 1 | 2 };
  /** robots.txt as served: the site's own, or a test's (a status and a body). */
  robots: { override?: { status: number; body: string } };
  /** Held requests to /hold/* until released (for interrupting a crawl). */
  release: () => void;
  close: () => Promise<void>;
  count: (path: string) => number;
}

/** Encode in Windows-1256, refusing any character the code page lacks (iconv-lite would write «?»). */
export function in1256(text: string): Buffer {
  const bytes = iconv.encode(text, 'windows-1256');
  if (iconv.decode(bytes, 'windows-1256') !== text) throw new Error('the page has characters Windows-1256 cannot hold');
  return bytes;
}

const lastmod = (d: string) => `<lastmod>${d}</lastmod>`;

export async function startSite(): Promise<TestSite> {
  const hits: Hit[] = [];
  const version = { changing: 1 as 1 | 2 };
  const robots: TestSite['robots'] = {};
  let inFlight = 0;
  let busyServed = 0;
  let flakyServed = 0;
  let releaseHeld: (() => void)[] = [];
  const heldOnce = new Set<string>();
  // 8 MB of spaces in 8 KB, past the default 5 MB limit: the crawler must stop unpacking at it. Made once.
  const bomb = gzipSync(Buffer.concat([Buffer.from('<html><body><p>'), Buffer.alloc(8 * 1024 * 1024, 0x20)]), { level: 9 });
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    inFlight++;
    hits.push({ path, at: Date.now(), userAgent: String(req.headers['user-agent'] ?? ''), inFlight });
    res.on('close', () => inFlight--);
    const base = `http://${req.headers.host}`;
    const send = (status: number, type: string | undefined, body: string | Buffer, headers: Record<string, string> = {}) => {
      res.writeHead(status, { ...(type ? { 'Content-Type': type } : {}), ...headers });
      res.end(body);
    };
    const html = (body: string | Buffer) => send(200, 'text/html; charset=utf-8', body);
    const urlset = (entries: [string, string?][]) =>
      `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${entries.map(([p, d]) => `<url><loc>${base}${p}</loc>${d ? lastmod(d) : ''}</url>`).join('\n')}\n</urlset>\n`;

    switch (path) {
      case '/robots.txt':
        if (robots.override) return send(robots.override.status, 'text/plain', robots.override.body);
        return send(200, 'text/plain', 'User-agent: *\nDisallow: /private/\n\nUser-agent: manba\nDisallow: /private/\nDisallow: /drafts/\n\nSitemap: /sitemap.xml\n');
      case '/sitemap.xml':
        return send(200, 'application/xml', `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n<sitemap><loc>${base}/sitemap-news.xml</loc>${lastmod('2024-07-20')}</sitemap>\n<sitemap><loc>${base}/sitemap-2019.xml.gz</loc>${lastmod('2019-12-30')}</sitemap>\n</sitemapindex>\n`);
      case '/sitemap-news.xml':
        return send(
          200,
          'application/xml',
          urlset([
            ['/news/titr-article', '2024-07-20'],
            ['/news/notice-altered', '2024-07-20T10:00:00+03:30'],
            ['/news/reference-1256', '2024-07-19'],
            ['/news/reference-1256-meta', '2024-07-19'],
            ['/private/internal-memo', '2024-07-19'],
            ['/drafts/tomorrow', '2024-07-19'],
            ['/news/busy', '2024-07-18'],
            ['/news/flaky', '2024-07-18'],
            ['/news/slow', '2024-07-18'],
            ['/loop/a', '2024-07-18'],
            ['/news/bomb', '2024-07-18'],
            ['/news/gone', '2024-07-18'],
            ['/news/old-story', '2019-06-01'],
          ]),
        );
      case '/sitemap-2019.xml.gz':
        // Served as a gzip file (not Content-Encoding): the crawler must unpack it itself.
        return send(200, 'application/gzip', gzipSync(urlset([['/news/archive-2019', '2019-12-01']])));
      case '/feed.rss':
        return send(
          200,
          'application/rss+xml; charset=utf-8',
          `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>تیترآنلاین</title><link>${base}/</link><description>اخبار</description>\n` +
            `<item><title>در پانویس صفحه</title><link>${base}/news/page-footer</link><guid>${base}/news/page-footer</guid><pubDate>Mon, 22 Jul 2024 08:00:00 +0330</pubDate></item>\n` +
            `<item><title>نهادها در اطلاعیه</title><link>${base}/news/entities</link><pubDate>Sun, 21 Jul 2024 08:00:00 +0330</pubDate></item>\n` +
            `<item><title>از سایت دیگر</title><link>http://elsewhere.example/news/1</link><pubDate>Sun, 21 Jul 2024 08:00:00 +0330</pubDate></item>\n` +
            `<item><title>قدیمی</title><link>${base}/news/old-feed-item</link><pubDate>Fri, 01 Mar 2019 08:00:00 +0330</pubDate></item>\n` +
            `</channel></rss>\n`,
        );
      case '/news/titr-article':
        return html(example('pass-titr-article.html'));
      case '/news/notice-altered':
        return html(example('fail-notice-altered-article.html'));
      case '/news/page-footer':
        return html(example('pass-titr-page-footer.html'));
      case '/news/entities':
        return html(example('pass-entities-in-notice.html'));
      case '/news/reference-1256':
        // The charset from the header only: the page itself declares none.
        return send(200, 'text/html; charset=windows-1256', in1256(referencePage(undefined)));
      case '/news/reference-1256-meta':
        // The charset from <meta> only: the header names none.
        return send(200, 'text/html', in1256(referencePage('windows-1256')));
      case '/news/busy':
        // Too many requests the first time: come back in a second.
        if (busyServed++ === 0) return send(429, 'text/plain', 'slow down', { 'Retry-After': '1' });
        return html(example('pass-titr-article.html'));
      case '/news/flaky':
        if (flakyServed++ === 0) return send(500, 'text/plain', 'oops');
        return html(example('pass-titr-article.html'));
      case '/news/slow':
        // Past any test's timeout; the test closes the connection at the end.
        setTimeout(() => html(example('pass-titr-article.html')), 10_000).unref();
        return;
      case '/loop/a':
        return send(302, undefined, '', { Location: '/loop/b' });
      case '/loop/b':
        return send(301, undefined, '', { Location: `${base}/loop/a` });
      case '/news/bomb':
        return send(200, 'text/html; charset=utf-8', bomb, { 'Content-Encoding': 'gzip' });
      case '/news/gone':
        return send(404, 'text/html', '<html><body>not here</body></html>');
      case '/news/changing':
        return html(example(version.changing === 1 ? 'pass-titr-article.html' : 'fail-notice-altered-article.html'));
      case '/moved-away':
        return send(301, undefined, '', { Location: 'http://elsewhere.example/news/1' });
      case '/empty-sitemap.xml':
        return send(200, 'application/xml', urlset([]));
      case '/files/report.pdf':
        return send(200, 'application/pdf', Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'));
      default:
        if (/^\/news\/(archive-2019|old-story|old-feed-item)$/.test(path)) return html(example('pass-titr-article.html'));
        if (/^\/hold\//.test(path)) {
          // Held the first time (until released or closed), answered at once after that.
          if (heldOnce.has(path)) return html(example('pass-titr-article.html'));
          heldOnce.add(path);
          releaseHeld.push(() => html(example('pass-titr-article.html')));
          return;
        }
        if (/^\/many\/\d+$/.test(path)) return html(example('pass-titr-article.html'));
        return send(404, 'text/plain', 'not found');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    hits,
    version,
    robots,
    release: () => {
      const held = releaseHeld;
      releaseHeld = [];
      for (const h of held) h();
    },
    count: (p) => hits.filter((h) => h.path === p).length,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
