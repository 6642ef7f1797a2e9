/**
 * The safety of --fix, as properties over the real articles in tests/fixtures/corpus and mutations of them (the
 * notice or the attribution removed, altered, cut short, moved into the body, naming another site), in the layouts
 * files come in (CRLF, a byte-order mark, with or without a final newline).
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildRuleSet } from '../src/config/load.js';
import type { Document } from '../src/documents/model.js';
import { readBytes } from '../src/documents/read.js';
import { Engine } from '../src/engine/engine.js';
import type { FindingFix } from '../src/engine/finding.js';
import { checkRead } from '../src/engine/run.js';
import { applyFixes, byRange } from '../src/fix/apply.js';
import { fixBytes, selected, type FixSelection } from '../src/fix/file.js';
import { CORPUS, REFERENCE_PATH } from './helpers.js';

const read = (p: string) => readFileSync(p, 'utf8');
/** Articles with the whole Titr footer (they pass), and agency originals with none. */
const REPUBLISHED = [read(REFERENCE_PATH), ...readdirSync(`${CORPUS}titr-network`).map((n) => read(`${CORPUS}titr-network/${n}`))];
const ORIGINALS = readdirSync(`${CORPUS}fars-originals`)
  .sort()
  .map((n) => read(`${CORPUS}fars-originals/${n}`));

const NOTICE = /^با استناد[^\n]*$/m;
const ATTRIBUTION = /^منبع خبر[^\n]*$/m;

/** A change to a republished article, by kind and a number that picks where. */
type Mutation = { kind: string; n: number };
function mutate(text: string, m: Mutation): string {
  const notice = NOTICE.exec(text)?.[0] ?? '';
  const words = notice.split(' ');
  switch (m.kind) {
    case 'remove-notice':
      return text.replace(`\n${notice}`, '');
    case 'remove-attribution':
      return text.replace(ATTRIBUTION, '').replace(/\n\n\n/, '\n\n');
    case 'remove-both':
      return text.replace(`\n${notice}`, '').replace(ATTRIBUTION, '');
    case 'article':
      return text.replace('ماده ۷۴', 'ماده ۷۵');
    case 'date':
      return text.replace('۱۳۸۲/۱۰/۱۷', '۱۳۸۳/۱۰/۱۷');
    case 'cut':
      return text.replace(notice, words.slice(0, 4 + (m.n % (words.length - 6))).join(' '));
    case 'drop-word':
      return text.replace(notice, words.filter((_, k) => k !== 3 + (m.n % (words.length - 4))).join(' '));
    case 'site':
      return text.replace(/(اینکه سایت )\S+/, '$1خبرآنلاین');
    case 'move': {
      // Into the body: after one of its lines (not the title's), before the attribution.
      const without = text.replace(`\n${notice}`, '');
      const limit = without.search(ATTRIBUTION);
      const breaks = [...without.matchAll(/\n/g)].map((x) => x.index!).filter((i) => i < limit - 1);
      const at = breaks[1 + (m.n % (breaks.length - 1))]!;
      return `${without.slice(0, at)}\n${notice}${without.slice(at)}`;
    }
    case 'mismatch':
      return text.replace(/(منبع خبر\s*"\s*)[^"]+"/, '$1ایسنا"');
    default:
      return text;
  }
}

const layout = (text: string, l: { crlf: boolean; bom: boolean; newline: boolean }): Uint8Array => {
  let t = l.newline ? text.replace(/\n*$/, '\n') : text.replace(/\n+$/, '');
  if (l.crlf) t = t.replace(/\n/g, '\r\n');
  return Buffer.concat([Buffer.from(l.bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(t)]);
};

const documentCase = fc.record({
  text: fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...REPUBLISHED), fc.constantFrom('none', 'remove-notice', 'remove-attribution', 'remove-both', 'article', 'date', 'cut', 'drop-word', 'site', 'move', 'mismatch'), fc.nat(1000)).map(([t, kind, n]) => mutate(t, { kind, n })) },
    { weight: 1, arbitrary: fc.constantFrom(...ORIGINALS) },
  ),
  layout: fc.record({ crlf: fc.boolean(), bom: fc.boolean(), newline: fc.boolean() }),
  site: fc.constantFrom(undefined, 'تیترآنلاین'),
  selection: fc.constantFrom<FixSelection>({}, { suggestions: true }, { types: new Set(['notice']) }, { types: new Set(['attribution']) }),
});

