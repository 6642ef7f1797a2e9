/** What the CLI touches outside itself, so tests can run it in-process. */
export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
  readStdin: () => Promise<Uint8Array>;
  /** Whether stdout is a terminal (colors, passing documents). */
  isTTY: boolean;
  env: Record<string, string | undefined>;
}

export const EXIT = { clean: 0, findings: 1, usage: 2 } as const;

export async function readAllStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A usage problem: exit 2 with this message on stderr. */
export class UsageError extends Error {}
