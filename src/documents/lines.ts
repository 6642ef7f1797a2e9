/** 1-based line and column; columns count UTF-16 code units, as SARIF's default and editors do. */
export interface Position {
  line: number;
  column: number;
}

/** Whether a CR stands without an LF after it (an old Mac line end). A CRLF file's CRs are found by indexOf. */
export function hasLoneCR(text: string): boolean {
  for (let i = text.indexOf('\r'); i !== -1; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== 0x0a) return true;
  return false;
}

/** Line starts of a text, for turning offsets into line/column by binary search. */
export class LineIndex {
  private readonly starts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    // A lone CR (old Mac files) also ends a line: its start goes among the others, which then need sorting. A CRLF
    // file has none, so its line starts stay as found.
    let loneCR = false;
    for (let i = text.indexOf('\r'); i !== -1; i = text.indexOf('\r', i + 1)) {
      if (text.charCodeAt(i + 1) !== 0x0a) {
        starts.push(i + 1);
        loneCR = true;
      }
    }
    if (loneCR) starts.sort((a, b) => a - b);
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - this.starts[lo]! + 1 };
  }

  /** Offset of the start of a 1-based line. */
  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line - 1, this.starts.length - 1))]!;
  }
}
