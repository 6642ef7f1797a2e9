/**
 * Writing a report file so that no run, however it ends, leaves half a report in place of the old one: the report
 * is written beside it as `<file>.<pid>.tmp` and renamed over it when complete. A run killed outright (SIGKILL,
 * out of memory, power cut) cannot remove its temporary; the next run that writes the same report does, once its
 * own report is in place, for every temporary whose process is gone. A live process's temporary is never touched:
 * another run may be writing it right now.
 */
import { closeSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Where this process writes `file` before renaming it into place. */
export function temporaryOf(file: string): string {
  return `${file}.${process.pid}.tmp`;
}

/** True unless the process is known to be gone (ESRCH). EPERM means it lives under another user. */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Remove `<file>.<pid>.tmp` left beside `file` by processes that no longer run. Returns the paths removed.
 * Best effort: a temporary that cannot be listed or removed stays, and the report is still written.
 */
export function removeStaleTemporaries(file: string): string[] {
  const dir = dirname(file);
  const prefix = `${basename(file)}.`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = name.slice(prefix.length, -'.tmp'.length);
    if (!/^[1-9]\d{0,9}$/.test(pid) || alive(Number(pid))) continue;
    try {
      unlinkSync(join(dir, name));
      removed.push(join(dir, name));
    } catch {
      // Gone already (another run cleaned it) or not ours to remove: leave it.
    }
  }
  return removed;
}

/**
 * Write a report given in chunks (a large HTML, SARIF or stylish report), then rename it into place. The chunks go
 * through the same buffer as a streamed report's pieces: a stylish report's chunks are lines, and a write of each
 * to a stream cost several times the rest of a merge of 400,000 documents.
 */
export async function writeReportFileInChunks(file: string, chunks: Iterable<string>): Promise<void> {
  const out = openReportStream(file);
  try {
    for (const c of chunks) out.write(c);
  } catch (err) {
    out.discard();
    throw err;
  }
  out.commit();
}

/** A report written as documents are checked: `write` appends, `commit` puts it in place, `discard` drops it. */
export interface ReportStream {
  write(text: string): void;
  commit(): void;
  discard(): void;
}

/**
 * Pieces are encoded straight into one reused buffer and written about 64 KB at a time: a write per document cost a
 * system call each, and joining the pieces into one string first cost more than encoding them (it flattened every
 * piece, then encoded the copy).
 */
const FLUSH_AT = 64 * 1024;

export function openReportStream(file: string): ReportStream {
  const tmp = temporaryOf(file);
  const fd = openSync(tmp, 'w');
  // A UTF-16 unit is at most 3 bytes of UTF-8: room for FLUSH_AT bytes plus one piece of up to FLUSH_AT units.
  const buffer = Buffer.allocUnsafe(FLUSH_AT * 4);
  let used = 0;
  const flush = () => {
    let at = 0;
    while (at < used) at += writeSync(fd, buffer, at, used - at);
    used = 0;
  };
  return {
    write: (text) => {
      if (text.length > FLUSH_AT) {
        // A piece too long for the buffer goes out as it is, after what came before it.
        flush();
        writeSync(fd, text);
        return;
      }
      used += buffer.write(text, used);
      if (used >= FLUSH_AT) flush();
    },
    commit: () => {
      try {
        flush();
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, file);
      removeStaleTemporaries(file);
    },
    discard: () => {
      closeSync(fd);
      unlinkSync(tmp);
    },
  };
}
