import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRuleSet } from '../src/config/load.js';
import { Engine } from '../src/engine/engine.js';
import { readPlainText } from '../src/documents/readers/text.js';

async function run(rule: string, text: string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'manba-pattern-'));
  writeFileSync(join(dir, 'r.yaml'), rule);
  const engine = new Engine(await buildRuleSet({ extends: [join(dir, 'r.yaml')], builtins: false, rules: {} }));
  return engine.check(readPlainText('t.txt', text)).findings.map((f) => `${f.ruleId} ${f.line}:${f.column}-${f.endLine}:${f.endColumn}`);
}

const rule = (pattern: string, mode: string) => `rules:
  - id: house
    kind: pattern
    options: { pattern: '${pattern}', mode: ${mode} }
    checks:
      missing: { severity: error }
      found: { severity: error }
`;

describe('pattern kind', () => {
  it('keeps RE2 syntax as written (\\S is not lower-cased into \\s) and folds the Persian letters', async () => {
    expect(await run(rule('منبع:\\S+', 'forbidden'), 'خبر\nمنبع:ايرنا')).toEqual(['house/found 2:1-2:11']);
    expect(await run(rule('\\p{L}+ي', 'required'), 'سلام علی')).toEqual([]); // ي in the pattern finds ی
  });

  it('forbidden: every match, at its original position', async () => {
    expect(await run(rule('کپی ممنوع', 'forbidden'), 'الف\nکپي\u200cممنوع و كپی ممنوع')).toEqual(['house/found 2:1-2:10', 'house/found 2:13-2:22']);
  });

  it('required: one finding at the end when nothing matches', async () => {
    expect(await run(rule('کد خبر', 'required'), 'عنوان\nمتن خبر')).toEqual(['house/missing 2:8-2:8']);
  });

  it('a catastrophic pattern on a 100 KB adversarial document finishes (RE2: linear time)', async () => {
    const text = 'a'.repeat(100_000) + '!';
    const t = performance.now();
    const out = await run(rule('(a+)+$', 'forbidden'), text);
    // A backtracking engine takes longer than the universe's age here; linear time takes milliseconds. The bound
    // only tells the two apart, so a busy machine cannot fail it.
    expect(performance.now() - t).toBeLessThan(15_000);
    expect(out).toEqual([]);
  });

  it('a match of 100 KB is quoted in the message as its first 79 characters and «…», on one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manba-pattern-'));
    writeFileSync(join(dir, 'r.yaml'), rule('[^!]+', 'forbidden'));
    const engine = new Engine(await buildRuleSet({ extends: [join(dir, 'r.yaml')], builtins: false, rules: {} }));
    // 100 KB of words over many lines: the quote is the first 79 characters with line breaks as spaces.
    const line = 'کپی ممنوع است و این متن بلند ادامه دارد';
    const text = `${Array.from({ length: 2600 }, () => line).join('\n')}!`;
    expect(text.length).toBeGreaterThan(100_000);
    const fs = engine.check(readPlainText('t.txt', text)).findings;
    const expectedQuote = `${Array.from({ length: 3 }, () => line).join(' ').slice(0, 79)}…`;
    expect(expectedQuote.length).toBe(80);
    expect(fs.map((f) => ({ ruleId: f.ruleId, line: f.line, column: f.column, endLine: f.endLine, message: f.message }))).toEqual([
      { ruleId: 'house/found', line: 1, column: 1, endLine: 2600, message: `Forbidden text «${expectedQuote}» (pattern [^!]+).` },
    ]);
    expect(fs[0]!.messages.fa).toBe(`متن ممنوع «${expectedQuote}» (الگوی [^!]+).`);
  });

  it('a match of 80 characters or fewer is quoted whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manba-pattern-'));
    writeFileSync(join(dir, 'r.yaml'), rule('ب+', 'forbidden'));
    const engine = new Engine(await buildRuleSet({ extends: [join(dir, 'r.yaml')], builtins: false, rules: {} }));
    const fs = engine.check(readPlainText('t.txt', `الف ${'ب'.repeat(80)} ج`)).findings;
    expect(fs.map((f) => f.message)).toEqual([`Forbidden text «${'ب'.repeat(80)}» (pattern ب+).`]);
  });
});
