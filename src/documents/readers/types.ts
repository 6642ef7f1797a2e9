import type { ReadResult } from '../model.js';

/** A reader turns one decoded file into documents. A new format is a new reader, registered in ./index.ts. */
export interface Reader {
  format: string;
  /** Lower-case file extensions with the dot, e.g. '.txt'. */
  extensions: string[];
  read(path: string, text: string): ReadResult[];
}
