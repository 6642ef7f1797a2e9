import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeReports, type ReportDocument } from '../src/engine/merge.js';
import { readJsonReport, ReportSyntaxError, type ReportPiece } from '../src/report/read-json-report.js';
import { cli, reference } from './helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'manba-merge-test-'));
const write = (dir: string, name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const pieces = (file: string, chunkSize?: number): ReportPiece[] => [...readJsonReport(file, chunkSize)];

/** A report's documents, with strings that hold everything the reader must step over: quotes, escapes, brackets. */
const REPORT = {
  tool: { name: 'manba', version: '0.1.0' },
  documents: [
    { path: 'a/1.txt', findings: [{ ruleId: 'notice/altered', message: 'said «ماده ۷۵», expected «ماده ۷۴» \\ "quoted" [,] {,}', line: 3, column: 1 }] },
    { path: 'a/2.txt', findings: [], facts: { attribution: { source: 'ایرنا', site: 'تيترآنلاين\\' } } },
    { path: 'a/3.txt#\u0000x', findings: [], sha256: null, n: [1.5e3, -2, true, false, null, [], {}] },
  ],
  summary: { documents: 3, errors: 1, warnings: 0 },
  run: { startedAt: '2026-12-03T10:00:00.000Z' },
};

describe('reading a JSON report piece by piece', () => {
  it('gives each document, then the members, as JSON.parse reads them, in any layout and across any chunk size', () => {
    const dir = tmp();
    const expected: ReportPiece[] = [
      { key: 'tool', value: REPORT.tool, line: 1 },
      ...REPORT.documents.map((d) => ({ document: d, line: 1 })),
      { key: 'documents', value: 3, line: 1 },
      { key: 'summary', value: REPORT.summary, line: 1 },
      { key: 'run', value: REPORT.run, line: 1 },
    ];
    const compact = write(dir, 'compact.json', JSON.stringify(REPORT));
    for (const size of [1, 2, 3, 7, 64, 1 << 20]) expect(pieces(compact, size)).toEqual(expected);
    // Indented as manba writes it, with a byte-order mark: the lines are those each piece starts on.
    const pretty = write(dir, 'pretty.json', `\uFEFF${JSON.stringify(REPORT, null, 2)}\r\n`);
    const lines = JSON.stringify(REPORT, null, 2).split('\n');
    const lineOf = (text: string) => lines.findIndex((l) => l.includes(text)) + 1;
    const indented = pieces(pretty, 5);
    expect(indented.map((p) => ('document' in p ? p.document : p.value))).toEqual(expected.map((p) => ('document' in p ? p.document : p.value)));
    expect(indented.map((p) => p.line)).toEqual([lineOf('"tool"'), lineOf('"path": "a/1.txt"') - 1, lineOf('"path": "a/2.txt"') - 1, lineOf('"path": "a/3.txt') - 1, lineOf('"summary"') - 1, lineOf('"summary"'), lineOf('"run"')]);
  });

  it('reads any JSON object, in any indentation and across any chunk size, as JSON.parse reads it (property)', () => {
    const dir = tmp();
    // Strings of every kind the scanner must step over: quotes, backslashes, brackets, commas, Persian, astral.
    const text = fc.string({ unit: fc.oneof(fc.constantFrom('"', '\\', '{', '}', '[', ']', ',', ':', ' ', '\n', 'ی', 'ك', '۷', '😀'), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' })) });
    const value = fc.letrec((tie) => ({
      any: fc.oneof({ depthSize: 'small' }, text, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.array(tie('any'), { maxLength: 4 }), fc.dictionary(text, tie('any'), { maxKeys: 4 })),
    })).any;
    fc.assert(
      fc.property(fc.dictionary(text.filter((k) => k !== 'documents'), value, { maxKeys: 4 }), fc.array(fc.dictionary(text, value, { maxKeys: 4 }), { maxLength: 5 }), fc.constantFrom(undefined, 0, 1, '\t', '  \r'), fc.integer({ min: 1, max: 40 }), (members, documents, indent, chunkSize) => {
        const report = { ...members, documents };
        const file = write(dir, 'p.json', JSON.stringify(report, null, indent as string | number | undefined));
        const got: Record<string, unknown> = {};
        const docs: unknown[] = [];
        for (const p of readJsonReport(file, chunkSize)) {
          if ('document' in p) docs.push(p.document);
          else got[p.key] = p.value;
        }
        expect(docs).toEqual(JSON.parse(JSON.stringify(documents)));
        expect(got).toEqual({ ...JSON.parse(JSON.stringify(members)), documents: documents.length });
      }),
      { numRuns: 300, seed: 1203 },
    );
  });

  it('an empty documents array, and members in another order', () => {
    const dir = tmp();
    const file = write(dir, 'r.json', '{"run":{"a":1},"documents":[ ],"tool":{"name":"manba"}}');
    expect(pieces(file)).toEqual([
      { key: 'run', value: { a: 1 }, line: 1 },
      { key: 'documents', value: 0, line: 1 },
      { key: 'tool', value: { name: 'manba' }, line: 1 },
    ]);
  });

  it('says where a report is not JSON', () => {
    const dir = tmp();
    const problem = (text: string) => {
      try {
        pieces(write(dir, 'bad.json', text), 4);
      } catch (err) {
        expect(err).toBeInstanceOf(ReportSyntaxError);
        return (err as Error).message;
      }
      return 'no error';
    };
    expect(problem('')).toBe('line 1: the file is empty');
    expect(problem('[1, 2]')).toBe('line 1: a report is one JSON object, starting with {');
    expect(problem('{\n  "documents": [\n    {"path": "a"},\n    {"path": "b"')).toBe('line 4: the report ends before its closing }');
    expect(problem('{\n  "documents": [\n    {"path": "a"},\n    {"path" "b"}\n  ]\n}')).toMatch(/^line 4: a document is not valid JSON \(/);
    expect(problem('{"documents": {"path": "a"}}')).toBe('line 1: "documents" is not an array');
    expect(problem('{"tool": {"name": "manba"}\n"documents": []}')).toBe('line 2: expected , or } after the value of "tool"');
    expect(problem('{"documents": []}\n{}')).toBe('line 2: unexpected text after the report');
    expect(problem('{"documents": [{"path": "a"} {"path": "b"}]}')).toBe('line 1: expected , or ] after a document');
  });
});

/** A document of a JSON report, with one finding when `errors`. */
const doc = (path: string, errors = 0): ReportDocument => ({
  path,
  findings: Array.from({ length: errors }, () => ({ ruleId: 'notice/missing', severity: 'error' as const, message: 'm', line: 1, column: 1, endLine: 1, endColumn: 1 })),
});
const reportOf = (dir: string, name: string, documents: ReportDocument[], run: { ruleSet?: string; day?: number; interrupted?: boolean; shard?: string } = {}) => {
  const day = run.day ?? 1;
  const evidence = { startedAt: `2026-12-0${day}T10:00:00Z`, finishedAt: `2026-12-0${day}T11:00:00Z`, ruleSetSha256: run.ruleSet ?? 'r1', settings: { lang: 'en', ...(run.shard ? { shard: run.shard } : {}), interrupted: run.interrupted ?? false } };
  return write(dir, name, JSON.stringify({ tool: { name: 'manba', version: '0.1.0' }, documents, summary: {}, run: evidence }, null, 2));
};

describe('merging reports', () => {
  /** What the merge promises, written out plainly: all documents one report after another, the first of each path kept, stably sorted by file. */
  // The rule, written out: each file's documents from the first report that has the file, all of them; then a
  // stable sort by file.
  const expectedOrder = (reports: ReportDocument[][]) => {
    const file = (d: ReportDocument) => d.path.split('#')[0]!;
    const owner = new Map<string, number>();
    reports.forEach((docs, k) => docs.forEach((d) => owner.has(file(d)) || owner.set(file(d), k)));
    const kept = reports.flatMap((docs, k) => docs.filter((d) => owner.get(file(d)) === k));
    return kept.sort((a, b) => (file(a) < file(b) ? -1 : file(a) > file(b) ? 1 : 0)).map((d) => `${d.path}:${d.findings.length}`);
  };
  const merged = (files: string[], options: Parameters<typeof mergeReports>[1] = {}) => {
    const warnings: string[] = [];
    const m = mergeReports(
      files.map((file) => ({ file, name: file.split('/').at(-1)! })),
      { ...options, onWarning: (w) => warnings.push(w) },
    );
    try {
      const results = [...m.documents()];
      return { documents: results.map((d) => `${d.path}:${d.findings.length}`), run: m.run, warnings, results };
    } finally {
      m.close();
    }
  };
  const temporaries = () => readdirSync(tmpdir()).filter((n) => n.startsWith('manba-merge-') && !n.startsWith('manba-merge-test-'));

  it('shards in path order merge into path order, each file\'s documents in the file\'s order', () => {
    const dir = tmp();
    const one = [doc('a/b.jsonl#1'), doc('a/b.jsonl#2', 1), doc('a/d.txt')];
    const two = [doc('a/a.txt', 2), doc('a/c.txt'), doc('a/e.txt', 1)];
    const m = merged([reportOf(dir, 'one.json', one, { day: 2, shard: '2/2' }), reportOf(dir, 'two.json', two, { day: 1, shard: '1/2' })]);
    expect(m.documents).toEqual(['a/a.txt:2', 'a/b.jsonl#1:0', 'a/b.jsonl#2:1', 'a/c.txt:0', 'a/d.txt:0', 'a/e.txt:1']);
    expect(m.warnings).toEqual([]);
    // The run: earliest start, latest end, no shard of its own, the number of reports merged.
    expect(m.run).toEqual({ startedAt: '2026-12-01T10:00:00Z', finishedAt: '2026-12-02T11:00:00Z', ruleSetSha256: 'r1', settings: { lang: 'en', merged: 2, interrupted: false } });
    // A JSON report's one message, in both languages.
    expect(m.results[0]!.findings[0]!.messages).toEqual({ fa: 'm', en: 'm' });
    // A shard stopped short (Ctrl-C) makes the merge incomplete: said, and marked in the merged run.
    const short = merged([reportOf(dir, 'one.json', one, { shard: '2/2' }), reportOf(dir, 'short.json', two, { interrupted: true, shard: '1/2' })]);
    expect(short.warnings).toEqual(['short.json: its run was interrupted; the documents it did not reach are not in the merged report']);
    expect(short.run?.settings.interrupted).toBe(true);
    // So does a shard left out, or shards of two partitions.
    const third = (i: number, n = 3) => reportOf(dir, `s${i}-${n}.json`, [doc(`x${i}-${n}.txt`)], { shard: `${i}/${n}` });
    expect(merged([third(1), third(3)]).warnings).toEqual(['shard 2/3 is not among the reports: the merged report covers 2 of 3 shards']);
    expect(merged([third(1, 5), third(4, 5)]).warnings).toEqual(['shards 2/5, 3/5, 5/5 are not among the reports: the merged report covers 2 of 5 shards']);
    expect(merged([third(1), third(2), third(3), third(1, 2)]).warnings).toEqual(['the reports are shards of 2 different partitions (…/3, …/2); the merged report is not one audit']);
    expect(merged([third(1), third(2), third(3)]).warnings).toEqual([]);
  });

  it('reports out of order, duplicates and many sources: the stable sort by file of all the reports, each file from the first report that has it', () => {
    const dir = tmp();
    // Listed as `manba check z a` lists them: a report out of path order, which is sorted a chunk at a time.
    const names = ['z/1.txt', 'z/2.txt', 'a/9.txt', 'a/1.txt', 'm/x.json#2', 'm/x.json#1', 'b/1.txt', 'a/5.txt'];
    const unordered = names.map((p, k) => doc(p, k % 3));
    const shards = [
      [doc('a/0.txt'), doc('a/1.txt', 2), doc('c/1.txt')],
      [doc('m/x.json#1', 2), doc('m/x.json#3'), doc('y/1.txt', 1)],
      [doc('b/0.txt', 1), doc('z/1.txt')],
    ];
    const files = [reportOf(dir, 'u.json', unordered), ...shards.map((s, k) => reportOf(dir, `s${k}.json`, s, { ruleSet: k === 2 ? 'r2' : 'r1' }))];
    const expected = expectedOrder([unordered, ...shards]);
    const before = temporaries();
    for (const options of [{}, { chunkSize: 3 }, { chunkSize: 1, maxOpen: 2 }, { chunkSize: 2, maxOpen: 3 }]) {
      const m = merged(files, options);
      expect(m.documents).toEqual(expected);
      expect(m.warnings).toEqual([
        'the reports were made with 2 different rule sets; the merged report mixes them',
        's0.json: 1 file also in u.json, named before it, taken from there (a/1.txt)',
        's1.json: 1 file also in u.json, named before it, taken from there (m/x.json)',
        's2.json: 1 file also in u.json, named before it, taken from there (z/1.txt)',
      ]);
    }
    // Each file from the first report that has it: a/1.txt from the report out of order (no finding), not the
    // shard's (two); m/x.json's two articles from it too, and not the shard's third.
    expect(expected).toContain('a/1.txt:0');
    expect(expected.filter((d) => d.startsWith('m/x.json'))).toEqual(['m/x.json#2:1', 'm/x.json#1:2']);
    // Two articles with one id in one export are two documents, as manba check reported them: both kept.
    const twice = merged([reportOf(dir, 'ids.json', [doc('e.jsonl#42'), doc('e.jsonl#42', 1), doc('e.jsonl#43')])]);
    expect([twice.documents, twice.warnings]).toEqual([['e.jsonl#42:0', 'e.jsonl#42:1', 'e.jsonl#43:0'], []]);
    expect(temporaries()).toEqual(before);
  });

  it('a report that is not a manba JSON report is named, before anything is merged', () => {
    const dir = tmp();
    const good = reportOf(dir, 'good.json', [doc('a.txt')]);
    const problem = (file: string) => {
      try {
        mergeReports([{ file: good, name: 'good.json' }, { file, name: 'bad.json' }]);
      } catch (err) {
        return (err as Error).message;
      }
      return 'no error';
    };
    expect(problem(write(dir, 'x.json', '{"tool": {"name": "other"}, "documents": []}'))).toBe('bad.json: not a manba JSON report (manba check --format json)');
    expect(problem(write(dir, 'y.json', '{"tool": {"name": "manba"}}'))).toBe('bad.json: not a manba JSON report (manba check --format json)');
    expect(problem(write(dir, 'z.json', '{"tool": {"name": "manba"},\n"documents": [{"findings": []}]}'))).toBe('bad.json:2: a document without a path; not a manba JSON report (manba check --format json)');
    expect(problem(write(dir, 'w.json', '{"tool": {"name": "manba"},\n"documents": [\n{"path": "a", }]}'))).toMatch(/^bad\.json: not a readable JSON report \(line 3: a document is not valid JSON \(/);
    expect(problem(join(dir, 'missing.json'))).toMatch(/^bad\.json: not a readable JSON report \(ENOENT: no such file or directory/);
  });
});

describe('manba merge', () => {
  it('writes the one-machine report document for document, in every format, and refuses a bad --fail-on', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'a'));
    for (let i = 0; i < 30; i++) writeFileSync(join(dir, 'a', `${String(i).padStart(3, '0')}.txt`), i % 4 === 0 ? reference().replace('ماده ۷۴', 'ماده ۷۵') : reference());
    const whole = await cli(['check', 'a', '--format', 'json'], { cwd: dir });
    for (let i = 1; i <= 3; i++) await cli(['check', 'a', '--shard', `${i}/3`, '--format', `json:s${i}.json`], { cwd: dir });
    const m = await cli(['merge', 's3.json', 's1.json', 's2.json', '--format', 'json', '--format', 'stylish:merged.txt', '--progress'], { cwd: dir });
    expect(m.code).toBe(1);
    // The progress line, last drawn when the 30th document is merged; 8 of them have errors.
    expect(m.stderr).toMatch(/\r█{24} 30\/30 documents {2}\d+\/s {2}[\d.]+s {2}ETA 0\.0s {2}8 with errors\u001b\[K\n$/);
    const [got, want] = [JSON.parse(m.stdout), JSON.parse(whole.stdout)];
    expect(got.documents).toEqual(want.documents);
    expect(got.summary).toEqual({ documents: 30, errors: 8, warnings: 0 });
    expect(got.summary).toEqual(want.summary);
    expect(readFileSync(join(dir, 'merged.txt'), 'utf8')).toContain('\n✖ 8 problems (8 errors, 0 warnings) — 30 documents checked, 22 passed\n');
    expect(m.stderr).not.toContain('warning');
    // A report named twice is read once.
    const s1 = JSON.parse(readFileSync(join(dir, 's1.json'), 'utf8')).documents as { path: string }[];
    const again = await cli(['merge', 's1.json', './s1.json', '--format', 'json'], { cwd: dir });
    expect(again.stderr).toBe('manba: warning: ./s1.json is named twice (as s1.json before); it is read once\nmanba: warning: shards 2/3, 3/3 are not among the reports: the merged report covers 1 of 3 shards\n');
    expect(JSON.parse(again.stdout).documents).toEqual(JSON.parse(readFileSync(join(dir, 's1.json'), 'utf8')).documents);
    // A copy of it overlaps it file for file: said once, after the progress line is cleared (the two never share
    // a line).
    writeFileSync(join(dir, 'copy.json'), readFileSync(join(dir, 's1.json')));
    const copy = await cli(['merge', 's1.json', 'copy.json', '--format', 'json:copy-merged.json', '--progress'], { cwd: dir });
    const firstThree = s1.slice(0, 3).map((d) => d.path).join(', ');
    expect(copy.stderr).toContain(`\r\u001b[Kmanba: warning: copy.json: ${s1.length} files also in s1.json, named before it, taken from there (${firstThree}, …)\n`);
    expect(JSON.parse(readFileSync(join(dir, 'copy-merged.json'), 'utf8')).documents).toEqual(JSON.parse(readFileSync(join(dir, 's1.json'), 'utf8')).documents);
    const two = await cli(['merge', 's1.json', 's3.json', '--format', 'json:two.json'], { cwd: dir });
    expect([two.code, two.stderr]).toEqual([1, 'manba: warning: shard 2/3 is not among the reports: the merged report covers 2 of 3 shards\n']);
    const bad = await cli(['merge', 's1.json', '--fail-on', 'info'], { cwd: dir });
    expect([bad.code, bad.stderr]).toEqual([2, 'manba: --fail-on takes error or warning, not "info"\n']);
  });
});
