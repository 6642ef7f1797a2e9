import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { DocumentResult, Finding } from '../src/engine/finding.js';
import { summarize } from '../src/engine/finding.js';
import { HTML_CLIENT_SCRIPT, HTML_STRINGS } from '../src/report/html.js';
import { reporterNamed, type Report } from '../src/report/index.js';
import { cli, ROOT } from './helpers.js';

const html = reporterNamed('html')!;
const OPTIONS = { color: false, showPassing: true };

function finding(ruleId: string, severity: Finding['severity'], fa: string, en: string, at: [number, number], extra: Partial<Finding> = {}): Finding {
  const [line, column] = at;
  return { ruleId, severity, message: en, messages: { fa, en }, line, column, endLine: line, endColumn: column + 1, ...extra };
}

/** Everything an attacker could put in a document's path or a message, plus a URL that must stay text. */
const PWN = `<script>document.documentElement.setAttribute('data-pwned','script')</script>`;
const PWN_IMG = `<img src=x onerror="document.documentElement.setAttribute('data-pwned','img')">`;
const EVIL_PATH = `archive/${PWN_IMG}</script><!--<script>.txt`;
const URL_PATH = 'feed.xml#https://www.example.com/news/1?a=1&b=2';

function sample(): Report {
  const documents: DocumentResult[] = [
    { path: 'clean.txt', findings: [], facts: { attribution: { source: 'ایرنا', outlet: 'irna', site: 'تیترآنلاین', line: 23, column: 11 } } },
    {
      path: EVIL_PATH,
      findings: [finding('attribution/mismatch', 'error', `پیام ${PWN} «ایسنا»`, `message ${PWN}`, [3, 1], { evidence: { expected: 'ایرنا', found: `ایسنا ${PWN_IMG}` } })],
      facts: { declared: [{ name: 'ایسنا', where: 'byline', outlet: 'isna' }] },
    },
    {
      path: URL_PATH,
      findings: [
        finding('notice/altered', 'error', 'اطلاعیه تغییر کرده است', 'The notice is altered', [24, 19], {
          evidence: { expected: 'مسئولیت نقض حقوق مولفان بر عهده بازنشرکننده است', found: 'مسئولیت نقض حقوق نویسندگان بر عهده بازنشرکننده نیست' },
        }),
        finding('notice/site', 'warning', 'نام سایت', 'Site name', [25, 1]),
        finding('notice/missing', 'error', 'چشم‌پوشی‌شده', 'suppressed', [26, 1], { suppressions: [{ kind: 'inSource', justification: 'legal said so' }] }),
      ],
      facts: { attribution: { source: 'ایرنا', outlet: 'irna', site: 'تیترآنلاین', line: 23, column: 11 }, bylineDate: { jalali: '1399/04/18', valid: true, iso: '2020-07-08' } },
    },
  ];
  return { tool: { name: 'manba', version: '9.8.7' }, documents, summary: summarize(documents) };
}

/** The embedded data: the JSON between the data script's tags (there is no `<` inside, so the first `</script>` ends it). */
function dataOf(page: string): any {
  const m = /<script type="application\/json" id="manba-data">([^<]*)<\/script>/.exec(page);
  if (!m) throw new Error('no data block');
  return JSON.parse(m[1]!);
}
/** The page without its data block: what is markup, style and code. */
const chrome = (page: string) => page.replace(/<script type="application\/json" id="manba-data">[^<]*<\/script>/, '');

