/** The crawl's progress line on standard error: pages fetched, URLs queued, pages that failed, requests a second. */
import type { CrawlStats } from '../crawl/crawl.js';
import type { CliIO } from './io.js';

export class CrawlProgress {
  private started = Date.now();
  private last = 0;
  private stats: CrawlStats | undefined;

  constructor(private readonly io: CliIO) {}

  start(): void {
    this.started = Date.now();
  }

  update(stats: CrawlStats): void {
    this.stats = stats;
    const now = Date.now();
    if (now - this.last < 100) return; // at most ten redraws a second
    this.last = now;
    this.draw(now);
  }

  private draw(now: number): void {
    const s = this.stats;
    if (!s) return;
    const elapsed = (now - this.started) / 1000;
    const rate = elapsed > 0 ? s.fetched / elapsed : 0;
    this.io.stderr(`\r${s.pages} pages checked  ${s.fetched} fetched  ${s.queued} queued  ${s.failed} failed  ${rate.toFixed(1)} requests/s  ${elapsed.toFixed(1)}s\u001b[K`);
  }

  done(): void {
    if (!this.stats) return;
    this.draw(Date.now());
    this.io.stderr('\n');
  }
}
