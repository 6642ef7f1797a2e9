/**
 * A crawl: a source of documents beside the file walker. It fetches the pages that start URLs, sitemaps and
 * feeds name, politely (robots.txt, per-host concurrency and rate, retries that honour Retry-After), keeps every
 * exchange in a WARC file when asked, and hands each page, read by the same readers as a file (through
 * src/documents/http-page.ts), to its caller in the order the pages were found. A page that cannot be had is a
 * `fetch/*` finding, never an exception and never silence.
 *
 * Memory: a page's bytes live from its response until it is read; the crawl keeps URLs (what was seen, what is
 * queued) and the results of pages that finished before an earlier, slower page, never the site.
 */
import { setMaxListeners } from 'node:events';
import { readHttpPage, mediaType, undoContentEncoding, type HttpReadOptions, type Retrieval } from '../documents/http-page.js';
import type { ReadProblem, ReadResult } from '../documents/model.js';
import { readListing, type Entry } from './discover.js';
import { fetchOnce, headerOf, type Exchange } from './fetch.js';
import { HostGate } from './hosts.js';
import type { WarcWriter } from './warc-writer.js';
import { lazyRequire } from '../lazy.js';

// Loaded when a crawl starts: `manba check` never needs it (src/lazy.ts). robots-parser is CommonJS: its
// module.exports is the function, which its typings describe as `.default`.
const robotsParser = lazyRequire<typeof import('robots-parser').default>('robots-parser');

export interface CrawlSettings {
  userAgent: string;
  /** Requests in flight to one host (default 2). */
  concurrency: number;
  /** Requests a second to one host; 0 for no limit (default 1). */
  rate: number;
  /** One request, connect to last byte (default 30 s). */
  timeoutMs: number;
  /** Largest body, as sent and decompressed (default 5 MB). */
  maxBody: number;
  /** Redirects followed before giving up (default 5). */
  maxRedirects: number;
  /** Retries after 429, 5xx or a dropped connection (default 3). */
  retries: number;
  /** The first retry's wait when the server names none; doubled each time (default 1 s). */
  retryBaseMs: number;
  /** The longest Retry-After honoured; a server asking for more is reported (default 120 s). */
  maxRetryAfterMs: number;
  /** Hosts fetched besides the start URLs' hosts. */
  allowHosts: string[];
  /** Keep sitemap and feed entries modified at or after this time (ms since the epoch); entries without a date are kept. */
  since?: number;
  /** The most pages to check. */
  limit?: number;
  /** Read options (charset, reader settings). */
  read: HttpReadOptions;
  warc?: WarcWriter;
  /** URLs already held (a resumed crawl): not fetched again. */
  held?: Set<string>;
  signal?: AbortSignal;
}

export interface CrawledPage {
  /** Usually one result: the page's document, or the finding that says why there is none. */
  read: ReadResult[];
  retrieval: Retrieval;
}

export interface CrawlStats {
  /** Requests answered (or timed out), robots.txt and sitemaps included. */
  fetched: number;
  /** URLs waiting. */
  queued: number;
  /** Pages that gave a fetch/* finding. */
  failed: number;
  /** Pages given to the caller. */
  pages: number;
}

export interface CrawlEvents<T> {
  /**
   * Called as soon as a page is fetched, in whatever order pages arrive: turn it into what is kept until its turn
   * (its check result), so a page waiting behind a slower one holds its result, not its text.
   */
  take: (page: CrawledPage) => T;
  /** Each page's `take` result, in the order the pages were found. */
  onPage: (taken: T) => void;
  onStats?: (stats: CrawlStats) => void;
}

export interface CrawlOutcome {
  interrupted: boolean;
  stats: CrawlStats;
  /** Things worth telling on standard error: entries left out and why. */
  notes: string[];
}

type Role = 'start' | 'page' | 'listing';

/** What a listing (sitemap, index, feed) named: queued when its turn comes. */
interface Listed {
  entries: Entry[];
  base: string;
  role: Role;
  wasStart: boolean;
}

interface Visited<T> {
  pages: { taken: T; failed: boolean }[];
  listing?: Listed;
}

interface Item {
  url: string;
  role: Role;
  seq: number;
}

/** The outcome of getting a URL: the final response (after redirects), or a finding saying why there is none. */
type Got =
  | { ok: true; exchange: Exchange & { response: NonNullable<Exchange['response']> }; finalUrl: string; retrieval: Retrieval }
  | { ok: false; problem: ReadProblem; retrieval: Retrieval };

