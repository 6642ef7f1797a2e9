import type { Input } from './discover.js';

/**
 * A run's inputs as they are listed (listInputs): asked for by their place in the run, listed only as far as asked,
 * and let go of once passed. Two readers share it, the checks and the reads ahead of them, so it holds what lies
 * between the first input not yet let go of and the furthest one asked for: a few hundred inputs, however large the
 * archive. An archive of ten million files listed first held some 300 MB of paths (31 bytes each) before its first
 * check.
 */
export class Listing {
  /** Inputs `from` onwards, as far as listed. */
  private readonly items: Input[] = [];
  private from = 0;
  private ended = false;
  /** How many of those are files. */
  private fileCount = 0;
  /** What stopped the listing, if it failed: the run ends there and throws it (see `failure`). */
  private error: { thrown: unknown } | undefined;

  /** `onEnd` is told how many files there are once the listing is done. */
  constructor(
    private readonly source: Iterator<Input>,
    private readonly onEnd?: (files: number) => void,
  ) {}

  /** Input `k`, listing as far as it needs to; undefined past the last. `k` must not have been let go of. */
  at(k: number): Input | undefined {
    while (k >= this.listed() && !this.ended) this.pull();
    return k < this.listed() ? this.items[k - this.from] : undefined;
  }

  /** How many inputs have been listed so far. */
  private listed(): number {
    return this.from + this.items.length;
  }

  /** Lists until `files` files are known or the listing ends, for decisions made on a run's size. */
  listFiles(files: number): void {
    while (this.fileCount < files && !this.ended) this.pull();
  }

  /** Files listed so far: all of them once `complete`. */
  get files(): number {
    return this.fileCount;
  }

  get complete(): boolean {
    return this.ended;
  }

  /** Inputs before `k` will not be asked for again. */
  release(k: number): void {
    const drop = k - this.from;
    // Dropped a thousand at a time: a shift per input would move every input held, each time.
    if (drop >= 1024 && drop * 2 >= this.items.length) {
      this.items.splice(0, drop);
      this.from = k;
    }
  }

  /** The error the listing stopped on, to be thrown once the inputs before it are done; undefined if none. */
  failure(): { thrown: unknown } | undefined {
    return this.error;
  }

  private pull(): void {
    let next: IteratorResult<Input>;
    try {
      next = this.source.next();
    } catch (thrown) {
      // Not thrown here: the read-ahead lists from a message handler, where it would end the process.
      this.error = { thrown };
      next = { done: true, value: undefined };
    }
    if (next.done) {
      this.ended = true;
      this.onEnd?.(this.fileCount);
      return;
    }
    this.items.push(next.value);
    if (next.value.kind === 'file') this.fileCount++;
  }
}

/**
 * The number of files a listing will give, counted by a second listing of the same inputs a slice of time at a time
 * while the run checks the first: a progress line's total and ETA without holding the list. Only a run that shows
 * progress pays for it, and it is told only once the count is whole.
 */
export class FileCount {
  private files = 0;
  private done = false;

  constructor(
    private readonly source: Iterator<Input>,
    private readonly onCounted: (files: number) => void,
  ) {}

  /** Counts on for at most `ms` milliseconds. */
  advance(ms: number): void {
    const until = performance.now() + ms;
    try {
      while (!this.done) {
        for (let k = 0; k < 64; k++) {
          const next = this.source.next();
          if (next.done) {
            this.done = true;
            return this.onCounted(this.files);
          }
          if (next.value.kind === 'file') this.files++;
        }
        if (performance.now() >= until) return;
      }
    } catch {
      this.done = true; // the run's own listing meets the same failure and reports it
    }
  }
}
