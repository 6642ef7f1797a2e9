/**
 * Fuzzing every reader and the folding with random and mutated input. Invariants: no exception escapes; every
 * file (every line of a JSONL file) gives documents or exactly one `input/*` finding; every finding lies inside
 * the file; folding's offset map is monotone and round-trips.
 *
 * Seeded and bounded: `npm test` runs a few dozen cases per property in a few seconds. `npm run fuzz` runs many
 * more, with a fresh seed (MANBA_FUZZ_RUNS, MANBA_FUZZ_SEED, MANBA_FUZZ_SECONDS). A failure prints its seed and
 * path; rerun it with MANBA_FUZZ_SEED=<seed>.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { decode, validUtf8ToString } from '../src/documents/decode.js';
import type { ReadResult } from '../src/documents/model.js';
import { readBytes } from '../src/documents/read.js';
import { readers } from '../src/documents/readers/index.js';
import type { Engine } from '../src/engine/engine.js';
import type { Finding } from '../src/engine/finding.js';
import { foldText } from '../src/text/fold.js';
import { builtinEngine, CORPUS, reference } from './helpers.js';

const SEED = process.env.MANBA_FUZZ_SEED ? Number(process.env.MANBA_FUZZ_SEED) : 20261201;
const RUNS = process.env.MANBA_FUZZ_RUNS ? Number(process.env.MANBA_FUZZ_RUNS) : 25;
/** Time budget per property; the whole file stays well under 20 s on a busy machine. */
const SECONDS = process.env.MANBA_FUZZ_SECONDS ? Number(process.env.MANBA_FUZZ_SECONDS) : 1.5;
/** Long runs (npm run fuzz) go deeper and wider; the short run in npm test stays within its time. */
const LONG = RUNS > 100;
const PARAMS = { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: SECONDS * 1000, markInterruptAsFailure: false, endOnFailure: process.env.MANBA_FUZZ_SHRINK !== "1" };

/** One path per reader, so every input goes through every reader. */
const PATHS = readers.map((r) => `fuzz${r.extensions[0]}`);

const articles = [reference(), ...['fars-originals', 'titr-network'].flatMap((d) => readdirSync(join(CORPUS, d)).slice(0, 6).map((f) => readFileSync(join(CORPUS, d, f), 'utf8')))];

/** The article in the shape each format has, so mutations reach past the first syntax check. */
function shaped(ext: string, article: string): string {
  const [title, ...rest] = article.split('\n');
  const body = rest.join('\n');
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  switch (ext) {
    case '.md':
      return `---\nsource: ایرنا\nsite: تیترآنلاین\n---\n# ${title}\n\n${body}`;
    case '.json':
      return JSON.stringify([{ id: 'a', title, body }, { id: 'b', title, body: body.slice(0, 400) }], null, 1);
    case '.jsonl':
      return `${JSON.stringify({ id: 'a', title, body })}\n${JSON.stringify({ id: 'b', title, body: body.slice(0, 300) })}\n`;
    case '.html':
      return `<!DOCTYPE html><html><head><meta name="source" content="ایرنا"><title>${esc(title ?? '')}</title></head><body><article>${rest.map((p) => `<p>${esc(p)}</p>`).join('\n')}</article><footer>پانویس</footer></body></html>`;
    case '.rss':
    case '.xml':
    case '.atom':
      return `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>t</title><item><guid>1</guid><title>${esc(title ?? '')}</title><description><![CDATA[${rest.map((p) => `<p>${p}</p>`).join('')}]]></description></item><item><guid>2</guid><title>x</title><description>${esc(body.slice(0, 300))}</description></item></channel></rss>\n`;
    default:
      return article;
  }
}