/** The product token robots.txt groups are matched against: `manba` in `manba/0.1.0 (+https://…)`. */
export function robotsToken(userAgent: string): string {
  return userAgent.trim().split(/[\s/]/)[0] || '*';
}

export function normalizeUrl(text: string, base?: string): URL | undefined {
  try {
    const u = new URL(text.trim(), base);
    u.hash = '';
    return u;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Retry-After: seconds, or an HTTP date. Undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export async function crawl<T>(starts: readonly URL[], settings: CrawlSettings, events: CrawlEvents<T>): Promise<CrawlOutcome> {
  const gate = new HostGate({ concurrency: settings.concurrency, rate: settings.rate });
  // A host and its www. twin are one site: example.ir redirecting to www.example.ir stays in the crawl.
  const siteOf = (host: string) => host.toLowerCase().replace(/^www\./, '');
  const allowedSites = new Set([...starts.map((u) => siteOf(u.host)), ...settings.allowHosts.map(siteOf)]);
  const allowed = { has: (host: string) => allowedSites.has(siteOf(host)), size: allowedSites.size };
  const token = robotsToken(settings.userAgent);
  const stats: CrawlStats = { fetched: 0, queued: 0, failed: 0, pages: 0 };
  const seen = new Set<string>();
  const frontier: (Item | undefined)[] = [];
  let head = 0;
  let seq = 0;
  let pagesQueued = 0;
  const offHost = new Map<string, number>();
  let notModified = 0;
  let overLimit = 0;
  let notHttp = 0;
  let feedItemsWithoutLink = 0;
  const emptyListings: string[] = [];
  const signal = settings.signal;
  // Every request in flight and every request waiting its turn listens for Ctrl-C: more than Node's default ten.
  if (signal) setMaxListeners(0, signal);

  const enqueue = (url: URL, role: Role): void => {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      notHttp++;
      return;
    }
    if (!allowed.has(url.host)) {
      offHost.set(url.host, (offHost.get(url.host) ?? 0) + 1);
      return;
    }
    if (seen.has(url.href)) return;
    seen.add(url.href);
    if (role !== 'listing') {
      // A start URL may turn out to be a sitemap; it is counted as a page until then (the limit is a promise
      // about pages checked, so it errs on the side of fewer).
      if (settings.limit !== undefined && pagesQueued >= settings.limit) {
        overLimit++;
        return;
      }
      pagesQueued++;
      if (settings.held?.has(url.href)) return; // already in the WARC, reported from it
    }
    frontier.push({ url: url.href, role, seq: seq++ });
    stats.queued++;
  };
  for (const u of starts) enqueue(u, 'start');

  // Results leave in the order their URLs were found, whatever finishes first; a listing's entries are queued
  // at its turn too, so the order of pages (and what --limit keeps) never depends on which answer came first.
  const finished = new Map<number, Visited<T>>();
  let nextOut = 0;
  const finish = (item: Item, visited: Visited<T>) => {
    finished.set(item.seq, visited);
    while (finished.has(nextOut)) {
      const v = finished.get(nextOut)!;
      for (const p of v.pages) {
        stats.pages++;
        if (p.failed) stats.failed++;
        events.onPage(p.taken);
      }
      if (v.listing) {
        if (v.listing.wasStart) pagesQueued--; // a listing, not a page: its entries may take its place
        for (const e of v.listing.entries) {
          const url = normalizeUrl(e.url, v.listing.base);
          if (url) enqueue(url, v.listing.role);
          else notHttp++;
        }
      }
      finished.delete(nextOut++);
    }
    events.onStats?.(stats);
  };

  // robots.txt per origin, fetched once (and kept in the WARC like any response).
  const robots = new Map<string, Promise<{ allows: (url: string) => boolean; why: string }>>();
  const robotsFor = (url: URL) => {
    let r = robots.get(url.origin);
    if (!r) {
      r = loadRobots(url);
      robots.set(url.origin, r);
    }
    return r;
  };
  const loadRobots = async (url: URL): Promise<{ allows: (url: string) => boolean; why: string }> => {
    const robotsUrl = new URL('/robots.txt', url.origin);
    // robots.txt is read wherever it redirects (RFC 9309 §2.3.1.2), and is not itself subject to robots.txt.
    const got = await fetchFollowing(robotsUrl, { robots: false, anyHost: true });
    if (!got.ok) {
      // RFC 9309 §2.3.1.4: a robots.txt that cannot be reached means the site may not be crawled at all.
      return { allows: () => false, why: `${robotsUrl.href} could not be read (${got.problem.message}); without it the site is not crawled (RFC 9309)` };
    }
    const r = got.exchange.response;
    if (r.status >= 400 && r.status < 500) return { allows: () => true, why: '' }; // no robots.txt: everything allowed
    if (r.status < 200 || r.status > 299) {
      return { allows: () => false, why: `${robotsUrl.href} answered HTTP ${r.status}; without it the site is not crawled (RFC 9309)` };
    }
    const body = undoContentEncoding(r.raw, headerOf(r.headers, 'content-encoding'), 512 * 1024);
    const text = typeof body === 'string' ? '' : new TextDecoder().decode(body.subarray(0, 512 * 1024));
    const parsed = robotsParser()(robotsUrl.href, text);
    const delay = parsed.getCrawlDelay(token);
    if (delay) gate.setCrawlDelay(url.host, delay);
    return {
      allows: (u) => parsed.isAllowed(u, token) !== false,
      why: `${robotsUrl.href} disallows it for ${token}`,
    };
  };

  /** One URL with retries: 429 and 5xx wait (Retry-After, else a doubling backoff) and try again. */
  const fetchWithRetries = async (url: URL): Promise<Exchange> => {
    for (let attempt = 0; ; attempt++) {
      const turn = await gate.enter(url.host, signal);
      let ex: Exchange;
      try {
        ex = await fetchOnce(url, { userAgent: settings.userAgent, timeoutMs: settings.timeoutMs, maxBytes: settings.maxBody, startedAt: new Date(turn.at), ...(signal ? { signal } : {}) });
      } finally {
        turn.leave();
      }
      if (signal?.aborted) return ex;
      stats.fetched++;
      await settings.warc?.exchange(ex).then((ids) => ((ex as Exchange & { ids?: typeof ids }).ids = ids));
      const status = ex.response?.status ?? 0;
      const retryable = ex.response ? status === 429 || (status >= 500 && status <= 599) : ex.failure?.kind === 'network';
      if (!retryable || attempt >= settings.retries) return ex;
      const asked = retryAfterMs(ex.response ? headerOf(ex.response.headers, 'retry-after') : undefined);
      if (asked !== undefined && asked > settings.maxRetryAfterMs) return ex;
      const wait = asked ?? settings.retryBaseMs * 2 ** attempt;
      // The host asked everyone to wait, not only this request.
      if (asked !== undefined) gate.pause(url.host, wait);
      await sleep(wait, signal);
      if (signal?.aborted) return ex;
    }
  };

  const recordId = (ex: Exchange) => (ex as Exchange & { ids?: { requestId: string; responseId?: string } }).ids;

  /** Follow redirects (each hop checked: http(s) only, allowed hosts, robots.txt, no loops, at most maxRedirects). */
  const fetchFollowing = async (start: URL, how: { robots: boolean; anyHost: boolean } = { robots: true, anyHost: false }): Promise<Got> => {
    const chain: string[] = [];
    let current = start;
    const fail = (ruleId: ReadProblem['ruleId'], message: string, ex?: Exchange): Got => ({
      ok: false,
      problem: { path: start.href, ruleId, message },
      retrieval: {
        url: start.href,
        finalUrl: current.href,
        ...(ex?.response ? { status: ex.response.status } : {}),
        fetchedAt: (ex?.startedAt ?? new Date()).toISOString(),
        ...(ex && recordId(ex) ? { warcRecordId: recordId(ex)!.responseId ?? recordId(ex)!.requestId } : {}),
      },
    });
    for (let hop = 0; ; hop++) {
      chain.push(current.href);
      if (how.robots) {
        const rules = await robotsFor(current);
        if (!rules.allows(current.href)) {
          const via = current.href === start.href ? '' : ` (redirected to ${current.href})`;
          return fail('fetch/robots', `${start.href}${via}: not fetched, ${rules.why}`);
        }
      }
      const ex = await fetchWithRetries(current);
      if (!ex.response) {
        if (ex.failure?.kind === 'timeout') return fail('fetch/timeout', `${start.href}${current.href === start.href ? '' : ` (redirected to ${current.href})`}: ${ex.failure.message} (--timeout)`, ex);
        return fail('fetch/http', `${start.href}: no HTTP answer (${ex.failure?.message ?? 'unknown error'})`, ex);
      }
      const r = ex.response;
      const location = headerOf(r.headers, 'location');
      if (r.status >= 300 && r.status < 400 && location) {
        const next = normalizeUrl(location, current.href);
        const route = () => [...chain, next?.href ?? location].join(' → ');
        if (!next || (next.protocol !== 'http:' && next.protocol !== 'https:')) return fail('fetch/redirects', `${start.href} redirects to ${location}, which is not an http: or https: URL`, ex);
        if (chain.includes(next.href)) return fail('fetch/redirects', `${start.href} redirects in a loop: ${route()}`, ex);
        if (hop + 1 > settings.maxRedirects) return fail('fetch/redirects', `${start.href} redirects more than ${settings.maxRedirects} times: ${route()}`, ex);
        if (!how.anyHost && !allowed.has(next.host)) return fail('fetch/redirects', `${start.href} redirects to ${next.href}, off the hosts of this crawl (add --allow-host ${next.host} to follow it)`, ex);
        current = next;
        continue;
      }
      const ids = recordId(ex);
      return {
        ok: true,
        exchange: ex as Exchange & { response: typeof r },
        finalUrl: current.href,
        retrieval: { url: start.href, finalUrl: current.href, status: r.status, fetchedAt: ex.startedAt.toISOString(), ...(ids?.responseId ? { warcRecordId: ids.responseId } : {}) },
      };
    }
  };

  /** A finding the WARC's responses do not show by themselves is written as a metadata record, so a re-check gives it too. */
  const recorded = async (problem: ReadProblem, retrieval: Retrieval): Promise<CrawledPage> => {
    if (settings.warc) {
      const id = await settings.warc.finding(problem, retrieval);
      retrieval = { ...retrieval, warcRecordId: id };
    }
    return { read: [{ ok: false, problem }], retrieval };
  };

  const pageOf = (got: Extract<Got, { ok: true }>): CrawledPage => {
    const r = got.exchange.response;
    const read = readHttpPage({ url: got.retrieval.url, finalUrl: got.finalUrl, status: r.status, statusText: r.statusText, header: (n) => headerOf(r.headers, n), raw: r.raw, truncated: r.truncated }, settings.read);
    return { read, retrieval: got.retrieval };
  };

  const keep = (e: Entry) => {
    if (settings.since !== undefined && e.modified !== undefined && e.modified < settings.since) {
      notModified++;
      return false;
    }
    return true;
  };

  const take = (p: CrawledPage) => ({ taken: events.take(p), failed: p.read.some((r) => !r.ok && r.problem.ruleId.startsWith('fetch/')) });
  const visit = async (item: Item): Promise<Visited<T> | undefined> => {
    const pages = await visitPages(item);
    if (!pages) return undefined;
    return Array.isArray(pages) ? { pages: pages.map(take) } : { pages: [], listing: pages };
  };
  const visitPages = async (item: Item): Promise<CrawledPage[] | Listed | undefined> => {
    const url = new URL(item.url);
    const got = await fetchFollowing(url);
    if (signal?.aborted) return undefined;
    if (!got.ok) return [await recorded(got.problem, got.retrieval)];
    if (item.role === 'page') return [pageOf(got)];
    const r = got.exchange.response;
    // A start URL or a sitemap from an index: a listing when it is XML, else (start URLs only) a page.
    const type = mediaType(headerOf(r.headers, 'content-type'));
    const gz = type === 'application/gzip' || type === 'application/x-gzip' || /\.gz$/i.test(new URL(got.finalUrl).pathname);
    const xmlLike = /(^|\/|\+)xml$/.test(type) || gz;
    if (r.status < 200 || r.status > 299 || (!xmlLike && item.role === 'start')) return [pageOf(got)];
    let body = undoContentEncoding(r.raw, headerOf(r.headers, 'content-encoding'), settings.maxBody);
    if (body instanceof Uint8Array && gz && body[0] === 0x1f && body[1] === 0x8b) body = undoContentEncoding(body, 'gzip', settings.maxBody);
    if (r.truncated || body === 'too-large') return [await recorded({ path: url.href, ruleId: 'fetch/too-large', message: `${url.href}: the sitemap or feed is larger than ${settings.maxBody} bytes (decompressed); it was not read` }, got.retrieval)];
    if (typeof body === 'string') return [await recorded({ path: url.href, ruleId: 'input/encoding', message: `${url.href}: ${body}` }, got.retrieval)];
    const listing = readListing(got.finalUrl, new TextDecoder().decode(body));
    if (listing.kind === 'malformed') return [await recorded({ path: url.href, ruleId: 'input/malformed', message: `${url.href} is not well-formed XML: ${listing.message}` }, got.retrieval)];
    if (listing.kind === 'not-a-listing') {
      if (item.role === 'start' && !gz) return [pageOf(got)]; // e.g. XHTML served as XML
      return [await recorded({ path: url.href, ruleId: 'input/unsupported', message: `${url.href} is neither a sitemap nor a feed${listing.root ? ` (its root element is <${listing.root}>)` : ''}` }, got.retrieval)];
    }
    if (listing.kind === 'feed') feedItemsWithoutLink += listing.withoutLink;
    const index = listing.kind === 'sitemap-index';
    const listed = index ? listing.sitemaps.length : listing.pages.length;
    if (listed === 0 && !(listing.kind === 'feed' && listing.withoutLink)) emptyListings.push(url.href);
    return { entries: (index ? listing.sitemaps : listing.pages).filter(keep), base: got.finalUrl, role: index ? 'listing' : 'page', wasStart: item.role === 'start' };
  };

  // Enough tasks that every host can have its share in flight; the gate keeps each host's share.
  const tasks = Math.max(1, Math.min(64, settings.concurrency * Math.max(1, allowed.size)));
  let active = 0;
  await new Promise<void>((resolveAll) => {
    const pump = () => {
      // The queue's consumed front is dropped now and then: a long crawl's queue holds what is waiting, not its past.
      if (head > 4096 && head * 2 > frontier.length) {
        frontier.splice(0, head);
        head = 0;
      }
      while (!signal?.aborted && active < tasks && head < frontier.length) {
        const item = frontier[head]!;
        frontier[head++] = undefined; // let the queue's memory go as it is consumed
        stats.queued--;
        active++;
        visit(item)
          .then(
            (visited) => {
              if (visited) finish(item, visited);
            },
            (err: unknown) => {
              // Interrupted while waiting its turn: not done, not reported (a resumed crawl fetches it).
              if (signal?.aborted) return;
              // A bug here must not lose the page: it is reported, and the crawl goes on.
              finish(item, { pages: [take({ read: [{ ok: false, problem: { path: item.url, ruleId: 'fetch/http', message: `${item.url}: could not be fetched (${(err as Error).message})` } }], retrieval: { url: item.url, finalUrl: item.url, fetchedAt: new Date().toISOString() } })] });
            },
          )
          .finally(() => {
            active--;
            pump();
          });
      }
      if (active === 0 && (signal?.aborted || head >= frontier.length)) resolveAll();
    };
    pump();
  });

  const interrupted = !!signal?.aborted;
  if (interrupted) {
    // What finished is reported, in order, even past a page cut off by the interrupt (resume fetches that one).
    for (const k of [...finished.keys()].sort((a, b) => a - b)) for (const p of finished.get(k)!.pages) {
      stats.pages++;
      events.onPage(p.taken);
    }
  }
  const notes: string[] = [];
  for (const [host, n] of offHost) notes.push(`${n} URL${n === 1 ? '' : 's'} on ${host} not fetched: not a host of this crawl (add --allow-host ${host})`);
  if (notModified) notes.push(`${notModified} sitemap or feed entr${notModified === 1 ? 'y' : 'ies'} not modified since --since left out`);
  if (overLimit) notes.push(`${overLimit} page${overLimit === 1 ? '' : 's'} left out by --limit ${settings.limit}`);
  if (notHttp) notes.push(`${notHttp} URL${notHttp === 1 ? '' : 's'} neither http: nor https: not fetched`);
  for (const e of emptyListings) notes.push(`${e} lists no pages`);
  if (feedItemsWithoutLink) notes.push(`${feedItemsWithoutLink} feed item${feedItemsWithoutLink === 1 ? '' : 's'} without a link left out`);
  return { interrupted, stats, notes };
}
