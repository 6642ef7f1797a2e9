/**
 * An error inside manba while checking one document (a rule or a reader that throws on it) is that document's
 * `input/crash` finding, in this thread as on workers: the other rules' findings and the other documents are
 * reported as usual.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRuleSet, type RuleSet } from '../src/config/load.js';
import { readHttpPage } from '../src/documents/http-page.js';
import { htmlReader } from '../src/documents/readers/html.js';
import { readBytes, readLines } from '../src/documents/read.js';
import { readPlainText } from '../src/documents/readers/text.js';
import { Engine } from '../src/engine/engine.js';
import { checkInputs } from '../src/engine/run.js';
import type { Checker, Lang } from '../src/rules/types.js';
import { builtinEngine, ROOT } from './helpers.js';

const example = (name: string) => readFileSync(join(ROOT, 'examples', name), 'utf8');

type Check = Checker['check'];

/** The built-in rules, with the rule `id`'s check wrapped by `wrap`. */
async function engineWrapping(id: string, wrap: (check: Check) => Check, lang: Lang = 'en'): Promise<Engine> {
  const ruleSet = await buildRuleSet({ extends: [], builtins: true, rules: {} });
  const rules = ruleSet.rules.map((r) => (r.definition.id === id ? { ...r, checker: { ...(r.checker.provides ? { provides: r.checker.provides } : {}), check: wrap((ctx, report) => r.checker.check(ctx, report)) } } : r));
  return new Engine({ ...ruleSet, rules } satisfies RuleSet, { lang });
}

/** The rule `id` throwing on documents whose path holds «bad». */
const engineWithFailing = (id: string, lang: Lang = 'en') =>
  engineWrapping(
    id,
    (check) => (ctx, report) => {
      if (ctx.document.path.includes('bad')) throw new TypeError('boom');
      check(ctx, report);
    },
    lang,
  );

const brief = (findings: { ruleId: string; line: number; column: number }[]) => findings.map((f) => `${f.ruleId} ${f.line}:${f.column}`);

describe('a rule that throws on a document', () => {
  it('gives input/crash naming the rule, and the other rules still report', async () => {
    const engine = await engineWithFailing('notice');
    const r = engine.check(readPlainText('bad.txt', example('fail-attribution-missing.txt')));
    expect(brief(r.findings)).toEqual(['input/crash 1:1', 'attribution/missing 23:304']);
    expect(r.findings[0]).toMatchObject({
      severity: 'error',
      message: "The rule «notice» failed on this document (TypeError: boom): an error in manba, not in the document. Its findings are missing; the other rules' are reported. Please report it with the document.",
    });
    // A document whose path does not hold «bad»: the rule runs, and its own finding comes back.
    expect(brief(engine.check(readPlainText('good.txt', example('fail-notice-missing.txt'))).findings)).toEqual(['notice/missing 23:98']);
  });

  it('drops what the failing rule had reported before it failed', async () => {
    // The notice rule reports its finding (notice/missing), then throws: a rule that did not finish reports nothing.
    const engine = await engineWrapping('notice', (check) => (ctx, report) => {
      check(ctx, report);
      throw new RangeError('after reporting');
    });
    expect(brief(engine.check(readPlainText('a.txt', example('fail-notice-missing.txt'))).findings)).toEqual(['input/crash 1:1']);
  });

  it('says so in Persian when the run is in Persian', async () => {
    const engine = await engineWithFailing('attribution', 'fa');
    const [crash] = engine.check(readPlainText('bad.txt', example('fail-attribution-missing.txt'))).findings;
    expect(crash!.message).toBe('قاعده «attribution» روی این سند با خطا متوقف شد (TypeError: boom): خطا از manba است، نه از سند. یافته‌های آن قاعده نیامده است و یافته‌های قاعده‌های دیگر آمده است. لطفاً آن را همراه سند گزارش کنید.');
  });

  it('an error outside the rules leaves only input/crash for that document', async () => {
    const engine = await builtinEngine();
    const doc = readPlainText('a.txt', example('fail-attribution-missing.txt'));
    const broken = { ...doc, locate: () => { throw new Error('no positions'); } };
    const r = engine.check(broken);
    expect(brief(r.findings)).toEqual(['input/crash 1:1']);
    expect(r.findings[0]!.message).toBe('Checking failed on this document (Error: no positions): an error in manba, not in the document. Its findings are missing. Please report it with the document.');
  });

  it('a run in this thread goes on past it, in order, with every other document as usual', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manba-crash-'));
    writeFileSync(join(dir, 'a.txt'), example('fail-notice-missing.txt'));
    writeFileSync(join(dir, 'b-bad.txt'), example('fail-notice-missing.txt'));
    writeFileSync(join(dir, 'c.txt'), example('fail-attribution-missing.txt'));
    const outcome = await checkInputs(await engineWithFailing('notice'), ['.'], { cwd: dir });
    expect(outcome.results.map((r) => [r.path, brief(r.findings)])).toEqual([
      ['a.txt', ['notice/missing 23:98']],
      ['b-bad.txt', ['input/crash 1:1']],
      ['c.txt', ['attribution/missing 23:304']],
    ]);
  });
});

describe('a reader that throws on a file', () => {
  it('gives the file input/crash, naming the format, instead of ending the run', () => {
    const reader = { format: 'markdown', extensions: ['.md'], read: () => { throw new TypeError('no blocks'); } };
    expect(readBytes('notes.md', new TextEncoder().encode('# عنوان\n'), { reader })).toEqual([
      { ok: false, problem: { path: 'notes.md', ruleId: 'input/crash', message: 'reading notes.md as markdown failed (TypeError: no blocks): an error in manba, not in the document; please report it with the document' } },
    ]);
  });
});

describe('a line-based reader that throws on one line', () => {
  it('gives that line input/crash and reads the lines after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manba-crash-'));
    writeFileSync(join(dir, 'a.jsonl'), 'one\nbad\nthree\n');
    const reader = {
      format: 'jsonl',
      extensions: ['.jsonl'],
      read: () => [],
      readLine: (path: string, text: string, at: { line: number }) => {
        if (text === 'bad') throw new SyntaxError('no article');
        return [{ ok: true as const, document: readPlainText(`${path}#${at.line}`, text) }];
      },
    };
    const out = [];
    for await (const r of readLines(join(dir, 'a.jsonl'), reader)) out.push(r.ok ? r.document.path : r.problem);
    expect(out).toEqual([
      `${join(dir, 'a.jsonl')}#1`,
      { path: `${join(dir, 'a.jsonl')}#2`, ruleId: 'input/crash', line: 2, message: `reading line 2 of ${join(dir, 'a.jsonl')} as jsonl failed (SyntaxError: no article): an error in manba, not in the document; please report it with the document` },
      `${join(dir, 'a.jsonl')}#3`,
    ]);
  });
});

describe('the HTML reader throwing on a page from the web (a crawl, a WARC)', () => {
  it('gives the page input/crash', () => {
    const read = htmlReader.read;
    htmlReader.read = () => {
      throw new RangeError('too deep');
    };
    try {
      const header = (name: string) => ({ 'content-type': 'text/html; charset=utf-8' })[name];
      expect(readHttpPage({ url: 'http://h/a', status: 200, header, raw: new TextEncoder().encode('<p>متن</p>') })).toEqual([
        { ok: false, problem: { path: 'http://h/a', ruleId: 'input/crash', message: 'reading http://h/a as html failed (RangeError: too deep): an error in manba, not in the document; please report it with the document' } },
      ]);
    } finally {
      htmlReader.read = read;
    }
  });
});
