import { builtinEngine, REFERENCE_PATH } from './helpers.js';
import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Document, ReadResult } from '../src/documents/model.js';
import { readBytes, readLines } from '../src/documents/read.js';
import { readerForPath } from '../src/documents/readers/index.js';
import { jsonlReader, jsonReader } from '../src/documents/readers/json.js';
import type { ReaderOptions } from '../src/documents/readers/types.js';
import type { Engine } from '../src/engine/engine.js';
import { checkInputs } from '../src/engine/run.js';

const REF = readFileSync(REFERENCE_PATH, 'utf8');
/** Line and column (1-based) of the first `needle` in `text`, computed independently of manba. */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const i = text.indexOf(needle);
  if (i === -1) throw new Error(`not in text: ${needle}`);
  const before = text.slice(0, i);
  return { line: before.split('\n').length, column: i - (before.lastIndexOf('\n') + 1) + 1 };
}
const TITLE = REF.slice(0, REF.indexOf('\n'));
const BODY = REF.slice(REF.indexOf('\n\n') + 2);
/** The reference with «ماده ۷۵» for «ماده ۷۴»: notice/altered at the «۷۵». */
const ALTERED = BODY.replace('ماده ۷۴', 'ماده ۷۵');

let engine: Engine;
beforeAll(async () => {
  engine = await builtinEngine();
});

const docs = (results: ReadResult[]): Document[] => results.map((r) => (r.ok ? r.document : expect.unreachable(`not read: ${r.problem.message}`)));
const findings = (doc: Document) => engine.check(doc).findings.map((f) => `${f.ruleId} ${f.line}:${f.column}`);
const at = (ruleId: string, p: { line: number; column: number }) => `${ruleId} ${p.line}:${p.column}`;
const problems = (results: ReadResult[]) => results.map((r) => (r.ok ? `ok ${r.document.path}` : `${r.problem.path} ${r.problem.ruleId} ${r.problem.line}:${r.problem.column}`));
/** JSON as Python's json.dumps writes it by default: every non-ASCII character a \uXXXX escape. */
const asciiJson = (value: unknown, indent?: number) => JSON.stringify(value, null, indent).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