/** Pieces that mean something to some reader or to folding. */
const NASTY = [
  '<', '>', '&', '&amp;', '&#0;', '&#x110000;', '&nbsp;', '&zwnj;', ']]>', '<![CDATA[', '<!--', '-->', '<?xml ?>', '<!DOCTYPE x [<!ENTITY e "&e;">]>',
  '"', '\\', '\\u', '\\ud800', '{', '}', '[', ']', ':', ',', '\n', '\r', '\r\n', '\t', '\u0000', '\u0001',
  '\u200c', '\u200d', '\u200f', '\u202e', '\ufeff', '\u0640', '\u0651', '\ud800', '\udc00', '\u{1F600}', '\u00a0',
  '---\n', '```\n', '# ', '> ', '* ', '<p>', '</p>', '<div>', '</div>', '<script>', '</script>', '<br>', '<footer>', '<article>',
  'منبع:', 'منبع خبر "ایرنا" است', 'با استناد به ماده ۷۴', 'به گزارش ایرنا،', 'انتهای پیام/', '۱۳۸۲/۱۰/۱۷', '74', 'ي', 'ك', 'ؤ',
  '<!-- manba-disable -->', '<!-- manba-disable-next-line notice/missing -->', 'manba-disable-line',
];

type Mutation = { at: number; op: 'insert' | 'delete' | 'duplicate' | 'replace'; piece: string; length: number };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('insert', 'delete', 'duplicate', 'replace'),
  piece: fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 6 })),
  length: fc.nat({ max: 200 }),
});

function mutate(text: string, ms: Mutation[]): string {
  let s = text;
  for (const m of ms) {
    const at = s.length ? m.at % (s.length + 1) : 0;
    const end = Math.min(s.length, at + m.length);
    if (m.op === 'insert') s = s.slice(0, at) + m.piece + s.slice(at);
    else if (m.op === 'delete') s = s.slice(0, at) + s.slice(end);
    else if (m.op === 'duplicate') s = s.slice(0, end) + s.slice(at, end) + s.slice(end);
    else s = s.slice(0, at) + m.piece + s.slice(at + m.piece.length);
  }
  return s;
}

const utf8 = (s: string) => new TextEncoder().encode(s);

/** Line lengths of the file as the user has it: decoded as manba decodes it, else read leniently as UTF-8. */
function fileLines(bytes: Uint8Array): { lf: number[]; any: number[] } {
  const d = decode(bytes);
  const text = d.ok ? d.text : new TextDecoder('utf-8').decode(bytes);
  return { lf: text.split('\n').map((l) => l.length), any: text.split(/\r\n|\r|\n/).map((l) => l.length) };
}

function inside(lines: { lf: number[]; any: number[] }, line: number, column: number): boolean {
  const within = (ls: number[]) => Number.isInteger(line) && Number.isInteger(column) && line >= 1 && line <= ls.length && column >= 1 && column <= ls[line - 1]! + 1;
  return within(lines.lf) || within(lines.any);
}

let engine: Engine;
beforeAll(async () => {
  engine = await builtinEngine();
});

/** Every invariant of reading and checking one file. Throws (with the path and what broke) when one fails. */
function checkFile(path: string, bytes: Uint8Array): void {
  let results: ReadResult[];
  try {
    results = readBytes(path, bytes);
  } catch (err) {
    throw new Error(`${path}: reading threw ${(err as Error).stack}`);
  }
  const lines = fileLines(bytes);
  const problems = results.filter((r): r is Extract<ReadResult, { ok: false }> => !r.ok).map((r) => r.problem);
  const documents = results.filter((r): r is Extract<ReadResult, { ok: true }> => r.ok).map((r) => r.document);
  if (results.length === 0) throw new Error(`${path}: neither a document nor an input/* finding`);
  for (const p of problems) {
    if (!p.ruleId.startsWith('input/')) throw new Error(`${path}: problem ${p.ruleId} is not input/*`);
    if (!inside(lines, p.line ?? 1, p.column ?? 1)) throw new Error(`${path}: ${p.ruleId} at ${p.line}:${p.column} lies outside the file (${p.message})`);
  }
  // Each article of the file (an item of a JSON array or feed, a line of JSONL) gives one result: a document or
  // one input/* finding; a file that fails as a whole gives exactly one finding and nothing else.
  // Two articles share a path when the export repeats an id, but never a place: no article gives two findings.
  const problemPlaces = problems.map((p) => `${p.path} ${p.line}:${p.column}`);
  if (new Set(problemPlaces).size !== problemPlaces.length) throw new Error(`${path}: two input/* findings for one article: ${problemPlaces.join(', ')}`);
  const whole = problems.filter((p) => p.path === path);
  if (whole.length && results.length !== 1) throw new Error(`${path}: ${whole[0]!.ruleId} for the whole file, and ${results.length - 1} other results`);
  if (path.endsWith('.jsonl') && results.length > lines.lf.length) throw new Error(`${path}: ${results.length} results for ${lines.lf.length} lines`);
  for (const doc of documents) {
    let findings: Finding[];
    try {
      findings = engine.check(doc).findings;
    } catch (err) {
      throw new Error(`${doc.path}: checking threw ${(err as Error).stack}`);
    }
    for (const f of findings) {
      const where = `${doc.path}: ${f.ruleId} ${f.line}:${f.column}-${f.endLine}:${f.endColumn}`;
      if (!inside(lines, f.line, f.column) || !inside(lines, f.endLine, f.endColumn)) throw new Error(`${where} lies outside the file`);
      if (f.endLine < f.line || (f.endLine === f.line && f.endColumn < f.column)) throw new Error(`${where} ends before it starts`);
    }
  }
}

