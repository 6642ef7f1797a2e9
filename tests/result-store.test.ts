import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ResultStore } from '../src/engine/result-store.js';
import type { DocumentResult } from '../src/engine/finding.js';
import { positionOf, reference, ROOT } from './helpers.js';

/** Results of every shape a report holds: findings with evidence and suppressions, facts, digests, Persian text. */
function result(i: number): DocumentResult {
  const findings: DocumentResult['findings'] =
    i % 3 === 0
      ? [
          {
            ruleId: 'notice/altered',
            severity: 'error',
            message: `The notice is altered (article number): expected «۷۴», found «۷${i % 10}»`,
            messages: { en: 'altered', fa: `اطلاعیه ماده ۷۴ تغییر کرده است ${i}` },
            line: 25 + (i % 7),
            column: 19,
            endLine: 25 + (i % 7),
            endColumn: 26,
            evidence: { expected: '۷۴', found: `۷${i % 10}` },
            anchor: 'با استناد به ماده',
          },
        ]
      : i % 3 === 1
        ? [{ ruleId: 'attribution/unknown-source', severity: 'warning', message: 'w', messages: { en: 'w', fa: 'و' }, line: 1, column: 1, endLine: 1, endColumn: 2, suppressions: [{ kind: 'inSource', justification: 'two agencies' }] }]
        : [];
  return {
    path: `archive/f${String(Math.floor(i / 1000)).padStart(3, '0')}/a${i}.txt`,
    sha256: i.toString(16).padStart(64, '0'),
    findings,
    ...(i % 2 ? { facts: { attribution: { source: 'ایرنا', outlet: 'irna', line: 30, column: 10, site: 'تیترآنلاین' } } } : {}),
  };
}

const tmpRoot = () => mkdtempSync(join(tmpdir(), 'manba-store-'));