describe('html report', () => {
  it('is registered as --format html', () => {
    expect(html.name).toBe('html');
  });

  it('is one Persian, right-to-left page with its data embedded once as JSON', () => {
    const page = html.format(sample(), OPTIONS);
    expect(page.startsWith('<!DOCTYPE html>\n<html lang="fa" dir="rtl">')).toBe(true);
    const data = dataOf(page);
    expect(data.summary).toEqual({ documents: 3, errors: 2, warnings: 1, failing: 2, passed: 1, suppressed: 1 });
    expect(data.docs.map((d: unknown[]) => d[0])).toEqual(['clean.txt', EVIL_PATH, URL_PATH]);
    // Outlet: the attribution's, else the first declared source's, else unknown (-1).
    expect(data.docs.map((d: number[]) => (d[1]! < 0 ? null : data.outlets[d[1]!].id))).toEqual(['irna', 'isna', 'irna']);
    expect(data.docs.map((d: number[]) => (d[2]! < 0 ? null : data.sites[d[2]!]))).toEqual(['تیترآنلاین', null, 'تیترآنلاین']);
    expect(data.byRule.map((r: number[]) => data.rules[r[0]!])).toEqual(['attribution/mismatch', 'notice/altered', 'notice/site']);
    expect(data.str).toContain('legal said so');
    // No document's rows are built here: the page renders them from the data.
    expect(page.replace(/<script\b[^>]*>[^]*?<\/script>/g, '')).not.toMatch(/<td[ >]/);
  });

  it('starts in English when the options ask for it', () => {
    const page = html.format(sample(), { ...OPTIONS, lang: 'en' } as typeof OPTIONS);
    expect(page.startsWith('<!DOCTYPE html>\n<html lang="en" dir="ltr">')).toBe(true);
    expect(dataOf(page).lang).toBe('en');
  });

  it('requests nothing from the network: no URL in src or href, no fonts, styles or scripts from elsewhere', () => {
    const page = html.format(sample(), OPTIONS);
    expect(page).not.toMatch(/\b(?:src|href|srcset|action|formaction|poster|data|xlink:href)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|\/\/)/i);
    const markup = chrome(page);
    expect(markup).not.toMatch(/https?:|\/\/[a-z]/i);
    expect(markup).not.toMatch(/url\(|@import|<link|<img|<iframe|<object|<embed/i);
    expect(HTML_CLIENT_SCRIPT).not.toMatch(/fetch\(|XMLHttpRequest|WebSocket|EventSource|import\(|sendBeacon|\.src\s*=|new Image/);
    expect(markup).toContain(`content="default-src 'none'; script-src 'sha256-`);
    // The document's URL is in the data, as text.
    expect(dataOf(page).docs[2][0]).toBe(URL_PATH);
  });

  it('escapes every text from documents and messages', () => {
    const page = html.format(sample(), OPTIONS);
    expect(page.match(/<script/g)).toHaveLength(2);
    expect(page.match(/<\/script>/g)).toHaveLength(2);
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<!--');
    const block = /<script type="application\/json" id="manba-data">([^]*?)<\/script>/.exec(page)![1]!;
    expect(block).not.toMatch(/[<>&]/);
    const data = dataOf(page);
    expect(data.docs[1][0]).toBe(EVIL_PATH);
    expect(data.str).toContain(`پیام ${PWN} «ایسنا»`);
    expect(data.str).toContain(`ایسنا ${PWN_IMG}`);
  });

  it('has every UI string in Persian and English, and the page uses no other', () => {
    for (const [key, s] of Object.entries(HTML_STRINGS)) {
      expect(s.fa.trim(), key).not.toBe('');
      expect(s.en.trim(), key).not.toBe('');
      // The toggle names the other language.
      if (key !== 'toggle') expect(s.fa, key).toMatch(/[\u0600-\u06ff]/);
    }
    const used = new Set<string>();
    for (const m of HTML_CLIENT_SCRIPT.matchAll(/\bt\('(\w+)'/g)) used.add(m[1]!);
    for (const m of HTML_CLIENT_SCRIPT.matchAll(/\[\s*'\w+',\s*'(\w+)'\s*\]/g)) used.add(m[1]!);
    for (const m of HTML_CLIENT_SCRIPT.matchAll(/key: '(\w+)'/g)) used.add(m[1]!);
    const page = html.format(sample(), OPTIONS);
    for (const m of page.matchAll(/data-i18n(?:-\w+)?="(\w+)"/g)) used.add(m[1]!);
    expect(used.size).toBeGreaterThan(30);
    for (const key of used) expect(HTML_STRINGS, key).toHaveProperty(key);
  });

  it('formats the examples through the CLI, with the same counts as the JSON report', async () => {
    const r = await cli(['check', 'examples/', '--format', 'html']);
    const json = JSON.parse((await cli(['check', 'examples/', '--format', 'json'])).stdout);
    expect(r.code).toBe(1);
    expect(r.stdout.startsWith('<!DOCTYPE html>')).toBe(true);
    const data = dataOf(r.stdout);
    expect(data.summary).toMatchObject(json.summary);
    expect(data.docs.map((d: unknown[]) => d[0])).toEqual(json.documents.map((d: { path: string }) => d.path));
  });

  // How fast is the bench's business (npm run bench writes an html report of 100,000 documents); here, what it holds.
  it('formats 100,000 documents into one page under 150 MB', () => {
    const report = synthetic(100_000);
    const page = html.format(report, OPTIONS);
    expect(Buffer.byteLength(page)).toBeLessThan(150e6);
    const data = dataOf(page);
    expect(data.docs).toHaveLength(100_000);
    expect(data.summary.documents).toBe(100_000);
  });
});

/** An archive: 30 outlets, 12 sites, 60% failing with one to three findings, some messages naming the document. */
function synthetic(n: number): Report {
  const outlets = Array.from({ length: 30 }, (_, i) => ({ id: `outlet${i}`, name: `خبرگزاری ${i}` }));
  const sites = Array.from({ length: 12 }, (_, i) => `سایت ${i}`);
  const documents: DocumentResult[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const o = outlets[i % 30]!;
    const path = `archive/${1390 + (i % 10)}/${String(i % 12).padStart(2, '0')}/article-${i}.txt`;
    const findings: Finding[] = [];
    if (i % 5 < 3) {
      findings.push(
        finding('notice/altered', 'error', 'اطلاعیه ماده ۷۴ تغییر کرده است: به جای «۷۴» آمده است «۷۵».', 'The Article 74 notice is altered: expected «۷۴», found «۷۵».', [24, 19], {
          evidence: { expected: '۷۴', found: '۷۵' },
        }),
      );
      if (i % 3 === 0) findings.push(finding('attribution/mismatch', 'error', `پانویس «${o.name}» را نام می‌برد`, `The attribution names «${o.name}»`, [23, 11]));
      if (i % 7 === 0) findings.push(finding('input/empty', 'warning', `${path} خالی است`, `${path} is empty`, [1, 1]));
    }
    documents[i] = {
      path,
      findings,
      facts: {
        attribution: { source: o.name, outlet: o.id, site: sites[i % 12]!, line: 23, column: 11 },
        declared: [{ name: o.name, where: 'byline', outlet: o.id, line: 3, column: 1 }],
        bylineDate: { jalali: `${1390 + (i % 10)}/04/18`, time: '17:40', valid: true, iso: '2020-07-08' },
      },
    };
  }
  return { tool: { name: 'manba', version: '0.0.0' }, documents, summary: summarize(documents) };
}

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !process.env.CI) {
  console.warn(`report-html: SKIPPING the browser tests: ${CHROMIUM} is not installed (as root: apt-get update && apt-get install -y chromium). In CI (CI set) they run.`);
}

describe.skipIf(!haveChromium && !process.env.CI)('html report in a real browser (Chromium)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'manba-html-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = promisify(execFile);
  let profiles = 0;
  /** Chromium, headless, offline-minded, in a fresh profile. */
  async function chromium(args: string[]): Promise<string> {
    const profile = join(dir, `profile-${profiles++}`);
    mkdirSync(profile);
    const { stdout } = await run(
      CHROMIUM,
      ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, ...args],
      { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
    );
    return stdout;
  }
  /** The DOM after the page's script ran, without the scripts (whose text holds the UI strings and the data). */
  const dom = async (file: string, hash = '') => (await chromium(['--dump-dom', `file://${file}${hash}`])).replace(/<script\b[^>]*>[^]*?<\/script>/g, '');
  let examples: { file: string; json: { summary: { documents: number; errors: number; warnings: number }; documents: { path: string; findings: { suppressed?: unknown }[] }[] } } | undefined;
  async function examplesReport() {
    if (!examples) {
      const page = (await cli(['check', 'examples/', '--format', 'html'])).stdout;
      const json = JSON.parse((await cli(['check', 'examples/', '--format', 'json'])).stdout);
      const file = join(dir, 'examples.html');
      writeFileSync(file, page);
      examples = { file, json };
    }
    return examples;
  }
  const fa = (n: number) => n.toLocaleString('fa-IR');

  it('has Chromium (in CI .ci/run installs it)', () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get update && apt-get install -y chromium`).toBe(true);
  });

  it('renders the summary, charts, documents and evidence of examples/ in Persian', { timeout: 60_000 }, async () => {
    const { file, json } = await examplesReport();
    const page = await dom(file);
    expect(page).toMatch(/<html lang="fa" dir="rtl">/);
    const card = (id: string) => new RegExp(`id="sum-${id}"><div class="num" data-value="([^"]*)">([^<]*)</div>`).exec(page);
    expect(card('documents')?.slice(1)).toEqual([String(json.summary.documents), fa(json.summary.documents)]);
    expect(card('errors')?.slice(1)).toEqual([String(json.summary.errors), fa(json.summary.errors)]);
    expect(card('warnings')?.slice(1)).toEqual([String(json.summary.warnings), fa(json.summary.warnings)]);
    expect(page).toContain('سند بررسی‌شده');
    expect(page.match(/<svg class="chart"/g)).toHaveLength(3);
    expect(page.match(/<rect /g)!.length).toBeGreaterThan(5);
    const rows = page.slice(page.indexOf('id="doc-body"')).match(/<tr class="(?:pass|fail)"/g);
    expect(rows).toHaveLength(Math.min(200, json.summary.documents));
    expect(page).toMatch(/<mark class="ins">۷۵<\/mark>/);
  });

  it("marks the altered word in examples/fail-notice-altered-article.txt's evidence", { timeout: 60_000 }, async () => {
    const { file } = await examplesReport();
    const page = await dom(file, '#q=fail-notice-altered-article.txt');
    const cards = page.match(/<article class="doc[^"]*" id="doc-\d+"[^]*?<\/article>/g) ?? [];
    expect(cards).toHaveLength(1);
    expect(cards[0]).toContain('<bdi>examples/fail-notice-altered-article.txt</bdi>');
    expect(cards[0]).toMatch(/<div class="lbl">متن درست<\/div><p dir="auto"><mark class="del">۷۴<\/mark><\/p>/);
    expect(cards[0]).toMatch(/<div class="lbl">متن یافت‌شده<\/div><p dir="auto"><mark class="ins">۷۵<\/mark><\/p>/);
  });

  it('switches to English, filters and sorts from the address', { timeout: 60_000 }, async () => {
    const { file, json } = await examplesReport();
    const page = await dom(file, '#lang=en&sev=passing&sort=path&dir=desc');
    expect(page).toMatch(/<html lang="en" dir="ltr">/);
    expect(page).toContain('Documents checked');
    expect(page).not.toContain('سند بررسی‌شده');
    const passing = json.documents.filter((d) => d.findings.every((f) => f.suppressed)).map((d) => d.path);
    expect(page).toContain(`1–${passing.length} of ${passing.length} documents`);
    const shown = [...page.matchAll(/<td class="path">(?:<button[^>]*>)?<bdi>([^<]*)<\/bdi>/g)].map((m) => m[1]);
    expect(shown).toEqual([...passing].sort(new Intl.Collator('fa', { numeric: true }).compare).reverse());
  });

  it('shows hostile text as text, runs none of it, and marks differing words', { timeout: 60_000 }, async () => {
    const file = join(dir, 'hostile.html');
    writeFileSync(file, html.format(sample(), OPTIONS));
    const page = await dom(file);
    expect(page).toMatch(/<html lang="fa" dir="rtl">/);
    expect(page).not.toContain('data-pwned=');
    expect(page).toContain('&lt;img src=x onerror="document.documentElement.setAttribute(\'data-pwned\',\'img\')"&gt;&lt;/script&gt;&lt;!--&lt;script&gt;.txt');
    expect(page).toContain('پیام &lt;script&gt;document.documentElement');
    // The URL is text, never a link.
    expect(page).toContain(`<bdi>${URL_PATH.replace(/&/g, '&amp;')}</bdi>`);
    expect(page).not.toMatch(/href="https?:/);
    // Word diff: only the differing words are marked, on each side.
    expect(page).toContain('<p dir="auto">مسئولیت نقض حقوق <mark class="del">مولفان</mark> بر عهده بازنشرکننده <mark class="del">است</mark></p>');
    expect(page).toContain('<p dir="auto">مسئولیت نقض حقوق <mark class="ins">نویسندگان</mark> بر عهده بازنشرکننده <mark class="ins">نیست</mark></p>');
    // A suppressed finding is shown with its reason, and not counted.
    expect(page).toContain('چشم‌پوشی‌شده: legal said so');
    expect(page).toMatch(/id="sum-errors"><div class="num" data-value="2">/);
  });

  it('takes a screenshot to tests/.tmp/report.png', { timeout: 60_000 }, async () => {
    const { file } = await examplesReport();
    const png = join(ROOT, 'tests/.tmp/report.png');
    mkdirSync(join(ROOT, 'tests/.tmp'), { recursive: true });
    rmSync(png, { force: true });
    await chromium([`--screenshot=${png}`, '--window-size=1280,2000', `file://${file}`]);
    expect(readFileSync(png).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(statSync(png).size).toBeGreaterThan(50_000);
  });
});

describe('grouping by site', () => {
  it('spellings of one site that differ only in script (ي/ی) are one row', async () => {
    const { htmlReporter } = await import('../src/report/html.js');
    const doc = (path: string, site: string) => ({ path, findings: [], facts: { attribution: { source: 'ایرنا', outlet: 'irna', site, line: 1, column: 1 } } });
    const out = htmlReporter.format(
      { tool: { name: 'manba', version: '0' }, documents: [doc('a.txt', 'تیترآنلاین'), doc('b.txt', 'تيترآنلاين')], summary: { documents: 2, errors: 0, warnings: 0 } },
      { color: false, showPassing: true },
    );
    const data = JSON.parse(out.match(/<script type="application\/json"[^>]*>([\s\S]*?)<\/script>/)![1]!.replace(/\\u003c/g, '<')) as { sites: string[] };
    expect(data.sites).toEqual(['تیترآنلاین']);
  });
});