/** Run `checkFile` over every reader for the bytes. */
const everyReader = (bytes: Uint8Array) => {
  for (const path of PATHS) checkFile(path, bytes);
};

const article = fc.constantFrom(...articles);
const ext = fc.constantFrom(...readers.map((r) => r.extensions[0]!));

describe(`fuzzing the readers (seed ${SEED}, ${RUNS} runs per property; rerun with MANBA_FUZZ_SEED=${SEED})`, () => {
  it('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), everyReader), PARAMS);
  });

  it('random text (any code point, lone surrogates, controls)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), (s) => everyReader(utf8(s))), PARAMS);
  });

  it('real articles, shaped as each format, mutated', () => {
    fc.assert(
      fc.property(article, ext, fc.array(mutation, { minLength: 1, maxLength: 8 }), (a, e, ms) => checkFile(`fuzz${e}`, utf8(mutate(shaped(e, a), ms)))),
      PARAMS,
    );
  });

  it('real articles, shaped as each format, cut at any byte (truncated UTF-8)', () => {
    fc.assert(
      fc.property(article, ext, fc.nat(), (a, e, cut) => {
        const bytes = utf8(shaped(e, a));
        checkFile(`fuzz${e}`, bytes.subarray(0, cut % (bytes.length + 1)));
      }),
      PARAMS,
    );
  });

  it('deeply nested HTML, XML and JSON', () => {
    const nested = fc.record({ depth: fc.integer({ min: 1, max: LONG ? 50_000 : 8_000 }), kind: fc.constantFrom('div', 'p', 'xml', 'array', 'object', 'mixed') });
    fc.assert(
      fc.property(nested, ({ depth, kind }) => {
        const text = reference();
        const variants: Record<string, string> = {
          div: `<html><body>${'<div>'.repeat(depth)}${text}${'</div>'.repeat(depth)}</body></html>`,
          p: `<article>${'<p><b>'.repeat(depth)}${text}</article>`,
          xml: `<rss><channel><item><description>${'<x>'.repeat(depth)}${text}${'</x>'.repeat(depth)}</description></item></channel></rss>`,
          array: `${'['.repeat(depth)}${JSON.stringify({ title: 't', body: text })}${']'.repeat(depth)}`,
          object: `${'{"a":'.repeat(depth)}${JSON.stringify({ title: 't', body: text })}${'}'.repeat(depth)}`,
          mixed: `${'[{"body":'.repeat(depth)}"${'x'}"${'}]'.repeat(depth)}`,
        };
        everyReader(utf8(variants[kind]!));
      }),
      { ...PARAMS, numRuns: Math.max(6, Math.round(RUNS / 4)) },
    );
  });

  it('huge lines', () => {
    fc.assert(
      fc.property(fc.integer({ min: 50_000, max: LONG ? 1_000_000 : 250_000 }), fc.constantFrom('ب', 'منبع خبر "ایرنا" است ', '&amp;', '<b>', '\u200c', ' '), (n, unit) => {
        const line = unit.repeat(Math.ceil(n / unit.length));
        everyReader(utf8(`${reference()}\n${line}`));
      }),
      { ...PARAMS, numRuns: Math.max(3, Math.round(RUNS / 8)) },
    );
  });
});

