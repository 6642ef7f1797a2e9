/**
 * WARC files (.warc, .warc.gz; ISO 28500, WARC 1.0 and 1.1, gzip per record or not): the web archive a crawl
 * keeps as evidence. Each page in it is a document reported by its URL, read from its `response` record exactly
 * as `manba crawl` read it when it fetched the page (src/documents/http-page.ts), so next year's rules can be run
 * over this year's evidence offline and a re-check of a crawl's WARC gives the crawl's findings.
 *
 * - A redirect (3xx) is not a page: the page it leads to is reported under the URL first asked for, as the crawl
 *   reported it.
 * - A `metadata` record written by manba for a page that could not be had (robots.txt, a timeout, too many
 *   redirects) replays its `fetch/*` finding.
 * - robots.txt, sitemaps and feeds the crawl fetched to find its pages are evidence, not pages: left out.
 * - A record for a URL already read is a later capture of it: only the last one counts (the order of the file).
 *
 * The file is streamed record by record (warcio's parser); a WARC of any size is read in bounded memory.
 */
import { createReadStream, statSync } from 'node:fs';
import { mediaType, readHttpPage, type HttpReadOptions, type Retrieval } from '../http-page.js';
import type { ReadProblem, ReadResult } from '../model.js';
import type { Reader } from './types.js';
import type { WARCRecord } from 'warcio';

/** A manba metadata record: the finding for a page that could not be had. */
export const FINDING_FIELD = 'manba-finding';
export const MESSAGE_FIELD = 'manba-message';
/** Where the crawl got to (after redirects) and the last HTTP status it saw, when it saw one. */
export const FINAL_URI_FIELD = 'manba-final-uri';
export const STATUS_FIELD = 'manba-http-status';

/** Discovery resources: fetched to find pages, kept as evidence, never checked as pages. */
function isDiscovery(url: string, contentType: string | undefined): boolean {
  const type = mediaType(contentType);
  if (/\/robots\.txt$/i.test(new URL(url).pathname)) return true;
  return /(^|\/|\+)xml$/.test(type) || type === 'application/gzip' || type === 'application/x-gzip';
}

export interface WarcPage {
  result: ReadResult;
  retrieval?: Retrieval;
  /** Offset just past the record in the file (for resuming an interrupted crawl). */
  end: number;
}

/**
 * The pages in a WARC file, in file order (a page captured twice is given twice, the later last). A file cut
 * short (an interrupted crawl) ends with a `truncated` note instead of an exception: everything before is given.
 */
/** The end of the file's readable part: after the last whole record; `broken` says what is wrong past it. */
export interface WarcEnd {
  end: number;
  broken?: string;
}

/** The field of manba's warcinfo record that gives the crawl's body-size limit, so a re-check applies the same. */
export const MAX_BODY_FIELD = 'manba-max-body-bytes';

