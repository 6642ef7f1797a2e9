import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../src/rules/load.js';
import { ConfigError, formatProblem } from '../src/rules/problems.js';

const dir = mkdtempSync(join(tmpdir(), 'manba-rules-'));
let n = 0;
function ruleFile(text: string): string {
  const p = join(dir, `r${n++}.yaml`);
  writeFileSync(p, text);
  return p;
}

async function problems(text: string): Promise<string[]> {
  const file = ruleFile(text);
  try {
    await loadRules([file]);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems.map((p) => formatProblem(p).replace(file, 'FILE'));
  }
}

const GOOD = `rules:
  - id: house
    kind: pattern
    options:
      pattern: 'کد خبر'
      mode: required
    checks:
      missing: { severity: warning }
`;

describe('rule files: bad input stops the run with file:line:column', () => {
  it('a valid file loads', async () => {
    expect(await problems(GOOD)).toEqual([]);
  });

  it('a YAML syntax error', async () => {
    expect(await problems('rules:\n  - id: x\n    kind: [pattern\n')).toEqual([expect.stringMatching(/^FILE:4:1: YAML syntax: /)]);
  });

  it('an unknown key, with a suggestion', async () => {
    expect(await problems(GOOD.replace('    options:', '    optoins: {}\n    options:'))).toEqual([
      'FILE:4:5: unknown key "optoins" in rules.0 (did you mean "options"?)',
    ]);
  });

  it('a wrong type', async () => {
    expect(await problems(GOOD.replace("mode: required", 'mode: required\n      ignoreCase: yes please'))).toEqual([
      'FILE:7:19: rules.0.options.ignoreCase must be boolean, not string "yes please"',
    ]);
  });

  it('a misspelled severity', async () => {
    expect(await problems(GOOD.replace('severity: warning', 'severity: warnng'))).toEqual([
      'FILE:8:28: rules.0.checks.missing.severity: "warnng" is not one of: error, warning, warn, off (did you mean "warning"?)',
    ]);
  });

  it('an unknown kind', async () => {
    expect(await problems(GOOD.replace('kind: pattern', 'kind: patern'))).toEqual([
      expect.stringMatching(/^FILE:3:11: rules\.0\.kind: "patern" is not one of: legal-text, attribution, byline-date, pattern \(did you mean "pattern"\?\)$/),
    ]);
  });

  it('a check the kind does not have', async () => {
    expect(await problems(GOOD.replace('missing: {', 'absent: {'))).toEqual([
      'FILE:8:7: unknown name "absent" in rules.0.checks; expected one of: missing, found',
    ]);
  });

  it('an invalid pattern, at the pattern', async () => {
    expect(await problems(GOOD.replace("'کد خبر'", "'(کد خبر'"))).toEqual([
      expect.stringMatching(/^FILE:5:16: rule house: options\.pattern: invalid pattern: .*missing closing \)/),
    ]);
  });

  it('a pattern RE2 cannot run in linear time (backreference) is rejected at load time', async () => {
    expect(await problems(GOOD.replace("'کد خبر'", "'(a)\\1'"))).toEqual([expect.stringMatching(/^FILE:5:16: rule house: options\.pattern: invalid pattern/)]);
  });

  it('a placeholder used but never defined', async () => {
    const text = `rules:
  - id: n
    kind: legal-text
    options:
      name: { fa: اطلاعیه, en: notice }
      text: با استناد به {article} قانون تجارت الکترونیک {date}
      slots:
        article: { type: text, value: ماده ۷۴, label: { fa: ماده, en: article } }
    checks:
      missing: { severity: error }
`;
    expect(await problems(text)).toEqual([
      'FILE:6:13: rule n: options.text: placeholder {date} is used but not defined under slots (defined: article)',
    ]);
  });

  it('a message placeholder the check does not provide', async () => {
    expect(await problems(GOOD.replace('missing: { severity: warning }', 'missing: { severity: warning, message: { fa: "{nope}", en: ok } }'))).toEqual([
      'FILE:8:52: message uses {nope}, which pattern/missing does not provide (available: {pattern})',
    ]);
  });

  it('a duplicate rule id across files names both places', async () => {
    const a = ruleFile(GOOD);
    const b = ruleFile(GOOD);
    await expect(loadRules([a, b])).rejects.toThrow(`${b}:2:9: duplicate rule id house/missing: already defined at ${a}:2:9`);
  });

  it('an alias bomb is refused, not expanded', async () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
    const out = await problems(bomb.join('\n') + '\nrules: []\n');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^FILE:1:1: YAML: .*alias/i);
  });

  it('every problem is listed, not only the first', async () => {
    const out = await problems(GOOD.replace('severity: warning', 'severity: warnng').replace('kind: pattern', 'kind: pattern\n    extra: 1'));
    expect(out).toHaveLength(2);
  });
});
