/**
 * A report file written as documents are checked. Pieces are gathered into writes of about 64 KB: a write per
 * document cost a system call and a UTF-8 conversion each, more than some documents take to check.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

const FLUSH_AT = 64 * 1024;

export class ReportFile {
  private readonly fd: number;
  private pending: string[] = [];
  private size = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  write(text: string): void {
    this.pending.push(text);
    this.size += text.length;
    if (this.size >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (!this.pending.length) return;
    writeSync(this.fd, this.pending.join(''));
    this.pending = [];
    this.size = 0;
  }

  close(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }
}
