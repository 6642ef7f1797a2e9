/**
 * Documents whose text is extracted from a file (HTML, JSON, Markdown) keep a map from each offset of the text
 * back to the file, so findings point at the line and column in the file as the user has it. The text is built
 * in pieces: a piece copied verbatim maps unit by unit; a piece that stands for something else (a decoded
 * entity, a JSON escape) maps all its units to the source range it came from.
 */
import { LineIndex, type Position } from './lines.js';

interface Segment {
  textStart: number;
  sourceStart: number;
  /** Units of text in the segment. */
  length: number;
  /** Source units the segment covers; equals `length` for a verbatim piece. */
  sourceLength: number;
}

export class TextBuilder {
  private readonly parts: string[] = [];
  private readonly segments: Segment[] = [];
  private length = 0;

  /** Text copied from the source, starting at `sourceStart`. */
  verbatim(text: string, sourceStart: number): this {
    if (!text) return this;
    this.segments.push({ textStart: this.length, sourceStart, length: text.length, sourceLength: text.length });
    this.parts.push(text);
    this.length += text.length;
    return this;
  }

  /** Text that stands for the source range [sourceStart, sourceEnd) (an entity, an escape, a tag turned into a line break). */
  mapped(text: string, sourceStart: number, sourceEnd: number): this {
    if (!text) return this;
    this.segments.push({ textStart: this.length, sourceStart, length: text.length, sourceLength: sourceEnd - sourceStart });
    this.parts.push(text);
    this.length += text.length;
    return this;
  }

  get textLength(): number {
    return this.length;
  }

  /** The text, and a function from a text offset to its source offset. */
  build(): { text: string; toSource: (offset: number) => number } {
    const segments = this.segments;
    const text = this.parts.join('');
    const toSource = (offset: number): number => {
      if (segments.length === 0) return 0;
      let lo = 0;
      let hi = segments.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (segments[mid]!.textStart <= offset) lo = mid;
        else hi = mid - 1;
      }
      const s = segments[lo]!;
      const inside = offset - s.textStart;
      if (inside >= s.length) return s.sourceStart + s.sourceLength; // at the end of the last piece
      return s.length === s.sourceLength ? s.sourceStart + inside : s.sourceStart;
    };
    return { text, toSource };
  }
}

/** A locate() for a document extracted from `source`: text offset → line and column in the source file. */
export function sourceLocator(source: string, toSource: (offset: number) => number): (offset: number) => Position {
  let lines: LineIndex | undefined;
  return (offset) => (lines ??= new LineIndex(source)).position(toSource(offset));
}