describe(`fuzzing folding (seed ${SEED})`, () => {
  /** The offset map's invariants for one text. */
  function checkFold(original: string): void {
    const f = foldText(original);
    const n = f.text.length;
    let prev = -1;
    for (let k = 0; k < n; k++) {
      const s = f.startOf(k);
      const e = f.endOf(k);
      // Monotone, inside the original, each unit covering at least one original unit.
      if (s < prev || s < 0 || e > original.length || e <= s) throw new Error(`folded unit ${k}: [${s}, ${e}) after ${prev} in ${original.length}`);
      // Round trip: the first folded unit at the original offset of unit k starts there.
      const back = f.foldedAt(s);
      if (back > k || f.startOf(back) !== s) throw new Error(`folded unit ${k} at ${s}: foldedAt gives ${back}, which starts at ${f.startOf(back)}`);
      prev = s;
    }
    for (let o = 0; o <= original.length; o += Math.max(1, Math.floor(original.length / 200))) {
      const k = f.foldedAt(o);
      if (k < 0 || k > n || (k < n && f.startOf(k) < o) || (k > 0 && f.startOf(k - 1) >= o)) throw new Error(`foldedAt(${o}) = ${k} is not the first unit at or after it`);
    }
    const [a, b] = f.toOriginal(0, n);
    if (a < 0 || b > original.length || a > b) throw new Error(`toOriginal(0, ${n}) = [${a}, ${b}]`);
  }

  it('random text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 3000 }), checkFold), PARAMS);
  });

  it('text made of the units folding treats specially', () => {
    const unit = fc.constantFrom(...NASTY, ' ', '  ', '\u0652', '\u064b', 'ـ', 'ى', 'ة', 'أ', 'إ', '٤', '4', 'A', 'ﻻ', 'ﷲ', '\u0301');
    fc.assert(fc.property(fc.array(unit, { maxLength: 400 }).map((u) => u.join('')), checkFold), PARAMS);
  });

  it('mutated real articles', () => {
    fc.assert(fc.property(article, fc.array(mutation, { maxLength: 10 }), (a, ms) => checkFold(mutate(a, ms))), PARAMS);
  });
});

describe(`decoding valid UTF-8 (seed ${SEED})`, () => {
  // validUtf8ToString skips the checks isUtf8 made: on any valid UTF-8 it must give exactly what V8's decoder gives.
  it('random text of every width (ASCII, Persian, three-byte, beyond the BMP) decodes as Buffer#toString does', () => {
    const text = fc.string({ unit: fc.oneof(fc.constantFrom('a', ' ', '\n', 'ی', 'ك', '۷', '\u200c', '€', '😀'), fc.constantFrom(...'منبع خبر ایرنا'.split('')), fc.integer({ min: 0, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff).map((c) => String.fromCodePoint(c))), maxLength: 400 });
    fc.assert(
      fc.property(text, (t) => {
        const bytes = Buffer.from(t, 'utf8');
        expect(validUtf8ToString(bytes)).toBe(bytes.toString('utf8'));
      }),
      { ...PARAMS, numRuns: Math.max(RUNS, 200) },
    );
  });

  it('every corpus article, and one over the reused buffer (1 MB)', () => {
    for (const a of articles) expect(validUtf8ToString(Buffer.from(a))).toBe(a);
    const large = reference().repeat(Math.ceil(1.2e6 / Buffer.byteLength(reference())));
    expect(validUtf8ToString(Buffer.from(large))).toBe(large);
    // A slice of a larger buffer (a file read into the run's read buffer) decodes only its own bytes.
    const inside = Buffer.from(`xx${reference()}yy`).subarray(2, 2 + Buffer.byteLength(reference()));
    expect(validUtf8ToString(inside)).toBe(reference());
  });
});
