/**
 * `manba crawl` against a small site served by the test on 127.0.0.1 (tests/crawl-site.ts): every way a page can
 * fail to be had gives its exact finding; the WARC is read back by warcio's own parser with its digests checked;
 * `manba check` on the WARC gives the crawl's results; an interrupted crawl resumes without fetching again.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, createReadStream, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WARCParser } from 'warcio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../src/version.js';
import { startSite, type TestSite } from './crawl-site.js';
import { cli, findingsByPath, ROOT, type CliRun } from './helpers.js';

const USER_AGENT = `manba/${VERSION} (+https://www.npmjs.com/package/manba)`;

let site: TestSite;
let dir: string;
beforeAll(async () => {
  site = await startSite();
  dir = mkdtempSync(join(tmpdir(), 'manba-crawl-'));
});
afterAll(async () => {
  await site.close();
});

/** Politeness off and short waits, so the suite stays fast; each test that is about politeness says so. */
const FAST = ['--rate', '0', '--timeout', '3', '--retry-delay', '0.1', '--no-progress'];

interface JsonDocument {
  path: string;
  sha256?: string;
  retrieval?: { url: string; finalUrl: string; status?: number; fetchedAt: string; warcRecordId?: string };
  findings: { ruleId: string; line: number; column: number; message: string }[];
  facts?: { attribution?: { source: string; outlet?: string }; bylineDate?: { jalali: string } };
}
const documents = (run: CliRun): JsonDocument[] => (JSON.parse(run.stdout) as { documents: JsonDocument[] }).documents;