export async function* warcPages(file: string, shownAs: string, options: HttpReadOptions = {}): AsyncGenerator<WarcPage | WarcEnd> {
  // Loaded here, not at start: warcio takes a third of a second to load, which runs without a WARC never pay.
  const { WARCParser, LimitReader } = await import('warcio');
  const parser = new WARCParser(createReadStream(file));
  let read = options;
  // Redirect targets back to the URL first asked for: the crawl reports a page by the URL it asked for.
  const redirectedFrom = new Map<string, string>();
  let end = 0;
  let records = 0;
  /** A record read to its end: where the next one starts. */
  const done = () => {
    end = parser.offset + parser.recordLength;
    records++;
  };
  /** A record cut short by the end of the file throws: the file's pages then end with a note (below). */
  const whole = (reader: WARCRecord['reader']) => {
    if (reader instanceof LimitReader && reader.limit > 0) throw new BrokenRecord(`the file ends ${reader.limit} bytes before the end of record ${records + 1}`);
  };
  /** The record's block, the record done. */
  const readRecord = async (record: WARCRecord): Promise<Uint8Array> => {
    const reader = record.reader;
    const bytes = await record.readFully(false);
    whole(reader);
    done();
    return bytes;
  };
  // warcio's own skipFully (2.4.11) never returns at a record cut short: it asks again and again for the bytes left,
  // and gets none (a run spun at full CPU on such a file). Reading the record's bytes and dropping them ends with the
  // file.
  const skipRecord = async (record: WARCRecord) => {
    const reader = record.reader;
    for await (const _chunk of reader);
    record.consumed = 'skipped';
    whole(reader);
    done();
  };
  try {
    for await (const record of parser) {
      // warcio takes any line for a record's first: bytes that are no WARC at all would pass for a record of no type.
      if (!/^WARC\/\d+\.\d+$/.test(record.warcHeaders.statusline)) throw new BrokenRecord(`record ${records + 1} does not start with a WARC version line (such as «WARC/1.1»)`);
      const type = record.warcType;
      const target = record.warcTargetURI ?? '';
      if (type === 'warcinfo') {
        const max = Number(parseFields(new TextDecoder().decode(await readRecord(record))).get(MAX_BODY_FIELD));
        if (Number.isInteger(max) && max > 0 && options.maxBody === undefined) read = { ...options, maxBody: max };
        continue;
      }
      if (type === 'metadata' && target) {
        const fields = parseFields(new TextDecoder().decode(await readRecord(record)));
        const ruleId = fields.get(FINDING_FIELD);
        if (ruleId && /^(fetch|input)\//.test(ruleId)) {
          const problem: ReadProblem = { path: target, ruleId: ruleId as ReadProblem['ruleId'], message: fields.get(MESSAGE_FIELD) ?? ruleId };
          const status = Number(fields.get(STATUS_FIELD));
          const retrieval: Retrieval = {
            url: target,
            finalUrl: fields.get(FINAL_URI_FIELD) ?? target,
            ...(Number.isInteger(status) && status > 0 ? { status } : {}),
            fetchedAt: record.warcDate ?? '',
            warcRecordId: record.warcHeader('WARC-Record-ID') ?? '',
          };
          yield { result: { ok: false, problem }, retrieval, end };
        }
        continue;
      }
      if (type !== 'response' || !record.httpHeaders || !target) {
        await skipRecord(record);
        continue;
      }
      const http = record.httpHeaders;
      const status = Number(http.statusCode);
      const header = (name: string) => http.headers.get(name) ?? undefined;
      if (status >= 300 && status < 400 && header('location')) {
        await skipRecord(record);
        const origin = redirectedFrom.get(target) ?? target;
        redirectedFrom.delete(target);
        try {
          redirectedFrom.set(new URL(header('location')!, target).href, origin);
        } catch {
          // a Location that is no URL leads nowhere
        }
        continue;
      }
      if (isDiscovery(target, header('content-type'))) {
        await skipRecord(record);
        continue;
      }
      const raw = await readRecord(record);
      const url = redirectedFrom.get(target) ?? target;
      redirectedFrom.delete(target);
      const result = readHttpPage(
        { url, finalUrl: target, status, statusText: http.statusText ?? '', header, raw, truncated: !!record.warcHeader('WARC-Truncated') },
        read,
      );
      const retrieval: Retrieval = { url, finalUrl: target, status, fetchedAt: record.warcDate ?? '', warcRecordId: record.warcHeader('WARC-Record-ID') ?? '' };
      for (const r of result) yield { result: r, retrieval, end };
    }
  } catch (err) {
    const why = err instanceof BrokenRecord ? err.message : `record ${records + 1} cannot be read (${(err as Error).message})`;
    yield { end, broken: `${shownAs}: ${why}, after ${records} whole records; the records before it were read` };
    return;
  }
  // warcio stops quietly at a record cut short (a crawl killed mid-write): say so, never silently.
  const size = statSync(file).size;
  if (end < size) {
    yield { end, broken: `${shownAs} ends with ${size - end} bytes that are not a whole record, after ${records} whole records (a crawl cut short?); the records before them were read` };
    return;
  }
  yield { end };
}

/** What is wrong with a record, in the words of the file's finding. */
class BrokenRecord extends Error {}

function parseFields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const k = line.indexOf(':');
    if (k > 0) out.set(line.slice(0, k).trim().toLowerCase(), line.slice(k + 1).trim());
  }
  return out;
}

/** The WARC's pages, the last capture of each URL, in the order of their last capture. */
async function* lastCaptures(file: string, shownAs: string, options: HttpReadOptions): AsyncGenerator<ReadResult & { retrieval?: Retrieval }> {
  // Two passes: the first learns which capture of each URL is the last (a URL and a count, not the pages); the
  // second reads only those. A crawl resumed or run twice into one file is reported once per URL.
  const last = new Map<string, number>();
  let k = 0;
  for await (const p of warcPages(file, shownAs, options)) if ('result' in p) last.set(pathOf(p.result), k++);
  k = 0;
  let any = false;
  for await (const p of warcPages(file, shownAs, options)) {
    if (!('result' in p)) {
      if (p.broken) yield { ok: false, problem: { path: shownAs, ruleId: 'input/malformed', message: p.broken } };
      continue;
    }
    if (last.get(pathOf(p.result)) !== k++) continue;
    any = true;
    yield { ...p.result, ...(p.retrieval ? { retrieval: p.retrieval } : {}) };
  }
  if (!any && last.size === 0) yield { ok: false, problem: { path: shownAs, ruleId: 'input/empty', message: `${shownAs} holds no pages: no response records of HTML pages, no findings recorded by manba` } };
}

const pathOf = (r: ReadResult) => (r.ok ? r.document.path : r.problem.path);

export const warcReader: Reader = {
  format: 'warc',
  extensions: ['.warc.gz', '.warc'],
  read(path) {
    // Only reached for standard input: a WARC is read from its file, record by record (stream below).
    return [{ ok: false, problem: { path, ruleId: 'input/unsupported', message: `${path}: a WARC file is read from disk, not from standard input; name the file` } }];
  },
  stream(path, options, shownAs) {
    return lastCaptures(path, shownAs ?? path, { ...(options.encoding ? { encoding: options.encoding } : {}), ...(options.readers ? { readers: options.readers } : {}) });
  },
};