describe('JSON reader', () => {
  it('registers .json, .jsonl and .ndjson', () => {
    expect(readerForPath('a/b.JSON')).toBe(jsonReader);
    expect(readerForPath('a.jsonl')).toBe(jsonlReader);
    expect(readerForPath('a.ndjson')).toBe(jsonlReader);
    expect(jsonlReader.readLine).toBeTypeOf('function');
  });

  it('a CMS export array: one document per object, title ⏎⏎ body, metadata from the fields, path#id', () => {
    const source = JSON.stringify(
      [
        { id: 'a-1', title: TITLE, body: BODY, source: 'ایرنا', url: 'https://titronline.ir/1', published: '2020-07-08', site: 'تیترآنلاین' },
        { title: TITLE, content: ALTERED },
      ],
      null,
      2,
    );
    const [pass, fail] = docs(jsonReader.read('x.json', source, {}));
    expect(pass!.path).toBe('x.json#a-1');
    expect(pass!.format).toBe('json');
    expect(pass!.text).toBe(REF); // the text of the reference file, decoded from its escapes
    expect(pass!.metadata).toEqual({ source: 'ایرنا', url: 'https://titronline.ir/1', published: '2020-07-08', site: 'تیترآنلاین', title: TITLE });
    expect(pass!.blocks[0]).toMatchObject({ kind: 'title', start: 0, end: TITLE.length });
    expect(findings(pass!)).toEqual([]);
    expect(fail!.path).toBe('x.json#1'); // no id: the 0-based index
    expect(findings(fail!)).toEqual([at('notice/altered', positionOf(source, '۷۵ قانون'))]);
  });

  it('escapes are decoded and positions map to their bytes: a \\n and a \\u200c before the change, a surrogate pair in the title', () => {
    const body = ALTERED.replace('توافق نامه', 'توافق\u200cنامه');
    // JSON.stringify writes \n and \" as escapes but a ZWNJ raw: write the ZWNJ as \u200c, as many CMSs do.
    const source = `{\n  "title": "\\ud83d\\udcf0 ${TITLE}",\n  "body": ${JSON.stringify(body).replace('\u200c', '\\u200c')}\n}\n`;
    expect(source).toContain('توافق\\u200cنامه');
    expect(source.indexOf('\\u200c')).toBeLessThan(source.indexOf('۷۵'));
    expect(source.indexOf('\\n')).toBeLessThan(source.indexOf('۷۵'));
    const [doc] = docs(jsonReader.read('one.json', source, {}));
    expect(doc!.path).toBe('one.json'); // a single article without an id
    expect(doc!.text).toBe(`\u{1F4F0} ${TITLE}\n\n${body}`);
    expect(findings(doc!)).toEqual([at('notice/altered', positionOf(source, '۷۵ قانون'))]);
    // Each escape maps to its own bytes: the ZWNJ to «\u200c», the line break before «منبع خبر» to its «\n».
    const zwnj = doc!.locate(doc!.text.indexOf('\u200c'));
    expect(zwnj).toEqual(positionOf(source, '\\u200c'));
    const nl = doc!.locate(doc!.text.indexOf('\nمنبع خبر'));
    expect(nl).toEqual(positionOf(source, '\\nمنبع خبر'));
    const quoted = doc!.locate(doc!.text.indexOf('ایرنا" است'));
    expect(quoted).toEqual(positionOf(source, 'ایرنا\\" است'));
    expect(doc!.locate(3)).toEqual(positionOf(source, TITLE)); // after the two-unit surrogate pair and the space
  });

  it('a file with every non-ASCII character escaped (Python json.dumps) points at the escape of the changed character', () => {
    const source = asciiJson([{ id: 7, title: TITLE, body: ALTERED }], 2);
    expect(source).not.toMatch(/[^\x00-\x7f]/);
    const [doc] = docs(jsonReader.read('ascii.json', source, {}));
    expect(doc!.path).toBe('ascii.json#7');
    expect(doc!.text).toBe(`${TITLE}\n\n${ALTERED}`);
    // ۷ is \u06f7, ۵ is \u06f5: the finding starts at «\u06f7\u06f5 …».
    expect(findings(doc!)).toEqual([at('notice/altered', positionOf(source, '\\u06f7\\u06f5 \\u0642'))]);
  });

  it('custom field mapping through options: names, dotted paths, lists to try', () => {
    const options: ReaderOptions = { json: { fields: { title: 'headline_fa', body: ['missing', 'payload.text'], id: 'meta.uid', source: 'credit', url: ['links.canonical'], published: 'meta.time' } } };
    const source = JSON.stringify({ meta: { uid: 42, time: 1594215000 }, headline_fa: TITLE, credit: 'ایرنا', links: { canonical: 'https://titronline.ir/42' }, payload: { text: ALTERED }, title: 'not this one' }, null, 2);
    const [doc] = docs(jsonReader.read('custom.json', source, options));
    expect(doc!.path).toBe('custom.json#42');
    expect(doc!.text.startsWith(`${TITLE}\n\n`)).toBe(true);
    expect(doc!.metadata).toEqual({ source: 'ایرنا', url: 'https://titronline.ir/42', published: '1594215000', title: TITLE });
    expect(findings(doc!)).toEqual([at('notice/altered', positionOf(source, '۷۵ قانون'))]);
    // With the default names, the same object has no body.
    expect(problems(jsonReader.read('custom.json', source, {}))).toEqual(['custom.json input/no-body 1:1']);
  });

  it('a top-level object: the first array of objects by default, the configured field otherwise', () => {
    const articles = [
      { guid: 'g1', headline: TITLE, content: BODY },
      { guid: 'g2', headline: TITLE, content: ALTERED },
    ];
    const source = JSON.stringify({ generator: 'cms', description: 'an export', authors: [{ name: 'x', role: 'editor' }], items: articles }, null, 2);
    // By default: the first array whose objects have a body (not the authors; not the export's own description).
    expect(docs(jsonReader.read('o.json', source, {})).map((d) => d.path)).toEqual(['o.json#g1', 'o.json#g2']);
    const read = docs(jsonReader.read('o.json', source, { json: { array: 'items' } }));
    expect(read.map((d) => d.path)).toEqual(['o.json#g1', 'o.json#g2']);
    expect(findings(read[0]!)).toEqual([]);
    expect(findings(read[1]!)).toEqual([at('notice/altered', positionOf(source, '۷۵ قانون'))]);

    // When no array has a body field, the first array of objects is taken, and its items say what they lack.
    const noBodies = JSON.stringify({ authors: [{ name: 'x', role: 'editor' }], posts: [{ story: BODY }] }, null, 2);
    const byDefault = jsonReader.read('n.json', noBodies, {});
    expect(byDefault).toHaveLength(1);
    expect(byDefault[0]!.ok ? null : byDefault[0]!.problem).toMatchObject({ path: 'n.json#0', ruleId: 'input/no-body', ...positionOf(noBodies, '{\n      "name"') });
    const message = byDefault[0]!.ok ? '' : byDefault[0]!.problem.message;
    for (const f of ['body', 'content', 'text', 'article', 'content_html', 'html', 'description']) expect(message).toContain(`«${f}»`);
    expect(message).toContain('its fields are «name», «role»'.replace('its', 'Its'));
    // The story field named in the config, with the array.
    const posts = docs(jsonReader.read('n.json', noBodies, { json: { array: 'posts', fields: { body: 'story' } } }));
    expect(posts.map((d) => d.path)).toEqual(['n.json#0']);
    expect(findings(posts[0]!)).toEqual([]);

    // Without the authors, the default finds the items; an article object holding arrays (tags) stays one article.
    const plain = JSON.stringify({ generator: 'cms', items: articles });
    expect(docs(jsonReader.read('p.json', plain, {})).map((d) => d.path)).toEqual(['p.json#g1', 'p.json#g2']);
    const single = JSON.stringify({ id: 's', title: TITLE, body: BODY, tags: [{ name: 'سوریه' }] });
    expect(docs(jsonReader.read('s.json', single, {})).map((d) => d.path)).toEqual(['s.json#s']);
    expect(problems(jsonReader.read('q.json', source, { json: { array: 'posts' } }))).toEqual(['q.json input/no-articles 1:1']);
  });

  it('invalid JSON: one input/malformed problem at the first error', () => {
    const good = JSON.stringify([{ id: 1, title: TITLE, body: BODY }], null, 2);
    const trailing = good.replace(/"\n  }\n]$/, '",\n  }\n]');
    expect(trailing).not.toBe(good);
    const r1 = jsonReader.read('t.json', trailing, {});
    expect(problems(r1)).toEqual([`t.json input/malformed ${positionOf(trailing, ',\n  }\n]').line}:${positionOf(trailing, ',\n  }\n]').column}`]);
    expect(r1[0]!.ok ? '' : r1[0]!.problem.message).toMatch(/^t\.json is not valid JSON \(line \d+, column \d+\): a comma after the last item/);

    const missingComma = good.replace('"id": 1,', '"id": 1');
    const p2 = positionOf(missingComma, '"title"');
    expect(problems(jsonReader.read('c.json', missingComma, {}))).toEqual([`c.json input/malformed ${p2.line}:${p2.column}`]);

    const comment = `// export\n${good}`;
    expect(problems(jsonReader.read('k.json', comment, {}))).toEqual(['k.json input/malformed 1:1']);

    const badEscape = good.replace('ایرنا\\"', 'ایرنا\\q');
    const p4 = positionOf(badEscape, '\\q');
    const r4 = jsonReader.read('e.json', badEscape, {});
    expect(problems(r4)).toEqual([`e.json input/malformed ${p4.line}:${p4.column}`]);
    expect(r4[0]!.ok ? '' : r4[0]!.problem.message).toContain('unknown escape');

    const truncated = good.slice(0, good.indexOf('منبع خبر'));
    expect(problems(jsonReader.read('u.json', truncated, {}))).toEqual([`u.json input/malformed ${positionOf(truncated, '"body"').line}:${positionOf(truncated, '"body"').column + 8}`]);
  });

  it('an invalid file is one finding and the other files go on', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'manba-json-'));
    try {
      const bad = '[\n  {"title": "x", "body": "y"},,\n]\n';
      const second = positionOf(bad, ',,');
      await writeFile(join(dir, 'a-bad.json'), bad);
      await writeFile(join(dir, 'b-good.json'), JSON.stringify([{ id: 'ok', title: TITLE, body: BODY }]));
      const { results } = await checkInputs(engine, ['.'], { cwd: dir });
      expect(results.map((r) => `${r.path} ${r.findings.map((f) => `${f.ruleId} ${f.line}:${f.column}`).join(', ')}`)).toEqual([`a-bad.json input/malformed ${second.line}:${second.column + 1}`, 'b-good.json#ok ']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an HTML body is read as HTML; positions compose HTML text → decoded string → file', () => {
    const html = (body: string) => body.split('\n').filter((l) => l.trim()).map((l) => `<p>${l.replace(/"/g, '&quot;')}</p>`).join('\n');
    const source = JSON.stringify(
      [
        { id: 'h1', title: TITLE, content_html: html(BODY) },
        { id: 'h2', title: TITLE, content_html: html(BODY).replace('ماده ۷۴', '<strong>ماده ۷۵</strong>') },
      ],
      null,
      2,
    );
    const [pass, fail] = docs(jsonReader.read('h.json', source, {}));
    expect(pass!.text).not.toMatch(/<|&quot;/);
    expect(pass!.text).toContain('منبع خبر "ایرنا" است');
    expect(pass!.blocks.map((b) => b.kind)[0]).toBe('title');
    expect(pass!.blocks.map((b) => b.kind)[1]).toBe('byline');
    expect(findings(pass!)).toEqual([]);
    expect(findings(fail!)).toEqual([at('notice/altered', positionOf(source, '۷۵</strong>'))]);
    // A character reference maps to the whole reference in the file.
    expect(pass!.locate(pass!.text.indexOf('"ایرنا"'))).toEqual(positionOf(source, '&quot;ایرنا'));
  });

  it('an HTML body escaped as PHP json_encode writes it (\\/ and \\uXXXX) still points at the changed character', () => {
    const php = (v: unknown) => asciiJson(v).replace(/\//g, '\\/');
    const body = BODY.split('\n').filter((l) => l.trim()).map((l) => `<p>${l}</p>`).join('').replace('ماده ۷۴', 'ماده ۷۵');
    const source = php({ id: 'php', title: TITLE, body });
    expect(source).toContain('<\\/p>');
    const [doc] = docs(jsonReader.read('php.json', source, {}));
    expect(doc!.text).not.toContain('<');
    expect(findings(doc!)).toEqual([at('notice/altered', positionOf(source, '\\u06f7\\u06f5 '))]);
  });

  it('suppression directives in a body are not article text', () => {
    const source = JSON.stringify({ title: TITLE, body: `${BODY}\n# manba-disable notice -- quoted from the agency as is` });
    const [doc] = docs(jsonReader.read('d.json', source, {}));
    expect(doc!.directives).toHaveLength(1);
    expect(doc!.directives![0]).toMatchObject({ kind: 'disable', ids: ['notice'], line: 1 });
    expect(doc!.text).not.toContain('manba-disable');
  });

  it('objects without a body, an empty body, an empty array', () => {
    const source = JSON.stringify([{ id: 'n', title: 'x', summary: 'y' }, { id: 'e', body: '  ' }, 'text'], null, 1);
    expect(problems(jsonReader.read('b.json', source, {}))).toEqual([
      `b.json#n input/no-body ${positionOf(source, '{').line}:${positionOf(source, '{').column}`,
      `b.json#e input/empty ${positionOf(source, '"  "').line}:${positionOf(source, '"  "').column}`,
      `b.json#2 input/no-articles ${positionOf(source, '"text"').line}:${positionOf(source, '"text"').column}`,
    ]);
    expect(problems(jsonReader.read('z.json', '[]', {}))).toEqual(['z.json input/empty 1:1']);
    expect(problems(jsonReader.read('s.json', '"just a string"', {}))).toEqual(['s.json input/no-articles 1:1']);
  });
});