describe('crawling the test site', () => {
  let run: CliRun;
  let warc: string;
  const u = (path: string) => `${site.base}${path}`;

  beforeAll(async () => {
    warc = join(dir, 'site.warc.gz');
    // The sitemap index, the feed, and a PDF named outright; entries older than 1 Farvardin 1399 left out.
    run = await cli(['crawl', u('/sitemap.xml'), u('/feed.rss'), u('/files/report.pdf'), '--since', '1399/01/01', '--warc', warc, '--format', 'json', ...FAST]);
  }, 30_000);

  it('reports each page by its URL with its exact finding', () => {
    expect(run.code).toBe(1);
    const base = site.base;
    expect(findingsByPath(run.stdout)).toEqual({
      [u('/files/report.pdf')]: ['fetch/not-html 1:1'],
      [u('/news/page-footer')]: [],
      [u('/news/entities')]: [],
      [u('/news/titr-article')]: [],
      [u('/news/notice-altered')]: ['notice/altered 66:21'], // as examples/README.md says of this page
      [u('/news/reference-1256')]: [],
      [u('/news/reference-1256-meta')]: [],
      [u('/private/internal-memo')]: ['fetch/robots 1:1'],
      [u('/drafts/tomorrow')]: ['fetch/robots 1:1'],
      [u('/news/busy')]: [],
      [u('/news/flaky')]: [],
      [u('/news/slow')]: ['fetch/timeout 1:1'],
      [u('/loop/a')]: ['fetch/redirects 1:1'],
      [u('/news/bomb')]: ['fetch/too-large 1:1'],
      [u('/news/gone')]: ['fetch/http 1:1'],
    });
    const message = (path: string) => documents(run).find((d) => d.path === u(path))!.findings[0]!.message;
    expect(message('/files/report.pdf')).toBe(`${base}/files/report.pdf is application/pdf, not an HTML page; manba checks HTML pages`);
    expect(message('/private/internal-memo')).toBe(`${base}/private/internal-memo: not fetched, ${base}/robots.txt disallows it for manba`);
    expect(message('/news/slow')).toBe(`${base}/news/slow: no complete answer within 3 s (--timeout)`);
    expect(message('/loop/a')).toBe(`${base}/loop/a redirects in a loop: ${base}/loop/a → ${base}/loop/b → ${base}/loop/a`);
    expect(message('/news/bomb')).toBe(`${base}/news/bomb: the page is larger than 5 MB (decompressed); it was not read past that (raise --max-size)`);
    expect(message('/news/gone')).toBe(`${base}/news/gone answered HTTP 404 Not Found; there is no page to check`);
    expect(documents(run).find((d) => d.path === u('/news/notice-altered'))!.findings[0]!.message).toBe(
      'The Article 74 notice is altered (article number): expected «۷۴», found «۷۵». Use the canonical wording.',
    );
  });

  it('reads the Windows-1256 pages by the charset in the header and in <meta>', () => {
    for (const path of ['/news/reference-1256', '/news/reference-1256-meta']) {
      const doc = documents(run).find((d) => d.path === u(path))!;
      // Read right, the reference article names its source and dates its byline (1256 has Arabic yeh: «ايرنا»).
      expect(doc.facts?.attribution).toMatchObject({ source: 'ايرنا', outlet: 'irna' });
      expect(doc.facts?.bylineDate?.jalali).toBe('1399/04/18');
    }
  });

  it('obeys robots.txt, --since and the crawl hosts, and says what it left out', () => {
    expect(site.count('/robots.txt')).toBe(1);
    expect(site.count('/private/internal-memo')).toBe(0);
    expect(site.count('/drafts/tomorrow')).toBe(0);
    // Older than --since: the 2019 sitemap, its page, the old story and the old feed item are never asked for.
    for (const p of ['/sitemap-2019.xml.gz', '/news/archive-2019', '/news/old-story', '/news/old-feed-item']) expect(site.count(p)).toBe(0);
    expect(run.stderr).toContain('manba: 1 URL on elsewhere.example not fetched: not a host of this crawl (add --allow-host elsewhere.example)\n');
    expect(run.stderr).toContain('manba: 3 sitemap or feed entries not modified since --since left out\n');
  });

  it('retries 429 after its Retry-After and a 500 after a backoff, and says who it is', () => {
    const busy = site.hits.filter((h) => h.path === '/news/busy');
    expect(busy).toHaveLength(2);
    // Retry-After: 1 (second) was honoured: the retry came no sooner.
    expect(busy[1]!.at - busy[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(site.count('/news/flaky')).toBe(2);
    // Timeouts and robots are not retried; a redirect loop is fetched once round.
    expect(site.count('/news/slow')).toBe(1);
    expect(site.count('/loop/a')).toBe(1);
    expect(new Set(site.hits.map((h) => h.userAgent))).toEqual(new Set([USER_AGENT]));
    // At most two requests at once to the host, even with the rate limit off.
    expect(Math.max(...site.hits.map((h) => h.inFlight))).toBeLessThanOrEqual(2);
  });

  it('records where and when each page was fetched, with its WARC record', () => {
    const page = documents(run).find((d) => d.path === u('/news/titr-article'))!;
    expect(page.retrieval).toMatchObject({ url: u('/news/titr-article'), finalUrl: u('/news/titr-article'), status: 200 });
    expect(page.retrieval!.fetchedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(page.retrieval!.warcRecordId).toMatch(/^<urn:uuid:[0-9a-f-]{36}>$/);
    const loop = documents(run).find((d) => d.path === u('/loop/a'))!;
    expect(loop.retrieval).toMatchObject({ url: u('/loop/a'), finalUrl: u('/loop/b'), status: 301 });
    const report = JSON.parse(run.stdout) as { run: { settings: { crawl: Record<string, unknown> } } };
    expect(report.run.settings.crawl).toMatchObject({ userAgent: USER_AGENT, rate: 0, concurrency: 2, maxBody: 5 * 1024 * 1024 });
  });

  it('writes a WARC that warcio reads back, every record with its date, target and digests', async () => {
    const records: { type: string; uri?: string; date?: string; id?: string; to?: string; truncated?: string }[] = [];
    for await (const record of new WARCParser(createReadStream(warc), { parseHttp: false })) {
      const block = await record.readFully(false);
      const type = record.warcType;
      const sha = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
      expect(record.warcHeaders.protocol).toBe('WARC/1.1');
      // Digests on every record but warcinfo (which describes the file, and which warcio does not digest).
      if (type !== 'warcinfo') expect(record.warcBlockDigest).toBe(sha(block));
      if (type === 'response' || type === 'request') {
        // The payload is what follows the HTTP headers.
        const split = Buffer.from(block).indexOf('\r\n\r\n');
        expect(record.warcPayloadDigest).toBe(sha(block.subarray(split + 4)));
      }
      records.push({ type, uri: record.warcTargetURI ?? undefined, date: record.warcDate ?? undefined, id: record.warcHeader('WARC-Record-ID') ?? undefined, to: record.warcHeader('WARC-Concurrent-To') ?? undefined, truncated: record.warcHeader('WARC-Truncated') ?? undefined });
    }
    expect(records[0]!.type).toBe('warcinfo');
    for (const r of records) {
      expect(r.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      expect(r.id).toMatch(/^<urn:uuid:/);
      if (r.type !== 'warcinfo') expect(r.uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    }
    const responses = records.filter((r) => r.type === 'response');
    const requests = records.filter((r) => r.type === 'request');
    // Every request the server saw is in the archive, each with its response (the slow page's request has none).
    expect(requests).toHaveLength(site.hits.length);
    expect(responses).toHaveLength(site.hits.length - 1);
    for (const res of responses) expect(requests.some((q) => q.to === res.id && q.uri === res.uri)).toBe(true);
    // Both answers to the 429 page and the 500 page are kept: the evidence shows the retry.
    expect(responses.filter((r) => r.uri === u('/news/busy'))).toHaveLength(2);
    // Pages that could not be had have a metadata record saying why.
    const metadata = records.filter((r) => r.type === 'metadata').map((r) => r.uri);
    expect(metadata.sort()).toEqual([u('/drafts/tomorrow'), u('/loop/a'), u('/news/slow'), u('/private/internal-memo')].sort());
  });

  it('re-checks the WARC offline with manba check, giving the crawl\'s documents', async () => {
    const again = await cli(['check', warc, '--format', 'json']);
    expect(again.code).toBe(1);
    const byPath = (docs: JsonDocument[]) => Object.fromEntries(docs.map((d) => [d.path, d]));
    // The same findings, messages, facts, hashes and retrieval (fetch time, status, WARC record), page by page.
    expect(byPath(documents(again))).toEqual(byPath(documents(run)));
  });
});

describe('a page that changes between two crawls', () => {
  it('is reported as it was each time, and the first WARC still shows the first version', async () => {
    const url = `${site.base}/news/changing`;
    const first = join(dir, 'changing-1.warc.gz');
    const second = join(dir, 'changing-2.warc.gz');
    site.version.changing = 1;
    const a = await cli(['crawl', url, '--warc', first, '--format', 'json', ...FAST]);
    site.version.changing = 2;
    const b = await cli(['crawl', url, '--warc', second, '--format', 'json', ...FAST]);
    expect([a.code, findingsByPath(a.stdout)]).toEqual([0, { [url]: [] }]);
    expect([b.code, findingsByPath(b.stdout)]).toEqual([1, { [url]: ['notice/altered 66:21'] }]);
    const evidence = await cli(['check', first, second, '--format', 'json']);
    expect(documents(evidence).map((d) => [d.path, d.findings.map((f) => `${f.ruleId} ${f.line}:${f.column}`)])).toEqual([
      [url, []],
      [url, ['notice/altered 66:21']],
    ]);
    expect(documents(evidence)[0]!.retrieval!.warcRecordId).not.toBe(documents(evidence)[1]!.retrieval!.warcRecordId);
  });
});

describe('crawl --record: audits of live pages over time', () => {
  it('records each crawl in the audit database as check does; history diff names the page that broke', async () => {
    const url = `${site.base}/news/changing`;
    const db = join(dir, 'crawl-audits.db');
    site.version.changing = 1;
    const a = await cli(['crawl', url, '--record', db, '--format', 'json', ...FAST]);
    site.version.changing = 2;
    const b = await cli(['crawl', url, '--record', db, '--format', 'json', ...FAST]);
    expect([a.code, b.code]).toEqual([0, 1]);
    expect(a.stderr).toBe(`manba: recorded as run 1 in ${db}\n`);
    expect(b.stderr).toBe(`manba: recorded as run 2 in ${db}\n`);
    const runs = (await cli(['history', 'runs', '--db', db])).stdout.trimEnd().split('\n').slice(1);
    expect(runs.map((l) => l.trim().split(/\s+/).filter((_, i) => i !== 1 && i !== 2).slice(0, 5))).toEqual([
      ['1', 'complete', 'crawl', '1', '0'],
      ['2', 'complete', 'crawl', '1', '1'],
    ]);
    const diff = JSON.parse((await cli(['history', 'diff', '--db', db, '--format', 'json'])).stdout) as {
      documents: { path: string; new: { ruleId: string; line: number; column: number }[]; resolved: unknown[]; persisting: unknown[] }[];
      totals: object;
    };
    expect(diff.documents.map((d) => ({ path: d.path, new: d.new.map((f) => `${f.ruleId} ${f.line}:${f.column}`), resolved: d.resolved, persisting: d.persisting }))).toEqual([
      { path: url, new: ['notice/altered 66:21'], resolved: [], persisting: [] },
    ]);
    expect(diff.totals).toEqual({ new: 1, resolved: 0, persisting: 0, exempted: 0 });
  });
});

describe('interrupting and resuming a crawl', () => {
  it('writes what is done on Ctrl-C (exit 130), and --resume fetches only the rest', async () => {
    const warc = join(dir, 'interrupted.warc.gz');
    const report = join(dir, 'interrupted.json');
    const urls = ['/many/1', '/many/2', '/hold/1'].map((p) => `${site.base}${p}`);
    const child = spawn(process.execPath, [`${ROOT}bin/manba.js`, 'crawl', ...urls, '--concurrency', '1', '--warc', warc, '--format', `json:${report}`, ...FAST], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    // One request at a time: when /hold/1 is asked for, /many/1 and /many/2 are done.
    while (site.count('/hold/1') === 0) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('manba: interrupted after 2 documents; the report covers those only');
    const partial = JSON.parse(readFileSync(report, 'utf8')) as { documents: JsonDocument[]; run: { settings: { interrupted: boolean } } };
    expect(partial.run.settings.interrupted).toBe(true);
    expect(partial.documents.map((d) => d.path)).toEqual(urls.slice(0, 2));

    // A record cut short at the end (as a kill mid-write would leave) is reported by check, and removed by --resume.
    const whole = statSync(warc).size;
    appendFileSync(warc, gzipSync(Buffer.from('WARC/1.1\r\nWARC-Type: response\r\nContent-Length: 500\r\n\r\n' + 'x'.repeat(500))).subarray(0, 40));
    const broken = await cli(['check', warc, '--format', 'json']);
    expect(findingsByPath(broken.stdout)).toEqual({ [urls[0]!]: [], [urls[1]!]: [], [warc]: ['input/malformed 1:1'] });
    expect(documents(broken).find((d) => d.path === warc)!.findings[0]!.message).toMatch(/ends with 40 bytes that are not a whole record, after \d+ whole records \(a crawl cut short\?\); the records before them were read$/);

    const resumed = await cli(['crawl', ...urls, '--concurrency', '1', '--warc', warc, '--resume', '--format', 'json', ...FAST]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('the cut-off record was removed and the crawl goes on after the last whole one');
    expect(resumed.stderr).toContain('manba: resumed: 2 pages taken from');
    expect(statSync(warc).size).toBeGreaterThan(whole);
    expect(documents(resumed).map((d) => d.path)).toEqual(urls);
    // The pages the WARC held were not fetched again; the one cut off was.
    expect([site.count('/many/1'), site.count('/many/2'), site.count('/hold/1')]).toEqual([1, 1, 2]);
    const all = await cli(['check', warc, '--format', 'json']);
    expect(documents(all).map((d) => d.path)).toEqual(urls);
  }, 30_000);
});

describe('politeness defaults', () => {
  it('waits a second between requests to a host by default', async () => {
    const paths = ['/many/11', '/many/12'];
    const warc = join(dir, 'polite.warc.gz');
    const r = await cli(['crawl', ...paths.map((p) => `${site.base}${p}`), '--warc', warc, '--no-progress', '--format', 'json']);
    expect(r.code).toBe(0);
    // When each request was started, as the crawler recorded it (WARC-Date): robots.txt, then the two pages, each
    // at least a second after the one before. (The server's clock would also count its neighbours' delays.)
    const started: [string, number][] = [];
    for await (const record of new WARCParser(createReadStream(warc))) {
      if (record.warcType === 'request') started.push([new URL(record.warcTargetURI!).pathname, Date.parse(record.warcDate!)]);
      await record.skipFully();
    }
    expect(started.map(([p]) => p)).toEqual(['/robots.txt', ...paths]);
    expect(started[1]![1] - started[0]![1]).toBeGreaterThanOrEqual(1000);
    expect(started[2]![1] - started[1]![1]).toBeGreaterThanOrEqual(1000);
  }, 15_000);

  it('a robots.txt that answers 5xx keeps the whole site out (RFC 9309); Crawl-delay slows manba down', async () => {
    const url = `${site.base}/many/21`;
    try {
      site.robots.override = { status: 503, body: 'down for maintenance' };
      const down = await cli(['crawl', url, '--format', 'json', ...FAST]);
      expect(findingsByPath(down.stdout)).toEqual({ [url]: ['fetch/robots 1:1'] });
      expect(documents(down)[0]!.findings[0]!.message).toBe(`${url}: not fetched, ${site.base}/robots.txt answered HTTP 503; without it the site is not crawled (RFC 9309)`);
      expect(site.count('/many/21')).toBe(0);

      site.robots.override = { status: 200, body: 'User-agent: manba\nCrawl-delay: 1\nDisallow: /private/\n' };
      const warc = join(dir, 'crawl-delay.warc.gz');
      const slow = await cli(['crawl', `${site.base}/many/22`, `${site.base}/many/23`, '--warc', warc, '--format', 'json', ...FAST]);
      expect(slow.code).toBe(0);
      const started: number[] = [];
      for await (const record of new WARCParser(createReadStream(warc))) {
        if (record.warcType === 'request') started.push(Date.parse(record.warcDate!));
        await record.skipFully();
      }
      // robots.txt, then the two pages: a second apart although --rate 0 was given.
      expect(started).toHaveLength(3);
      expect(started[2]! - started[1]!).toBeGreaterThanOrEqual(1000);
    } finally {
      site.robots.override = undefined;
    }
  }, 15_000);

  it('matches robots.txt groups by the product token of --user-agent', async () => {
    const url = `${site.base}/drafts/tomorrow`;
    const r = await cli(['crawl', url, '--user-agent', 'legaldesk/2.0 (+mailto:legal@example.ir)', '--format', 'json', ...FAST]);
    // Not disallowed for legaldesk (only for manba), so it is fetched: the site has no such page.
    expect(findingsByPath(r.stdout)).toEqual({ [url]: ['fetch/http 1:1'] });
    expect(site.hits.filter((h) => h.path === '/drafts/tomorrow').map((h) => h.userAgent)).toEqual(['legaldesk/2.0 (+mailto:legal@example.ir)']);
  });
});

describe('progress', () => {
  it('shows pages checked, fetched, queued, failed and the request rate on standard error with --progress', async () => {
    const r = await cli(['crawl', `${site.base}/news/titr-article`, `${site.base}/news/gone`, '--progress', '--rate', '0', '--format', 'json']);
    expect(r.code).toBe(1);
    // The last redraw: both pages checked; robots.txt and the two pages fetched; the 404 failed.
    expect(r.stderr.split('\r').at(-1)).toMatch(/^2 pages checked {2}3 fetched {2}0 queued {2}1 failed {2}\d+\.\d requests\/s {2}\d+\.\ds\u001b\[K\n/);
  });
});

describe('reports of a crawl', () => {
  it('CSV adds fetch time, final URL, HTTP status and WARC record id; HTML shows them', async () => {
    const url = `${site.base}/news/notice-altered`;
    const warc = join(dir, 'report.warc.gz');
    const html = join(dir, 'report.html');
    const r = await cli(['crawl', url, '--warc', warc, '--format', 'csv', '--format', `html:${html}`, ...FAST]);
    expect(r.code).toBe(1);
    const [head, row] = r.stdout.split('\r\n');
    expect(head).toBe('\uFEFFdocument,outlet,rule,severity,line,column,message,expected,found,sha256,waived,fetched_at,final_url,http_status,warc_record_id');
    const cells = row!.split(',');
    expect(cells.slice(0, 6)).toEqual([url, 'irna', 'notice/altered', 'error', '66', '21']);
    expect(cells.slice(-4, -1)).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\dT/), url, '200']);
    expect(cells.at(-1)).toMatch(/^<urn:uuid:[0-9a-f-]{36}>$/);
    // The HTML report's data holds the same retrieval for the document.
    const page = readFileSync(html, 'utf8');
    const data = JSON.parse(/<script type="application\/json" id="manba-data">([\s\S]*?)<\/script>/.exec(page)![1]!.replace(/\\u003c/g, '<')) as { docs: unknown[][] };
    expect(data.docs[0]![7]).toEqual([cells.at(-4), 'HTTP 200', '', cells.at(-1)]);
  });
});

describe('usage errors', () => {
  it('exit 2 with a clear message, and an existing WARC is never overwritten', async () => {
    expect(await cli(['crawl'])).toMatchObject({ code: 2, stderr: 'manba: no URLs given: name pages, sitemaps or feeds to crawl, or --urls <file>\n' });
    expect(await cli(['crawl', 'ftp://example.ir/a'])).toMatchObject({ code: 2, stderr: 'manba: not an http: or https: URL: ftp://example.ir/a\n' });
    expect(await cli(['crawl', `${site.base}/a`, '--since', 'yesterday'])).toMatchObject({ code: 2, stderr: 'manba: --since takes a date, ISO (2024-07-22) or Jalali (1403/05/01, ۱ مرداد ۱۴۰۳), not "yesterday"\n' });
    expect(await cli(['crawl', `${site.base}/a`, '--resume'])).toMatchObject({ code: 2, stderr: 'manba: --resume continues from a WARC file: give it with --warc <file.warc.gz>\n' });
    const kept = join(dir, 'kept.warc.gz');
    writeFileSync(kept, 'evidence');
    const r = await cli(['crawl', `${site.base}/a`, '--warc', kept]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('exists; add --resume to continue that crawl, or name another file');
    expect(readFileSync(kept, 'utf8')).toBe('evidence');
  });

  it('does not follow a redirect off the crawl\'s hosts, and says when a sitemap lists nothing', async () => {
    const moved = `${site.base}/moved-away`;
    const r = await cli(['crawl', moved, `${site.base}/empty-sitemap.xml`, '--format', 'json', ...FAST]);
    expect(findingsByPath(r.stdout)).toEqual({ [moved]: ['fetch/redirects 1:1'] });
    expect(documents(r)[0]!.findings[0]!.message).toBe(`${moved} redirects to http://elsewhere.example/news/1, off the hosts of this crawl (add --allow-host elsewhere.example to follow it)`);
    expect(r.stderr).toContain(`manba: ${site.base}/empty-sitemap.xml lists no pages\n`);
  });

  it('reads URLs from --urls, one a line, # comments left out', async () => {
    const list = join(dir, 'urls.txt');
    writeFileSync(list, `# the legal desk's list\n${site.base}/news/titr-article\n\n${site.base}/news/gone\n`);
    const r = await cli(['crawl', '--urls', list, '--format', 'json', ...FAST]);
    expect(findingsByPath(r.stdout)).toEqual({ [`${site.base}/news/titr-article`]: [], [`${site.base}/news/gone`]: ['fetch/http 1:1'] });
  });

  it('--limit caps the pages checked and says how many were left out', async () => {
    const r = await cli(['crawl', `${site.base}/sitemap.xml`, '--limit', '3', '--format', 'json', ...FAST]);
    expect(documents(r).map((d) => d.path)).toEqual(['/news/titr-article', '/news/notice-altered', '/news/reference-1256'].map((p) => `${site.base}${p}`));
    // 13 entries in the news sitemap and 1 in the 2019 one (no --since here): 11 left out.
    expect(r.stderr).toContain('manba: 11 pages left out by --limit 3\n');
  });
});
