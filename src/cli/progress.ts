/** A progress line on standard error, for long runs at a terminal: done/total, rate, elapsed, ETA, errors. */
import { isFailing, isRendered, type CheckedDocument } from '../engine/finding.js';
import type { CliIO } from './io.js';

export class Progress {
  private total = 0;
  private done_ = 0;
  private errors = 0;
  private started = Date.now();
  private last = 0;

  constructor(private readonly io: CliIO) {}

  start(total: number): void {
    this.total = total;
    this.started = Date.now();
  }

  /** The total, once known: a run's listing ends while its first documents are being checked. */
  setTotal(total: number): void {
    this.total = total;
  }

  tick(r: CheckedDocument): void {
    this.done_++;
    if (isRendered(r) ? r.errors > 0 : isFailing(r)) this.errors++;
    const now = Date.now();
    if (now - this.last < 100 && this.done_ !== this.total) return; // at most ten redraws a second
    this.last = now;
    this.draw(now);
  }

  private draw(now: number): void {
    const elapsed = (now - this.started) / 1000;
    const rate = elapsed > 0 ? this.done_ / elapsed : 0;
    const width = 24;
    const share = this.total ? Math.min(1, this.done_ / this.total) : 0;
    const bar = '█'.repeat(Math.round(share * width)).padEnd(width, '░');
    const eta = rate > 0 && this.total ? `ETA ${formatSeconds((this.total - this.done_) / rate)}` : '';
    const count = this.total ? `${this.done_}/${this.total}` : `${this.done_}`;
    this.io.stderr(`\r${bar} ${count} documents  ${rate.toFixed(0)}/s  ${formatSeconds(elapsed)}  ${eta}  ${this.errors} with errors\u001b[K`);
  }

  done(): void {
    if (this.done_ > 0) {
      this.draw(Date.now());
      this.io.stderr('\n');
    }
  }
}

function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}
