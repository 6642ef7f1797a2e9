/**
 * Where a crawl finds its pages: sitemaps (urlset, and sitemap indexes that list more sitemaps; plain or .xml.gz)
 * and RSS/Atom feeds (read by the feed reader, as `manba check` reads a feed file: each item's link and date).
 * `--since` keeps the entries modified since a date, ISO or Jalali.
 */
import { feedReader } from '../documents/readers/feed.js';
import { fold } from '../text/fold.js';
import { parseBylineDate, jalaliToIso, tehranOffset } from '../text/jalali.js';
import { parseNumericDate } from '../text/dates.js';
import { lazyRequire } from '../lazy.js';

// Loaded when a crawl reads a sitemap: `manba check` never needs it (src/lazy.ts).
const saxes = lazyRequire<typeof import('saxes')>('saxes');

export interface Entry {
  url: string;
  /** When the entry says it was last modified or published (ms since the epoch), when it says. */
  modified?: number;
}

export type Listing =
  | { kind: 'sitemap'; pages: Entry[] }
  | { kind: 'sitemap-index'; sitemaps: Entry[] }
  | { kind: 'feed'; pages: Entry[]; withoutLink: number }
  | { kind: 'not-a-listing'; root?: string }
  | { kind: 'malformed'; message: string };

/** What an XML document lists: a sitemap's pages, an index's sitemaps, a feed's items. */
export function readListing(url: string, xml: string): Listing {
  const root = rootElement(xml);
  if (root === 'urlset' || root === 'sitemapindex') return readSitemap(xml, root);
  if (root === 'rss' || root === 'feed' || root === 'RDF') {
    const items = feedReader.read(url, xml, {});
    const pages: Entry[] = [];
    let withoutLink = 0;
    for (const item of items) {
      if (!item.ok) {
        if (item.problem.ruleId === 'input/empty') continue;
        return { kind: 'malformed', message: item.problem.message };
      }
      const link = item.document.metadata.url;
      if (!link) {
        withoutLink++;
        continue;
      }
      const modified = parseFeedDate(item.document.metadata.published);
      pages.push({ url: link, ...(modified !== undefined ? { modified } : {}) });
    }
    return { kind: 'feed', pages, withoutLink };
  }
  return { kind: 'not-a-listing', ...(root ? { root } : {}) };
}

/** The local name of the root element, or undefined when the text is not XML with a root. */
function rootElement(xml: string): string | undefined {
  const m = /<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s>/]/.exec(xml.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/gi, ''));
  return m?.[2];
}

function readSitemap(xml: string, root: 'urlset' | 'sitemapindex'): Listing {
  const entries: Entry[] = [];
  const parser = new (saxes().SaxesParser)();
  const path: string[] = [];
  let loc = '';
  let lastmod = '';
  let error: string | undefined;
  parser.on('error', (e) => {
    error ??= e.message;
  });
  parser.on('opentag', (t) => {
    const local = t.name.slice(t.name.indexOf(':') + 1);
    path.push(local);
    if (local === 'url' || local === 'sitemap') {
      loc = '';
      lastmod = '';
    }
  });
  parser.on('text', (text) => {
    const here = path[path.length - 1];
    if (here === 'loc') loc += text;
    else if (here === 'lastmod') lastmod += text;
  });
  parser.on('cdata', (text) => {
    if (path[path.length - 1] === 'loc') loc += text;
  });
  parser.on('closetag', (t) => {
    path.pop();
    const local = t.name.slice(t.name.indexOf(':') + 1);
    if ((local === 'url' || local === 'sitemap') && loc.trim()) {
      const modified = lastmod.trim() ? Date.parse(lastmod.trim()) : NaN;
      entries.push({ url: loc.trim(), ...(Number.isNaN(modified) ? {} : { modified }) });
    }
  });
  try {
    parser.write(xml).close();
  } catch (e) {
    error ??= (e as Error).message;
  }
  if (error) return { kind: 'malformed', message: error };
  return root === 'urlset' ? { kind: 'sitemap', pages: entries } : { kind: 'sitemap-index', sitemaps: entries };
}

function parseFeedDate(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * `--since`: an ISO date or date-time (2024-07-22, 2024-07-22T10:00:00Z; a date alone is midnight UTC), or a
 * Jalali date in any digits (1403/05/01, ۱۴۰۳-۰۵-۰۱, ۱ مرداد ۱۴۰۳; midnight in Tehran). Undefined when it is none.
 */
export function parseSince(text: string): number | undefined {
  const folded = fold(text).trim();
  const numeric = parseNumericDate(folded);
  if (numeric && numeric.year >= 1200 && numeric.year < 1600) return jalaliMidnight(numeric);
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim())) {
    const t = Date.parse(text.trim());
    return Number.isNaN(t) ? undefined : t;
  }
  const byline = parseBylineDate(text);
  if (byline?.valid) return jalaliMidnight(byline.jalali);
  return undefined;
}

function jalaliMidnight(d: { year: number; month: number; day: number }): number | undefined {
  const iso = jalaliToIso(d);
  return iso ? Date.parse(`${iso}T00:00:00${tehranOffset(d)}`) : undefined;
}
