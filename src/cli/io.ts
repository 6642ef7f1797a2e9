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
