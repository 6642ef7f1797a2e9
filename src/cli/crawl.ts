/**
 * `manba crawl`: fetch pages (named, or from sitemaps and feeds) and check them as `manba check` checks files:
 * the same config, rules, reports and exit codes (checkDocuments in check.ts); only the source of documents
 * differs. Options in, library calls, exit code out.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { crawl, normalizeUrl, type CrawlSettings } from '../crawl/crawl.js';
import { parseSince } from '../crawl/discover.js';
import { closeConnections } from '../crawl/fetch.js';
import { USER_AGENT } from '../crawl/user-agent.js';
import { WarcWriter } from '../crawl/warc-writer.js';
import { DEFAULT_MAX_BODY } from '../documents/http-page.js';
import { MAX_BODY_FIELD, warcPages } from '../documents/readers/warc.js';
import type { DocumentResult } from '../engine/finding.js';
import { checkRead } from '../engine/run.js';
import { sha256 } from '../engine/cache.js';
import { VERSION } from '../version.js';
import { checkDocuments, type CheckOptions } from './check.js';
import { CrawlProgress } from './crawl-progress.js';
import { interruptible, showsProgress, UsageError, type CliIO } from './io.js';

export interface CrawlOptions extends Pick<CheckOptions, 'config' | 'format' | 'output' | 'quiet' | 'maxWarnings' | 'failOn' | 'lang' | 'site' | 'color' | 'reportUnusedSuppressions' | 'baseline' | 'encoding' | 'progress' | 'record' | 'reportUnusedWaivers'> {
  urls?: string;
  since?: string;
  limit?: string;
  warc?: string;
  resume?: boolean;
  userAgent?: string;
  rate?: string;
  concurrency?: string;
  timeout?: string;
  maxSize?: string;
  retries?: string;
  retryDelay?: string;
  allowHost: string[];
}

const number = (value: string | undefined, option: string, what: string, ok: (n: number) => boolean): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !ok(n)) throw new UsageError(`${option} takes ${what}, not "${value}"`);
  return n;
};

export async function runCrawl(args: string[], opts: CrawlOptions, io: CliIO): Promise<number> {
  // Ctrl-C stops fetching; what is done is reported and kept in the WARC (exit 130); --resume goes on from there.
  try {
    return await interruptible((abort) => crawlCommand(args, opts, io, abort));
  } finally {
    closeConnections();
  }
}

async function crawlCommand(args: string[], opts: CrawlOptions, io: CliIO, abort: AbortController): Promise<number> {
  const texts = [...args];
  if (opts.urls) {
    const file = resolve(io.cwd, opts.urls);
    if (!existsSync(file)) throw new UsageError(`--urls: no such file ${opts.urls}`);
    readFileSync(file, 'utf8').split(/\r?\n/).forEach((line) => {
      const t = line.trim();
      if (t && !t.startsWith('#')) texts.push(t);
    });
  }
  if (texts.length === 0) throw new UsageError('no URLs given: name pages, sitemaps or feeds to crawl, or --urls <file>');
  const starts: URL[] = [];
  for (const t of texts) {
    const u = normalizeUrl(t);
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) throw new UsageError(`not an http: or https: URL: ${t}`);
    starts.push(u);
  }
  let since: number | undefined;
  if (opts.since !== undefined) {
    since = parseSince(opts.since);
    if (since === undefined) throw new UsageError(`--since takes a date, ISO (2024-07-22) or Jalali (1403/05/01, ۱ مرداد ۱۴۰۳), not "${opts.since}"`);
  }
  const limit = number(opts.limit, '--limit', 'a whole number of pages, at least 1', (n) => Number.isInteger(n) && n >= 1);
  const rate = number(opts.rate, '--rate', 'requests a second per host (0: no limit)', (n) => n >= 0 && Number.isFinite(n)) ?? 1;
  const concurrency = number(opts.concurrency, '--concurrency', 'a whole number of at least 1', (n) => Number.isInteger(n) && n >= 1) ?? 2;
  const timeout = number(opts.timeout, '--timeout', 'a number of seconds', (n) => n > 0 && Number.isFinite(n)) ?? 30;
  const maxBody = number(opts.maxSize, '--max-size', 'a number of bytes', (n) => Number.isInteger(n) && n > 0) ?? DEFAULT_MAX_BODY;
  const retries = number(opts.retries, '--retries', 'a whole number', (n) => Number.isInteger(n) && n >= 0) ?? 3;
  const retryDelay = number(opts.retryDelay, '--retry-delay', 'a number of seconds', (n) => n >= 0 && Number.isFinite(n)) ?? 1;
  if (opts.resume && !opts.warc) throw new UsageError('--resume continues from a WARC file: give it with --warc <file.warc.gz>');
  const warcFile = opts.warc ? resolve(io.cwd, opts.warc) : undefined;
  if (warcFile && !/\.warc(\.gz)?$/i.test(warcFile)) throw new UsageError(`--warc takes a file named .warc.gz (or .warc), not "${opts.warc}"`);
  if (warcFile && existsSync(warcFile) && !opts.resume && statSync(warcFile).size > 0) {
    throw new UsageError(`${opts.warc} exists; add --resume to continue that crawl, or name another file (a WARC is evidence: manba never overwrites one)`);
  }
  const userAgent = opts.userAgent?.trim() || USER_AGENT;

  const settings = { crawl: { userAgent, rate, concurrency, timeout, maxBody, ...(opts.warc ? { warc: opts.warc } : {}), ...(opts.since ? { since: opts.since } : {}), ...(limit ? { limit } : {}) } };
  return checkDocuments(opts as CheckOptions, io, abort, { command: 'crawl', settings, retrieval: true }, async ({ engine, byPath, readOptions, onResult }) => {
    const progress = showsProgress(opts.progress, io) ? new CrawlProgress(io) : undefined;
    /** A page's results, checked as soon as it is read: what waits for its turn is the result, not the page. */
    const check = (read: Parameters<typeof checkRead>[1], retrieval: DocumentResult['retrieval']): DocumentResult[] =>
      read.map((r) => {
        const path = r.ok ? r.document.path : r.problem.path;
        const [result] = checkRead(engine, [r], byPath.settingsFor(path), r.ok ? sha256(r.document.text) : undefined);
        return retrieval ? { ...result!, retrieval } : result!;
      });
    const httpRead = { ...readOptions, maxBody };
    const notes: string[] = [];

    // Resuming: the pages the WARC holds are checked from it (as `manba check` would) and not fetched again.
    const held = new Set<string>();
    let keepBytes: number | undefined;
    if (warcFile && opts.resume && existsSync(warcFile)) {
      for await (const p of warcPages(warcFile, opts.warc!, httpRead)) {
        if ('result' in p) {
          const path = p.result.ok ? p.result.document.path : p.result.problem.path;
          if (held.has(path)) continue;
          held.add(path);
          for (const r of check([p.result], p.retrieval)) onResult(r);
          continue;
        }
        keepBytes = p.end;
        if (p.broken) notes.push(`${p.broken}; the cut-off record was removed and the crawl goes on after the last whole one`);
      }
      notes.push(`resumed: ${held.size} page${held.size === 1 ? '' : 's'} taken from ${opts.warc}, not fetched again`);
    }
    const warc = warcFile ? new WarcWriter(warcFile, keepBytes !== undefined ? { keepBytes } : {}) : undefined;
    await warc?.info({ software: `manba/${VERSION}`, userAgent, settings: { 'manba-rate': String(rate), 'manba-concurrency': String(concurrency), 'manba-timeout-seconds': String(timeout), [MAX_BODY_FIELD]: String(maxBody), 'manba-robots': 'obeyed' } });

    const crawlSettings: CrawlSettings = {
      userAgent,
      concurrency,
      rate,
      timeoutMs: timeout * 1000,
      maxBody,
      maxRedirects: 5,
      retries,
      retryBaseMs: retryDelay * 1000,
      maxRetryAfterMs: 120_000,
      allowHosts: opts.allowHost,
      ...(since !== undefined ? { since } : {}),
      // Pages taken from the WARC count towards the limit: they are in the report.
      ...(limit !== undefined ? { limit } : {}),
      read: httpRead,
      ...(warc ? { warc } : {}),
      held,
      signal: abort.signal,
    };
    progress?.start();
    let outcome;
    try {
      outcome = await crawl(starts, crawlSettings, {
        take: (page) => check(page.read, page.retrieval),
        onPage: (results) => results.forEach(onResult),
        onStats: (s) => progress?.update(s),
      });
    } finally {
      progress?.done();
      await warc?.close();
    }
    notes.push(...outcome.notes);
    if (warc) notes.push(`${warc.records} WARC record${warc.records === 1 ? '' : 's'} written to ${opts.warc}`);
    return { missing: [], interrupted: outcome.interrupted, notes };
  });
}
