/** Hostile input that is answered right already: kept right. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarize, type DocumentResult } from '../src/engine/finding.js';
import { reporterNamed } from '../src/report/index.js';
import { cli, ROOT } from './helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'manba-hostile-'));
const SECRET = 'TOP-SECRET-7d1e';

function feedWithDtd(dtd: string, reference: string): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<!DOCTYPE rss [\n${dtd}\n]>`,
    '<rss version="2.0"><channel><title>t</title>',
    `<item><guid>1</guid><title>x</title><description>متن ${reference} خبر</description></item>`,
    '</channel></rss>',
    '',
  ].join('\n');
}

describe('a feed with a DTD', () => {
  it('an external entity is input/malformed at the reference, and the file it names is never read', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'secret.txt'), SECRET);
    const feed = feedWithDtd(`<!ENTITY xxe SYSTEM "file://${join(dir, 'secret.txt')}">`, '&xxe;');
    writeFileSync(join(dir, 'feed.rss'), feed);
    const r = await cli(['check', 'feed.rss', '--format', 'json'], { cwd: dir });
    const line = feed.split('\n').findIndex((l) => l.includes('&xxe;')) + 1;
    const column = feed.split('\n')[line - 1]!.indexOf('&xxe;') + 1;
    expect(JSON.parse(r.stdout).documents.map((d: DocumentResult) => ({ path: d.path, findings: d.findings.map((f) => [f.ruleId, f.line, f.column, f.message]) }))).toEqual([
      {
        path: 'feed.rss',
        findings: [[
          'input/malformed', line, column,
          `feed.rss is not well-formed XML: the entity «&xxe;» is not one of XML's own (&lt; &gt; &amp; &quot; &apos;); entities declared in a DTD are never expanded or read; write the text itself (line ${line}, column ${column})`,
        ]],
      },
    ]);
    expect(r.stdout).not.toContain(SECRET);
    expect(r.code).toBe(1);
  });

  it('nested entities (a «billion laughs» DTD) are input/malformed, never expanded', async () => {
    const dir = tmp();
    const levels = ['<!ENTITY l0 "ha">', ...Array.from({ length: 9 }, (_, k) => `<!ENTITY l${k + 1} "${`&l${k};`.repeat(10)}">`)];
    const feed = feedWithDtd(levels.join('\n'), '&l9;');
    writeFileSync(join(dir, 'feed.rss'), feed);
    const r = await cli(['check', 'feed.rss', '--format', 'json'], { cwd: dir });
    const doc = JSON.parse(r.stdout).documents[0] as DocumentResult;
    expect(doc.findings.map((f) => `${f.ruleId} ${f.line}:${f.column}`)).toEqual([`input/malformed ${feed.split('\n').findIndex((l) => l.includes('&l9;')) + 1}:54`]);
    expect(doc.findings[0]!.message).toContain('the entity «&l9;» is not one of XML\'s own');
    expect(r.stdout.length).toBeLessThan(2000);
  });
});

describe('report formats and hostile names', () => {
  const finding = (message: string) => ({ ruleId: 'notice/missing', severity: 'error' as const, message, messages: { fa: message, en: message }, line: 1, column: 2, endLine: 1, endColumn: 3 });
  const report = (documents: DocumentResult[]) => ({ tool: { name: 'manba', version: '1.0.0' }, documents, summary: summarize(documents) });

  it('GitHub annotations escape %, line breaks and :: in file names, so a name cannot end the command', () => {
    const out = reporterNamed('github')!.format(report([{ path: 'odd::name\n::error file=x::100%.txt', findings: [finding('پیام')] }]), { color: false, showPassing: true });
    expect(out).toBe('::error file=odd%3A%3Aname%0A%3A%3Aerror file=x%3A%3A100%25.txt,line=1,col=2,endLine=1,endColumn=3,title=notice/missing::پیام\n');
  });

  it('CSV cells that start with =, +, - or @ are neutralised for spreadsheets', () => {
    const out = reporterNamed('csv')!.format(
      report([
        { path: '=HYPERLINK("http://x","y").txt', findings: [{ ...finding('+SUM(1)'), evidence: { expected: '-2+3', found: '@cmd' } }] },
      ]),
      { color: false, showPassing: true },
    );
    expect(out.split('\r\n')[1]).toBe(`"'=HYPERLINK(""http://x"",""y"").txt",,notice/missing,error,1,2,'+SUM(1),'-2+3,'@cmd,,`); // sha256 and waived are empty
  });
});

describe('JSON nested deeper than any export (found by tests/fuzz.test.ts)', () => {
  it('a JSON file nested 100 000 levels deep is one input/malformed at the bracket that goes too deep, not a crash', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'deep.json'), `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`);
    writeFileSync(join(dir, 'deep.jsonl'), `{"id": "ok", "title": "t", "body": "متن"}\n${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    const r = await cli(['check', 'deep.json', 'deep.jsonl', '--format', 'json'], { cwd: dir });
    const docs = JSON.parse(r.stdout).documents as DocumentResult[];
    expect(docs.map((d) => ({ path: d.path, findings: d.findings.filter((f) => f.ruleId.startsWith('input/')).map((f) => [f.ruleId, f.line, f.column, f.message]) }))).toEqual([
      // Level 257 opens at the 257th «{"a":», 5 characters each.
      { path: 'deep.json', findings: [['input/malformed', 1, 256 * 5 + 1, 'deep.json is not read (line 1, column 1281): arrays and objects nested more than 256 levels deep; an export of articles nests a few. Nothing in the file was checked.']] },
      { path: 'deep.jsonl#ok', findings: [] },
      { path: 'deep.jsonl#2', findings: [['input/malformed', 2, 257, 'deep.jsonl line 2 is not read (column 257): arrays and objects nested more than 256 levels deep; an export of articles nests a few. This line was not checked; the other lines were.']] },
    ]);
  });
});

describe('a file or folder whose name is not UTF-8', () => {
  it('is input/unreadable saying so, and the other files are checked', async (ctx) => {
    const dir = tmp();
    const article = readFileSync(join(ROOT, 'examples', 'fail-notice-missing.txt'));
    // «خبر» in Windows-1256, as an archive copied from an older system may name its files.
    const cp1256 = Buffer.from([0xcc, 0xc8, 0xd1]);
    try {
      writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), cp1256, Buffer.from('.txt')]), article);
    } catch (err) {
      // A file system that takes UTF-8 names only (APFS) cannot hold such a file: nothing to test there.
      if ((err as NodeJS.ErrnoException).code === 'EILSEQ') return ctx.skip();
      throw err;
    }
    mkdirSync(Buffer.concat([Buffer.from(`${dir}/`), cp1256]));
    writeFileSync(join(dir, 'ok.txt'), article);
    const r = await cli(['check', '.', '--format', 'compact'], { cwd: dir });
    const why = 'its name is not valid UTF-8 (manba shows its bad bytes as �), so it cannot be opened by name; rename it in UTF-8 (for example with convmv -f cp1256 -t utf-8)';
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual([
      `ok.txt:23:98: error notice/missing No Article 74 notice found. Add it to the footer, after the article.`,
      `���.txt:1:1: error input/unreadable cannot read ���.txt: ${why}`,
      `���:1:1: error input/unreadable cannot read ���: ${why}`,
    ].sort());
  });
});
