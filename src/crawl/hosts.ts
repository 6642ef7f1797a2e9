/**
 * Politeness per host: at most `concurrency` requests in flight to one host, and at least `1 / rate` seconds
 * between the starts of two requests to it (or the host's robots.txt Crawl-delay, when longer). A host that
 * answered 429 or 503 with Retry-After is left alone until then, for every request, not only the one retried.
 */
export interface HostLimits {
  /** Requests in flight to one host. */
  concurrency: number;
  /** Requests a second to one host; 0: no limit. */
  rate: number;
}

interface HostState {
  active: number;
  /** The earliest time the next request may start. */
  nextAt: number;
  /** Seconds between requests from robots.txt Crawl-delay. */
  crawlDelay: number;
  waiting: (() => void)[];
  timer?: NodeJS.Timeout;
}

export class HostGate {
  private readonly hosts = new Map<string, HostState>();

  constructor(private readonly limits: HostLimits) {}

  private state(host: string): HostState {
    let s = this.hosts.get(host);
    if (!s) this.hosts.set(host, (s = { active: 0, nextAt: 0, crawlDelay: 0, waiting: [] }));
    return s;
  }

  /** The interval between request starts to this host, in milliseconds. */
  private interval(s: HostState): number {
    const byRate = this.limits.rate > 0 ? 1000 / this.limits.rate : 0;
    return Math.max(byRate, s.crawlDelay * 1000);
  }

  setCrawlDelay(host: string, seconds: number): void {
    // Capped: a robots.txt asking for an hour between pages would stop the crawl; 60 s is already very slow.
    this.state(host).crawlDelay = Math.min(Math.max(0, seconds), 60);
  }

  /** Hold back every request to the host until `ms` from now (Retry-After). */
  pause(host: string, ms: number): void {
    const s = this.state(host);
    s.nextAt = Math.max(s.nextAt, Date.now() + ms);
  }

  /** Wait for a turn at the host: `at` is when it was given; call `leave` when the request is done. */
  async enter(host: string, signal?: AbortSignal): Promise<{ at: number; leave: () => void }> {
    const s = this.state(host);
    for (;;) {
      if (signal?.aborted) throw new Error('aborted');
      const now = Date.now();
      if (s.active < this.limits.concurrency && now >= s.nextAt) {
        s.active++;
        s.nextAt = now + this.interval(s);
        let left = false;
        const leave = () => {
          if (left) return;
          left = true;
          s.active--;
          this.wake(s);
        };
        return { at: now, leave };
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          signal?.removeEventListener('abort', wake);
          resolve();
        };
        s.waiting.push(wake);
        // Ctrl-C wakes every waiter, which then gives up.
        signal?.addEventListener('abort', wake, { once: true });
        if (s.active < this.limits.concurrency) this.schedule(s, Math.max(0, s.nextAt - now));
      });
    }
  }

  private schedule(s: HostState, ms: number): void {
    if (s.timer) return;
    s.timer = setTimeout(() => {
      s.timer = undefined;
      this.wake(s);
    }, ms);
  }

  private wake(s: HostState): void {
    // Everyone waiting looks again; those who still cannot go wait again (a host has a handful of waiters).
    const waiting = s.waiting.splice(0);
    for (const w of waiting) w();
  }
}
