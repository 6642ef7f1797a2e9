import { createInterface } from 'node:readline';
/** What the CLI touches outside itself, so tests can run it in-process. */
export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
  readStdin: () => Promise<Uint8Array>;
  /** Whether stdout is a terminal (colors, passing documents). */
  isTTY: boolean;
  /** Whether stderr is a terminal (the progress line). */
  stderrIsTTY?: boolean;
  /** Standard input line by line, for streaming a line-based format. */
  readStdinLines?: () => AsyncIterable<string>;
  env: Record<string, string | undefined>;
}

/**
 * Output written in batches of about 32,000 characters, and whatever is waiting at the event loop's next turn, so a
 * consumer reading a long run's stream (`--format jsonl | jq`) still sees it as it comes. `flush` writes what is
 * waiting now.
 *
 * Why not larger: a batch is joined into one string, and a Persian report's string takes two bytes a character. Past
 * 128 KB V8 allocates it in its large-object space, which made the joins of a 20,000-document JSON report cost
 * 170 ms instead of 9 ms.
 */
export function batchedOutput(write: (s: string) => void, size = 32 * 1024): { write: (s: string) => void; flush: () => void } {
  let waiting: string[] = [];
  let length = 0;
  let scheduled: NodeJS.Immediate | undefined;
  const flush = () => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    if (!waiting.length) return;
    const text = waiting.length === 1 ? waiting[0]! : waiting.join('');
    waiting = [];
    length = 0;
    write(text);
  };
  return {
    write: (s) => {
      if (!s) return;
      waiting.push(s);
      length += s.length;
      if (length >= size) flush();
      else scheduled ??= setImmediate(flush);
    },
    flush,
  };
}

/** Whether a command shows its progress line: when asked (--progress), or by default when standard error is a terminal. */
export function showsProgress(wanted: boolean | undefined, io: CliIO): boolean {
  return wanted === true || (wanted === undefined && !!io.stderrIsTTY);
}

/** 130 after Ctrl-C, as shells report a run ended by SIGINT. */
export const EXIT = { clean: 0, findings: 1, usage: 2, interrupted: 130 } as const;

export async function readAllStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function stdinLines(): AsyncIterable<string> {
  return createInterface({ input: process.stdin, crlfDelay: Infinity });
}

/** A usage problem: exit 2 with this message on stderr. */
export class UsageError extends Error {}

/** Run a command that Ctrl-C stops gracefully: the signal aborts it, and it reports what it did (exit 130). */
export async function interruptible<T>(run: (abort: AbortController) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const onInterrupt = () => abort.abort();
  process.once('SIGINT', onInterrupt);
  try {
    return await run(abort);
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
