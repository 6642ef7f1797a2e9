/**
 * Lists of paths (`manba check --files-from`, written by `manba list` or by git, find, a CMS export): NUL-separated
 * when the list holds a NUL (`manba list --null`, `find -print0`, `git ls-files -z`), else one path a line, LF or
 * CRLF. Empty entries are skipped. A list file is read a piece at a time: a list of ten million paths is never held.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const PIECE = 1 << 20;

/**
 * The paths of a list file, read as they are asked for, `piece` bytes at a time. Opening it is the caller's to check
 * first (pathListProblem).
 */
export function* pathsInFile(file: string, piece = PIECE): Generator<string> {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(piece);
    const decoder = new TextDecoder('utf-8');
    let separator: '\0' | '\n' | undefined;
    let rest = '';
    for (let n: number; (n = readSync(fd, buffer, 0, piece, null)) > 0; ) {
      let text = rest + decoder.decode(buffer.subarray(0, n), { stream: true });
      // A path is at most a few thousand bytes: the first piece (a megabyte) says which separator the list uses.
      separator ??= text.includes('\0') ? '\0' : '\n';
      const last = text.lastIndexOf(separator);
      rest = text.slice(last + 1);
      text = text.slice(0, last + 1);
      for (const path of split(text, separator)) yield path;
    }
    for (const path of split(rest + decoder.decode(), separator ?? '\n')) yield path;
  } finally {
    closeSync(fd);
  }
}

/** The paths of a list given whole (standard input). */
export function pathsInText(text: string): string[] {
  return split(text, text.includes('\0') ? '\0' : '\n');
}

function split(text: string, separator: '\0' | '\n'): string[] {
  const paths: string[] = [];
  for (let from = 0; from < text.length; ) {
    let to = text.indexOf(separator, from);
    if (to === -1) to = text.length;
    // A list written on Windows ends its lines in CRLF; a path never ends in CR.
    const end = separator === '\n' && text.charCodeAt(to - 1) === 13 ? to - 1 : to;
    if (end > from) paths.push(text.slice(from, end));
    from = to + 1;
  }
  return paths;
}

/** Why a list file cannot be read, or undefined when it can: said before the run starts, as a usage error. */
export function pathListProblem(file: string, shown = file): string | undefined {
  try {
    const fd = openSync(file, 'r');
    const folder = fstatSync(fd).isDirectory();
    closeSync(fd);
    return folder ? `cannot read the list of files ${shown}: it is a folder` : undefined;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EACCES' ? 'permission denied' : e.message;
    return `cannot read the list of files ${shown}: ${why}`;
  }
}
