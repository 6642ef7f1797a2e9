/**
 * One HTTP exchange, as it happened: the request sent and the response received (status, headers, the body as
 * sent), or why there is none (a timeout, a network error). Redirects are not followed here: the crawler
 * follows them itself, so that every hop is recorded, checked against robots.txt and the allowed hosts, and
 * counted.
 *
 * Node's own http/https clients are used rather than fetch(): fetch undoes Content-Encoding on its own, and the
 * evidence (the WARC) must hold the bytes the server sent, with the size limit enforced on them.
 */
import http from 'node:http';
import https from 'node:https';

export interface ExchangeRequest {
  method: 'GET';
  url: string;
  /** Request target and version line: `GET /path?q HTTP/1.1`. */
  line: string;
  headers: [string, string][];
}

export interface ExchangeResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  /** As received, in order (repeated headers repeated). */
  headers: [string, string][];
  /** The body as sent, after chunked transfer coding is undone; at most `maxBytes`. */
  raw: Uint8Array;
  /** The body went on past `maxBytes` and was not read further. */
  truncated: boolean;
}

export interface Exchange {
  request: ExchangeRequest;
  response?: ExchangeResponse;
  /** Why there is no response. */
  failure?: { kind: 'timeout' | 'network'; message: string };
  /** When the request was sent. */
  startedAt: Date;
}

export interface FetchSettings {
  userAgent: string;
  /** The whole exchange, from connecting to the last byte. */
  timeoutMs: number;
  /** Largest body read as sent; the rest is not read. */
  maxBytes: number;
  signal?: AbortSignal;
  /** When the request was let go (the politeness gate's time), recorded as its start; default now. */
  startedAt?: Date;
}

/** Get one URL (http: or https: only; the caller checks). Never throws: a failure is in the exchange. */
export function fetchOnce(url: URL, settings: FetchSettings): Promise<Exchange> {
  const headers: [string, string][] = [
    ['Host', url.host],
    ['User-Agent', settings.userAgent],
    ['Accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'],
    ['Accept-Encoding', 'gzip, deflate, br'],
    ['Accept-Language', 'fa,en;q=0.5'],
    ['Connection', 'keep-alive'],
  ];
  const request: ExchangeRequest = { method: 'GET', url: url.href, line: `GET ${url.pathname}${url.search} HTTP/1.1`, headers };
  const startedAt = settings.startedAt ?? new Date();
  return new Promise<Exchange>((resolvePromise) => {
    let settled = false;
    const done = (e: Omit<Exchange, 'request' | 'startedAt'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      settings.signal?.removeEventListener('abort', onAbort);
      resolvePromise({ request, startedAt, ...e });
    };
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, { method: 'GET', headers: Object.fromEntries(headers.filter(([k]) => k !== 'Host')), agent: agentFor(url) });
    const timer = setTimeout(() => {
      done({ failure: { kind: 'timeout', message: `no complete answer within ${formatMs(settings.timeoutMs)}` } });
      req.destroy();
    }, settings.timeoutMs);
    const onAbort = () => {
      done({ failure: { kind: 'network', message: 'the crawl was interrupted' } });
      req.destroy();
    };
    settings.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => done({ failure: { kind: 'network', message: (err as NodeJS.ErrnoException).code ?? err.message } }));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      const headerPairs: [string, string][] = [];
      for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headerPairs.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
      const finish = () =>
        done({
          response: {
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            httpVersion: res.httpVersion,
            headers: headerPairs,
            raw: Buffer.concat(chunks),
            truncated,
          },
        });
      res.on('data', (chunk: Buffer) => {
        if (truncated) return;
        const room = settings.maxBytes - size;
        if (chunk.length > room) {
          // Keep what fits, stop reading: the rest never reaches memory.
          chunks.push(chunk.subarray(0, room));
          size += room;
          truncated = true;
          finish();
          res.destroy();
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', finish);
      res.on('error', (err) => done({ failure: { kind: 'network', message: err.message } }));
      res.on('aborted', () => done({ failure: { kind: 'network', message: 'the connection closed before the body ended' } }));
    });
    req.end();
  });
}

/** Keep-alive agents, one per protocol: a crawl asks one host many times. */
const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 16 }), https: new https.Agent({ keepAlive: true, maxSockets: 16 }) };
function agentFor(url: URL): http.Agent {
  return url.protocol === 'https:' ? agents.https : agents.http;
}

/** Let the process exit: idle keep-alive sockets would hold it open. */
export function closeConnections(): void {
  agents.http.destroy();
  agents.https.destroy();
  agents.http = new http.Agent({ keepAlive: true, maxSockets: 16 });
  agents.https = new https.Agent({ keepAlive: true, maxSockets: 16 });
}

export function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** A response header, case-insensitive (the first, as HTTP lists repeat it). */
export function headerOf(headers: [string, string][], name: string): string | undefined {
  const n = name.toLowerCase();
  return headers.find(([k]) => k.toLowerCase() === n)?.[1];
}