let engines: Map<string | undefined, Engine>;
beforeAll(async () => {
  const ruleSet = await buildRuleSet({ extends: [], builtins: true, rules: {} });
  engines = new Map([undefined, 'تیترآنلاین'].map((s) => [s, new Engine(ruleSet, s ? { site: s } : {})]));
});

const PATH = 'article.txt';
const checkWith = (site: string | undefined) => (r: ReturnType<typeof readBytes>) => checkRead(engines.get(site)!, r, undefined);
const documentOf = (bytes: Uint8Array): Document => {
  const [r] = readBytes(PATH, bytes);
  if (!r?.ok) throw new Error('unreadable');
  return r.document;
};

/**
 * The article's body as a reader sees it: title, byline and paragraphs before the footer. A notice line in it is
 * left out (moving it out of the body is the fix for notice/position), and so are the line breaks around it.
 */
function body(doc: Document): string[] {
  const footer = doc.regions.find((r) => r.name === 'footer')?.start ?? Infinity;
  return doc.blocks
    .filter((b) => b.start < footer && b.kind !== 'footer')
    .map((b) => doc.text.slice(b.start, b.end).split(/\r?\n/).filter((line) => !line.startsWith('با استناد')).join('\n'))
    .filter((t) => t !== '');
}

const RUNS = { numRuns: 200, seed: 1212 };

describe('--fix, as properties over the corpus and its mutations', () => {
  it('is idempotent: a second fix changes nothing', () => {
    fc.assert(
      fc.property(documentCase, (c) => {
        const once = fixBytes(PATH, layout(c.text, c.layout), checkWith(c.site), {}, c.selection);
        const twice = fixBytes(PATH, once.bytes, checkWith(c.site), {}, c.selection);
        expect(twice.fixed).toEqual([]);
        expect(twice.bytes).toBe(once.bytes);
      }),
      RUNS,
    );
  });

  it('leaves no finding it could fix', () => {
    fc.assert(
      fc.property(documentCase, (c) => {
        const out = fixBytes(PATH, layout(c.text, c.layout), checkWith(c.site), {}, c.selection);
        expect(out.stopped).toBeUndefined();
        expect(out.results.flatMap((r) => r.findings.filter((f) => selected(f, c.selection)).map((f) => f.ruleId))).toEqual([]);
      }),
      RUNS,
    );
  });

  it('changes only the bytes of the spans it replaces, pass by pass, and never applies two overlapping fixes', () => {
    fc.assert(
      fc.property(documentCase, (c) => {
        let bytes = Buffer.from(layout(c.text, c.layout));
        for (let pass = 0; pass < 10; pass++) {
          const fixes = checkWith(c.site)(readBytes(PATH, bytes)).flatMap((r) => r.findings.filter((f) => selected(f, c.selection)).map((f) => f.fix!));
          const { bytes: next, applied } = applyFixes(bytes, fixes, 'utf-8');
          if (applied.length === 0) break;
          assertSplice(bytes, Buffer.from(next), applied);
          bytes = Buffer.from(next);
        }
      }),
      RUNS,
    );
  });

  it('never touches the article body: title, byline and the paragraphs before the footer', () => {
    fc.assert(
      fc.property(documentCase, (c) => {
        const before = layout(c.text, c.layout);
        const out = fixBytes(PATH, before, checkWith(c.site), {}, c.selection);
        expect(body(documentOf(out.bytes))).toEqual(body(documentOf(before)));
      }),
      RUNS,
    );
  });

  it('keeps every other line, in order: only notice lines change (and, with suggestions, the attribution); blank lines may go with a moved notice', () => {
    fc.assert(
      fc.property(documentCase, (c) => {
        const before = layout(c.text, c.layout);
        const out = fixBytes(PATH, before, checkWith(c.site), {}, c.selection);
        const lines = (b: Uint8Array) => Buffer.from(b).toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
        // With suggestions the attribution (in the footer) may change too: then only the lines before the footer count.
        const doc = documentOf(before);
        const footer = doc.regions.find((r) => r.name === 'footer')?.start ?? doc.text.length;
        const upTo = c.selection.suggestions ? doc.text.slice(0, footer).split(/\r?\n/).length - 1 : Infinity;
        const kept = lines(before).filter((l, k) => k < upTo && l.trim() !== '' && !l.startsWith('با استناد'));
        const after = lines(out.bytes);
        let k = 0;
        for (const line of after) if (k < kept.length && line === kept[k]) k++;
        expect(kept.slice(k)).toEqual([]); // every kept line found, in order
      }),
      RUNS,
    );
  });

  it('keeps the layout: the BOM, the line ending and the final newline', () => {
    fc.assert(
      fc.property(documentCase, (c) => {
        const out = Buffer.from(fixBytes(PATH, layout(c.text, c.layout), checkWith(c.site), {}, c.selection).bytes);
        expect(out[0] === 0xef && out[1] === 0xbb && out[2] === 0xbf).toBe(c.layout.bom);
        const text = out.toString('utf8');
        expect(/\n$/.test(text)).toBe(c.layout.newline);
        if (c.layout.crlf) expect(/(?<!\r)\n/.test(text)).toBe(false);
        else expect(text.includes('\r')).toBe(false);
      }),
      RUNS,
    );
  });
});

