/**
 * The crawl's evidence: every request and response as WARC 1.1 records (ISO 28500), written with warcio,
 * gzip-compressed record by record (so a reader can seek to any record, and a file cut short by Ctrl-C loses at
 * most the record being written), each with WARC-Date, WARC-Target-URI, WARC-Record-ID and SHA-256
 * WARC-Block-Digest and WARC-Payload-Digest. A page that could not be had is a `metadata` record saying why
 * (the `fetch/*` finding), so the archive shows what was tried as well as what was got.
 *
 * The body is stored as the server sent it (Content-Encoding kept: a gzip body stays gzip); only the chunked
 * transfer coding, which Node's client has already undone, is dropped from the headers so the record's payload
 * matches them. A body cut at the size limit is marked `WARC-Truncated: length`.
 */
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { WARCRecord } from 'warcio';
import { FINAL_URI_FIELD, FINDING_FIELD, MESSAGE_FIELD, STATUS_FIELD } from '../documents/readers/warc.js';
import type { Retrieval } from '../documents/http-page.js';
import type { ReadProblem } from '../documents/model.js';
import type { Exchange } from './fetch.js';

export interface WarcWriterInfo {
  software: string;
  userAgent: string;
  /** Settings worth keeping with the evidence (robots, rate, limits). */
  settings: Record<string, string>;
}

/** warcio, loaded when a WARC is first written: it takes a third of a second to load, which no other run should pay. */
let warcio: Promise<typeof import('warcio')> | undefined;
const loadWarcio = () => (warcio ??= import('warcio'));

export class WarcWriter {
  private readonly fd: number;
  /** Records are serialized one at a time, in the order asked: a record is never interleaved with another. */
  private queue: Promise<unknown> = Promise.resolve();
  records = 0;

  /**
   * Open for appending. `keepBytes`, when resuming, is where the last whole record ended: anything after it (a
   * record cut short by an interrupt) is cut off first.
   */
  constructor(
    readonly file: string,
    options: { keepBytes?: number } = {},
  ) {
    this.fd = openSync(file, options.keepBytes === undefined ? 'w' : 'r+');
    if (options.keepBytes !== undefined) ftruncateSync(this.fd, options.keepBytes);
    this.position = options.keepBytes ?? 0;
  }

  private position: number;

  async info(info: WarcWriterInfo): Promise<void> {
    const fields: Record<string, string> = { software: info.software, format: 'WARC File Format 1.1', conformsTo: 'https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/', 'http-header-user-agent': info.userAgent, ...info.settings };
    const { WARCRecord } = await loadWarcio();
    const record = WARCRecord.createWARCInfo({ filename: this.file.replace(/^.*\//, ''), warcVersion: 'WARC/1.1' }, fields);
    await this.write(record);
  }

  /** The request and, when there was one, the response. Returns the response's record id. */
  async exchange(ex: Exchange): Promise<{ requestId: string; responseId?: string }> {
    const { WARCRecord } = await loadWarcio();
    const date = ex.startedAt.toISOString();
    let response: WARCRecord | undefined;
    if (ex.response) {
      const r = ex.response;
      response = WARCRecord.create(
        {
          url: ex.request.url,
          date,
          type: 'response',
          warcVersion: 'WARC/1.1',
          keepHeadersCase: true,
          statusline: `HTTP/${r.httpVersion} ${r.status} ${r.statusText}`.trimEnd(),
          httpHeaders: r.headers.filter(([k]) => k.toLowerCase() !== 'transfer-encoding'),
          ...(r.truncated ? { warcHeaders: { 'WARC-Truncated': 'length' } } : {}),
        },
        [r.raw],
      );
    }
    const request = WARCRecord.create(
      {
        url: ex.request.url,
        date,
        type: 'request',
        warcVersion: 'WARC/1.1',
        keepHeadersCase: true,
        statusline: ex.request.line,
        httpHeaders: ex.request.headers,
        ...(response ? { warcHeaders: { 'WARC-Concurrent-To': response.warcHeader('WARC-Record-ID')! } } : {}),
      },
      [],
    );
    await this.write(request, new Uint8Array());
    if (response) await this.write(response, ex.response!.raw);
    return { requestId: request.warcHeader('WARC-Record-ID')!, ...(response ? { responseId: response.warcHeader('WARC-Record-ID')! } : {}) };
  }

  /** Why a page could not be had: a metadata record that `manba check` replays as the same finding. */
  async finding(problem: ReadProblem, retrieval: Retrieval): Promise<string> {
    const url = retrieval.url;
    const date = new Date(retrieval.fetchedAt);
    const concurrentTo = retrieval.warcRecordId;
    const { WARCRecord } = await loadWarcio();
    const fields: [string, string | undefined][] = [
      [FINDING_FIELD, problem.ruleId],
      [MESSAGE_FIELD, problem.message.replace(/[\r\n]+/g, ' ')],
      [FINAL_URI_FIELD, retrieval.finalUrl],
      [STATUS_FIELD, retrieval.status === undefined ? undefined : String(retrieval.status)],
    ];
    const body = fields.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    const record = WARCRecord.create(
      {
        url,
        date: date.toISOString(),
        type: 'metadata',
        warcVersion: 'WARC/1.1',
        warcHeaders: { 'Content-Type': 'application/warc-fields', ...(concurrentTo ? { 'WARC-Concurrent-To': concurrentTo } : {}) },
      },
      [new TextEncoder().encode(body)],
    );
    await this.write(record, new TextEncoder().encode(body));
    return record.warcHeader('WARC-Record-ID')!;
  }

  /**
   * The record's digests, computed here with node:crypto (warcio would start a WebAssembly hasher for each, which
   * costs more than the rest of the crawl); warcio then takes them as given. The block is the HTTP header block
   * as warcio writes it, then the payload.
   */
  private digest(record: WARCRecord, payload: Uint8Array): void {
    const sha = (...parts: Uint8Array[]) => {
      const h = createHash('sha256');
      for (const p of parts) h.update(p);
      return `sha256:${h.digest('hex')}`;
    };
    const headers = record.httpHeaders ? new TextEncoder().encode(`${record.httpHeaders.toString()}\r\n`) : new Uint8Array();
    record.warcHeaders.headers.set('WARC-Payload-Digest', sha(payload));
    record.warcHeaders.headers.set('WARC-Block-Digest', sha(headers, payload));
  }

  private write(record: WARCRecord, payload?: Uint8Array): Promise<void> {
    if (payload) this.digest(record, payload);
    const next = this.queue.then(async () => {
      // warcio builds the record and its digests; zlib compresses it (one gzip member per record, as the WARC
      // standard's annex recommends), several times faster than warcio's stream compression.
      const { WARCSerializer } = await loadWarcio();
      const plain = await WARCSerializer.serialize(record, { gzip: false });
      const bytes = this.file.endsWith('.gz') ? gzipSync(plain) : plain;
      // One write per record: an interrupt leaves whole records behind.
      let off = 0;
      while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off, this.position + off);
      this.position += bytes.length;
      this.records++;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.queue;
    closeSync(this.fd);
  }
}
