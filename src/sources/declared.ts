/**
 * Where an article names its origin (the declared source): metadata, the byline, the dateline, a lead prefix,
 * or the lead «به گزارش X،». Each extraction records where it was found. Works on folded text, so Arabic yeh,
 * digit scripts and ZWNJ in «سه‌شنبه» do not matter.
 */
import type { DocumentContext } from '../rules/types.js';

export type DeclaredWhere = 'metadata' | 'byline' | 'dateline' | 'lead-prefix' | 'lead' | 'end-marker';

export interface DeclaredSource {
  name: string;
  where: DeclaredWhere;
  /** Offsets in Document.text (metadata: 0, 0). */
  start: number;
  end: number;
  /** For «به گزارش X به نقل از Y»: Y, the outlet X quoted. */
  via?: string;
}

const WEEKDAY = '(?:شنبه|یک ?شنبه|دو ?شنبه|سه ?شنبه|چهار ?شنبه|پنج ?شنبه|جمعه)';
/** Byline: the source is what precedes the weekday or the first digit. */
const BYLINE = new RegExp(`^(.{2,60}?)\\s*[-|،,]?\\s*(?:${WEEKDAY}(?=[\\s،,]|$)|\\d)`, 'u');
/** Dateline: «تهران-ایرنا-», «استانبول – ایرنا –». */
const DATELINE = /^([^\s\-:،]{2,20}(?: [^\s\-:،]{2,20}){0,2}) ?- ?([^\-:\n،]{2,30}?) ?- ?/u;
/**
 * Lead prefix: «خبرگزاری فارس: …», «اقتصادنیوز: …», «خبرورزشی -…»: an outlet-like name of one to three words of
 * letters only, then «:» or «-». Anything else before a colon (`body =HYPERLINK("http`, «http://», «ساعت 10:30»)
 * is not a name and never becomes the declared source.
 */
const LEAD_PREFIX = /^(\p{L}[\p{L}\p{M}]{1,24}(?: \p{L}[\p{L}\p{M}]{1,24}){0,2}) ?(?::(?!\/\/)|-) ?/u;
/** Lead: «به گزارش X،» or «به گزارش X به نقل از Y،». */
const LEAD = /(?:^|[\s.])به گزارش ((?:[^\s،,:.]+ ){0,7}?[^\s،,:.]+?)(?: به نقل از ((?:[^\s،,:.]+ ){0,7}?[^\s،,:.]+))? ?[،,:]/u;

/**
 * End marker naming the agency: «انتهای پیام/ ایرنا», a line of its own. Tried (sticky) only where «انتهای» starts
 * a line of the folded text, whose only line break is '\n': a search of the whole text was 1% of a run. The lines
 * are found with indexOf('\n'), three times faster than indexOf of the word over an article.
 */
const END_MARKER_AT = /انتهای (?:پیام|متن) ?\/ ?([^\s\/\n][^\n\/]{1,30})$/muy;
const END_WORD = 'انتهای';

/** The first end marker on a line of its own, as `(?:^|\n)` + END_MARKER_AT would find it searching the text. */
function endMarker(text: string): { at: number; name: string } | null {
  for (let q = 0; ; ) {
    if (text.startsWith(END_WORD, q)) {
      END_MARKER_AT.lastIndex = q;
      const m = END_MARKER_AT.exec(text);
      if (m) return { at: q + m[0].indexOf(m[1]!), name: m[1]! };
    }
    const lineEnd = text.indexOf('\n', q);
    if (lineEnd === -1) return null;
    q = lineEnd + 1;
  }
}

/** Declared sources in priority order: the first is the one an attribution is compared with. */
export function findDeclaredSources(ctx: DocumentContext): DeclaredSource[] {
  return ctx.memo('declared-sources', () => extract(ctx));
}

function extract(ctx: DocumentContext): DeclaredSource[] {
  const { document: doc, folded } = ctx;
  const out: DeclaredSource[] = [];
  if (doc.metadata.source) out.push({ name: doc.metadata.source, where: 'metadata', start: 0, end: 0 });

  // Folded view of a block: [foldedStart, foldedEnd) found by binary search on the map.
  const foldedRange = (start: number, end: number): [number, number] => [folded.foldedAt(start), folded.foldedAt(end)];
  const push = (name: string, where: DeclaredWhere, fs: number, fe: number, via?: string) => {
    const clean = name.replace(/[\s\-|:،,]+$/u, '').trim();
    if (clean.length < 2) return;
    const [s, e] = folded.toOriginal(fs, fe);
    out.push({ name: folded.original.slice(s, e).trim() || clean, where, start: s, end: e, ...(via ? { via } : {}) });
  };

  const byline = doc.blocks.find((b) => b.kind === 'byline');
  if (byline) {
    const [fs, fe] = foldedRange(byline.start, byline.end);
    const m = BYLINE.exec(folded.text.slice(fs, fe));
    if (m) push(m[1]!, 'byline', fs, fs + m[1]!.trimEnd().length);
  }
  const body = doc.blocks.filter((b) => b.kind === 'paragraph').slice(0, 2);
  const first = body[0];
  if (first) {
    const [fs, fe] = foldedRange(first.start, first.end);
    const text = folded.text.slice(fs, fe);
    const d = DATELINE.exec(text);
    if (d) {
      const at = fs + d[0].indexOf(d[2]!, d[1]!.length);
      push(d[2]!, 'dateline', at, at + d[2]!.trimEnd().length);
    } else {
      const p = LEAD_PREFIX.exec(text);
      if (p && !/^به گزارش/u.test(text)) push(p[1]!, 'lead-prefix', fs, fs + p[1]!.length);
    }
  }
  for (const b of body) {
    const [fs, fe] = foldedRange(b.start, b.end);
    const text = folded.text.slice(fs, fe);
    const m = LEAD.exec(text);
    if (m) {
      const at = fs + m.index + m[0].indexOf(m[1]!);
      push(m[1]!, 'lead', at, at + m[1]!.length, m[2]);
      break;
    }
  }
  const marker = endMarker(folded.text);
  if (marker) push(marker.name, 'end-marker', marker.at, marker.at + marker.name.trimEnd().length);
  return out;
}
