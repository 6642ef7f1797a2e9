// node bench/crawl.mjs [pages=10000] [concurrency list=2,8]: crawl a local site of N pages (the HTML example
// pages, served by this script on 127.0.0.1 from a sitemap index) with politeness off (--rate 0), with and
// without a WARC, and print pages/s and the crawl's peak RSS. The crawl runs as its own process (the built
// bin/manba.js; run `npm run build` first) with a JSON report to a file, so its memory is the crawl's alone.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const N = Number(process.argv[2] ?? 10000);
const CONCURRENCY = (process.argv[3] ?? '2,8').split(',').map(Number);
const root = new URL('../', import.meta.url).pathname;
const pages = ['pass-titr-article.html', 'fail-notice-altered-article.html', 'pass-titr-page-footer.html', 'pass-entities-in-notice.html'].map((f) => readFileSync(`${root}examples/html/${f}`));
const PER_SITEMAP = 1000;

const server = http.createServer((req, res) => {
  const base = `http://${req.headers.host}`;
  const path = req.url ?? '/';
  if (path === '/robots.txt') return res.writeHead(200, { 'Content-Type': 'text/plain' }).end('User-agent: *\nDisallow: /private/\n');
  if (path === '/sitemap.xml') {
    const n = Math.ceil(N / PER_SITEMAP);
    const list = Array.from({ length: n }, (_, k) => `<sitemap><loc>${base}/sitemap-${k}.xml</loc></sitemap>`).join('\n');
    return res.writeHead(200, { 'Content-Type': 'application/xml' }).end(`<?xml version="1.0"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${list}\n</sitemapindex>\n`);
  }
  const m = /^\/sitemap-(\d+)\.xml$/.exec(path);
  if (m) {
    const from = Number(m[1]) * PER_SITEMAP;
    const urls = [];
    for (let i = from; i < Math.min(N, from + PER_SITEMAP); i++) urls.push(`<url><loc>${base}/news/${i}</loc></url>`);
    return res.writeHead(200, { 'Content-Type': 'application/xml' }).end(`<?xml version="1.0"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`);
  }
  const p = /^\/news\/(\d+)$/.exec(path);
  if (p) return res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(pages[Number(p[1]) % pages.length]);
  res.writeHead(404).end();
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

const dir = mkdtempSync(join(tmpdir(), 'manba-bench-crawl-'));
// Prints the process's peak RSS (KiB) as its last line on standard error.
const rssReport = join(dir, 'rss.mjs');
writeFileSync(rssReport, "process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write(`\\nmaxRSS ${u.maxRSS} cpu ${u.userCPUTime + u.systemCPUTime}\\n`); });\n");

console.log(`manba crawl bench: ${N} pages from a local server, ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, node ${process.version}`);
function crawl(args, nodeArgs = []) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [...nodeArgs, '--import', rssReport, `${root}bin/manba.js`, 'crawl', `${base}/sitemap.xml`, '--rate', '0', '--no-progress', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const rss = Number(/maxRSS (\d+)/.exec(stderr)?.[1] ?? 0) / 1024;
      const cpu = Number(/ cpu (\d+)/.exec(stderr)?.[1] ?? 0) / 1e6;
      resolve({ code, seconds, rss, cpu, stderr });
    });
  });
}

// The last run caps the JS heap at 64 MB: a crawl that held its pages or results would run out; one that streams
// them finishes in about the same RSS whatever the number of pages.
const runs = [...CONCURRENCY.flatMap((concurrency) => [false, true].map((warc) => ({ concurrency, warc, nodeArgs: [] }))), { concurrency: CONCURRENCY[0], warc: true, nodeArgs: ['--max-old-space-size=64'] }];
for (const { concurrency, warc, nodeArgs } of runs) {
  {
    const report = join(dir, 'report.json');
    const warcFile = join(dir, `site-${concurrency}.warc.gz`);
    const r = await crawl(['--concurrency', String(concurrency), '--format', `json:${report}`, ...(warc ? ['--warc', warcFile] : [])], nodeArgs);
    const checked = JSON.parse(readFileSync(report, 'utf8')).summary.documents;
    if (checked !== N || (r.code !== 1 && r.code !== 0)) {
      console.error(r.stderr);
      throw new Error(`the crawl checked ${checked} of ${N} pages (exit ${r.code})`);
    }
    const size = warc ? `, WARC ${(statSync(warcFile).size / 1e6).toFixed(1)} MB` : '';
    // CPU time too: on a shared machine the wall clock says as much about the neighbours as about the crawl.
    console.log(`  ${nodeArgs.length ? `node ${nodeArgs.join(' ')}, ` : ''}--concurrency ${concurrency}${warc ? ' --warc' : '      '}: ${(N / r.seconds).toFixed(0)} pages/s (${r.seconds.toFixed(1)} s), ${((r.cpu / N) * 1000).toFixed(2)} ms CPU a page, peak RSS ${r.rss.toFixed(0)} MB${size}`);
    if (warc) rmSync(warcFile);
  }
}
server.close();
rmSync(dir, { recursive: true, force: true });