/** `after` is `before` with exactly the applied fixes' ranges replaced by their texts, and they do not overlap. */
function assertSplice(before: Buffer, after: Buffer, applied: FindingFix[]): void {
  const sorted = [...applied].sort(byRange);
  let from = 0;
  let at = 0;
  let lastEnd = -1;
  for (const f of sorted) {
    const { offset: start } = f.range.start;
    const { offset: end } = f.range.end;
    expect(start).toBeGreaterThan(lastEnd); // no two applied fixes overlap or touch
    const kept = before.subarray(from, start);
    expect(after.subarray(at, at + kept.length).equals(kept)).toBe(true);
    at += kept.length;
    const inserted = Buffer.from(f.text);
    expect(after.subarray(at, at + inserted.length).equals(inserted)).toBe(true);
    at += inserted.length;
    from = end;
    lastEnd = end;
  }
  expect(after.subarray(at).equals(before.subarray(from))).toBe(true);
}

describe('applyFixes, as ESLint applies fixes', () => {
  const fix = (start: number, end: number, text: string): FindingFix => ({ range: { start: { line: 1, column: 1, offset: start }, end: { line: 1, column: 1, offset: end } }, text });
  const arbitraryFixes = fc.array(
    fc.tuple(fc.nat(40), fc.nat(8), fc.string({ maxLength: 5 })).map(([s, len, text]) => fix(s, s + len, text)),
    { maxLength: 12 },
  );

  it('applies fixes that do not overlap, skips each one that overlaps or touches an applied one, and copies the rest', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 48, maxLength: 64 }), arbitraryFixes, (data, fixes) => {
        const bytes = Buffer.from(data);
        const { bytes: out, applied, skipped } = applyFixes(bytes, fixes, 'utf-8');
        expect(applied.length + skipped.length).toBe(fixes.length);
        if (applied.length) assertSplice(bytes, Buffer.from(out), applied);
        else expect(out).toBe(bytes);
        for (const s of skipped) {
          // Skipped only for a reason: it overlaps or touches an applied fix sorted before it.
          expect(applied.some((a) => byRange(a, s) <= 0 && a.range.end.offset >= s.range.start.offset)).toBe(true);
        }
      }),
      { numRuns: 500, seed: 1212 },
    );
  });
});