describe('ResultStore', () => {
  it('keeps a small run in memory: no temporary file', () => {
    const store = new ResultStore({ inMemory: 10 });
    for (let i = 0; i < 10; i++) store.add(result(i));
    expect(store.file).toBeUndefined();
    expect(store.documents()).toStrictEqual(Array.from({ length: 10 }, (_, i) => result(i)));
    store.close();
  });

  it('spills past its limit and gives back exactly what was added, in order, then removes its file', () => {
    const store = new ResultStore({ inMemory: 5 });
    // About 2.5 MB of results: reading back crosses the 1 MB read-ahead window several times.
    const n = 6000;
    for (let i = 0; i < n; i++) store.add(result(i));
    const file = store.file!;
    expect(file).toMatch(/manba-results-[^/]+\/results\.jsonl$/);
    expect(existsSync(file)).toBe(true);
    expect(store.length).toBe(n);

    const docs = store.documents();
    expect(docs.length).toBe(n);
    // Sequential, by index, backwards and through array methods: every result exact.
    let i = 0;
    for (const d of docs) expect(d).toStrictEqual(result(i++));
    expect(i).toBe(n);
    for (let k = n - 1; k >= 0; k -= 997) expect(docs[k]).toStrictEqual(result(k));
    expect(docs.filter((d) => d.findings.some((f) => f.severity === 'error')).map((d) => d.path)).toEqual(
      Array.from({ length: n }, (_, k) => k).filter((k) => k % 3 === 0).map((k) => result(k).path),
    );
    expect(docs[n]).toBeUndefined();
    expect(() => ((docs as DocumentResult[])[0] = result(1))).toThrow('read-only');

    // Results added after the view was taken are seen too (the report is built once all are in, but be safe).
    store.add(result(n));
    expect(docs.length).toBe(n + 1);
    expect(docs[n]).toStrictEqual(result(n));

    store.close();
    expect(existsSync(file)).toBe(false);
    expect(existsSync(dirname(file))).toBe(false);
    expect(store.length).toBe(0);
  });

  it('finds any result in any order, by the start of its block of 64, across results larger than its 1 MB read window', () => {
    const store = new ResultStore({ inMemory: 0 });
    // Every 50th result carries a message of 1.5 MB; the others are small.
    const big = (i: number): DocumentResult => ({ path: `a${i}.txt`, findings: [{ ruleId: 'notice/altered', severity: 'error', message: `${i}:` + 'ب'.repeat(i % 50 === 7 ? 750_000 : i % 13), messages: { en: 'x', fa: 'ی' }, line: 1, column: 1, endLine: 1, endColumn: 2 }] });
    const n = 400;
    for (let i = 0; i < n; i++) store.add(big(i));
    // A fixed shuffle (a multiplier prime to n), then in order, then backwards: each result exact.
    for (let k = 0; k < n; k++) expect(store.get((k * 173) % n)).toStrictEqual(big((k * 173) % n));
    for (let i = 0; i < n; i++) expect(store.get(i)).toStrictEqual(big(i));
    for (let i = n - 1; i >= 0; i--) expect(store.get(i)).toStrictEqual(big(i));
    expect(store.get(n)).toBeUndefined();
    store.close();
    // Empty after close, and usable again from the start.
    expect(store.length).toBe(0);
    for (let i = 0; i < 70; i++) store.add(big(i + 1000));
    expect(store.get(69)).toStrictEqual(big(1069));
    expect(store.get(0)).toStrictEqual(big(1000));
    store.close();
    // Closed with results not yet written out: none of them reach the next file.
    store.add(big(2001));
    store.add(big(2002));
    store.close();
    store.add(big(3001));
    store.add(big(3002));
    expect([store.get(0), store.get(1), store.get(2)]).toStrictEqual([big(3001), big(3002), undefined]);
    store.close();
  });

  it('removes its file when the process exits without close (an error thrown past the caller)', () => {
    const dir = tmpRoot();
    const script = `import { ResultStore } from ${JSON.stringify(`${ROOT}dist/engine/result-store.js`)};
const store = new ResultStore({ inMemory: 1 });
for (let i = 0; i < 3; i++) store.add({ path: 'a' + i, findings: [] });
console.log(store.file);
throw new Error('boom');`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, TMPDIR: dir }, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('boom');
    expect(r.stdout.trim().startsWith(dir)).toBe(true);
    expect(existsSync(r.stdout.trim())).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('a totals-first report past the in-memory limit', () => {
  it('sarif of 2,100 documents with --jobs 2: every result reported, no temporary file left', () => {
    const dir = tmpRoot();
    const temp = join(dir, 'tmp');
    mkdirSync(temp);
    mkdirSync(join(dir, 'a'));
    const altered = reference().replace('ماده ۷۴', 'ماده ۷۵');
    for (let i = 0; i < 2100; i++) writeFileSync(join(dir, 'a', `${String(i).padStart(5, '0')}.txt`), i % 7 === 0 ? altered : reference());
    const r = spawnSync(process.execPath, [`${ROOT}bin/manba.js`, 'check', 'a', '--format', 'sarif', '--output', 'out.sarif', '--jobs', '2', '--no-progress'], { cwd: dir, env: { ...process.env, TMPDIR: temp }, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const sarif = JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8')) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }[] }[] };
    const results = sarif.runs[0]!.results;
    // Every seventh article is altered, each with one finding at the article number.
    const at = positionOf(altered, '۷۵');
    expect(at).toEqual({ line: 24, column: 19 });
    expect(results.length).toBe(300);
    expect(new Set(results.map((x) => x.ruleId))).toEqual(new Set(['notice/altered']));
    expect(results.map((x) => x.locations[0]!.physicalLocation.artifactLocation.uri)).toEqual(Array.from({ length: 300 }, (_, k) => `a/${String(k * 7).padStart(5, '0')}.txt`));
    expect(results.every((x) => x.locations[0]!.physicalLocation.region.startLine === at.line && x.locations[0]!.physicalLocation.region.startColumn === at.column)).toBe(true);
    expect(readdirSync(temp)).toEqual([]);
  }, 60_000);
});