describe('JSONL reader', () => {
  const line1 = JSON.stringify({ id: 'l1', title: TITLE, text: BODY, publisher: 'ایرنا' });
  const line2 = asciiJson({ title: TITLE, body: ALTERED });
  const line3 = '{"id": "l3", "title": "x", "body": "y"'; // cut short
  const file = `${line1}\n\n${line2}\r\n${line3}\n`;

  it('reads standard input whole: a bad line is a problem for that line only', () => {
    const results = jsonlReader.read('in.jsonl', file, {});
    expect(problems(results)).toEqual(['ok in.jsonl#l1', 'ok in.jsonl#3', `in.jsonl#4 input/malformed 4:${line3.length + 1}`]);
    const [d1, d2] = docs(results.slice(0, 2));
    expect(d1!.format).toBe('jsonl');
    expect(d1!.metadata.source).toBe('ایرنا');
    expect(findings(d1!)).toEqual([]);
    // Line 3 is escaped ASCII: the finding is at the escape of «۷» (line numbers count the blank line).
    expect(findings(d2!)).toEqual([at('notice/altered', positionOf(file, '\\u06f7\\u06f5 '))]);
    expect(results[2]!.ok ? '' : results[2]!.problem.message).toContain('line 4 is not valid JSON');
  });

  it('streams a file line by line through readLines, with the same results', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'manba-jsonl-'));
    try {
      const path = join(dir, 'a.jsonl');
      await writeFile(path, file);
      const results: ReadResult[] = [];
      for await (const r of readLines(path, jsonlReader)) results.push(r);
      expect(problems(results)).toEqual([`ok ${path}#l1`, `ok ${path}#3`, `${path}#4 input/malformed 4:${line3.length + 1}`]);
      expect(findings(docs(results.slice(1, 2))[0]!)).toEqual([at('notice/altered', positionOf(file, '\\u06f7\\u06f5 '))]);
      // The run streams it too, and reports it under the path given.
      const { results: run } = await checkInputs(engine, ['a.jsonl'], { cwd: dir });
      expect(run.map((r) => `${r.path} ${r.findings.map((f) => `${f.ruleId} ${f.line}:${f.column}`).join(', ')}`)).toEqual([
        'a.jsonl#l1 ',
        `a.jsonl#3 ${at('notice/altered', positionOf(file, '\\u06f7\\u06f5 '))}`,
        `a.jsonl#4 input/malformed 4:${line3.length + 1}`,
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a line that is not an object is a problem for that line', () => {
    expect(problems(jsonlReader.read('x.jsonl', '[1, 2]\n{"body": "متن"}\n', {}))).toEqual(['x.jsonl#1 input/no-articles 1:1', 'ok x.jsonl#2']);
    expect(problems(readBytes('y.ndjson', new TextEncoder().encode('{"body": "متن"}\n')))).toEqual(['ok y.ndjson#1']);
  });

  describe('a 100,000-line file', () => {
    const LINES = 100_000;
    let dir: string;
    let path: string;
    let last: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'manba-jsonl-big-'));
      path = join(dir, 'big.jsonl');
      const out = createWriteStream(path);
      const filler = BODY.slice(0, 600).replace(/\n/g, ' ');
      for (let i = 1; i < LINES; i++) {
        if (!out.write(`${JSON.stringify({ id: i, title: `خبر ${i}`, body: `${filler} ${i}` })}\n`)) await once(out, 'drain');
      }
      last = JSON.stringify({ id: LINES, title: TITLE, body: ALTERED });
      out.end(`${last}\n`);
      await once(out, 'finish');
    }, 60_000);
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('streams through readLines with memory flat', async () => {
      const start = process.memoryUsage().heapUsed;
      let peak = 0;
      let count = 0;
      let lastDoc: Document | undefined;
      for await (const r of readLines(path, jsonlReader)) {
        if (!r.ok) throw new Error(r.problem.message);
        count++;
        if (count % 5000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - start);
        if (count === LINES) lastDoc = r.document;
      }
      peak = Math.max(peak, process.memoryUsage().heapUsed - start);
      expect(count).toBe(LINES);
      expect(peak).toBeLessThan(150 * 1024 * 1024);
      expect(lastDoc!.path).toBe(`${path}#${LINES}`);
      expect(findings(lastDoc!)).toEqual([`notice/altered ${LINES}:${last.indexOf('۷۵ قانون') + 1}`]);
    }, 120_000);
  });
});
