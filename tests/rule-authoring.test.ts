import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, REFERENCE_PATH, ROOT } from './helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'manba-authoring-'));
const HOUSE = `rules:
  - id: house
    kind: pattern
    options: { pattern: 'کد خبر', mode: required }
    checks:
      missing: { severity: warning }
`;

describe('manba rules test', () => {
  it('the built-in rules pass their own tests (tests: in the files and the .tests/ fixtures)', async () => {
    const r = await cli(['rules', 'test']);
    expect(r.stdout).toContain('20 passed, 0 failed');
    expect(r.stdout).not.toContain('✗');
    expect(r.code).toBe(0);
  });

  it('a failing case shows expected against actual and the place of the case, and exits 1', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'house.yaml'),
      HOUSE + `    tests:
      valid:
        - text: "عنوان\\nکد خبر: ۱۲"
      invalid:
        - name: no code
          text: "عنوان\\nمتن"
          errors: [{ ruleId: house/missing, line: 1, column: 1 }]
`,
    );
    const r = await cli(['rules', 'test', 'house.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      [
        'house.yaml',
        '  ✓ house valid #1',
        '  ✗ house invalid #1: no code  (house.yaml:11:11)',
        '      - expected house/missing 1:1',
        '      + unexpected house/missing 2:4 Required text not found (pattern کد خبر).',
        '1 passed, 1 failed',
        '',
      ].join('\n'),
    );
  });

  it('fixtures: a folder <name>.tests/ beside the rule file, the first line saying what to expect', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'house.yaml'), HOUSE);
    mkdirSync(join(dir, 'house.tests'));
    writeFileSync(join(dir, 'house.tests', 'ok.txt'), '# expect: none\nعنوان\nکد خبر: ۱۲\n');
    writeFileSync(join(dir, 'house.tests', 'bad.txt'), '# expect: house/missing 3:4\nعنوان\nمتن\n');
    writeFileSync(join(dir, 'house.tests', 'no-expect.txt'), 'عنوان\nمتن\n');
    const r = await cli(['rules', 'test', 'house.yaml'], { cwd: dir });
    expect(r.stdout).toContain('  ✓ house.tests/bad.txt\n');
    expect(r.stdout).toContain('  ✓ house.tests/ok.txt\n');
    expect(r.stdout).toContain('  ✗ house.tests/no-expect.txt');
    expect(r.stdout).toContain('the first line must say what the document gives');
    expect(r.stdout).toContain('2 passed, 1 failed');
  });
});

describe('manba rules validate', () => {
  it('prints every problem of every file as file:line:column, exit 2', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.yaml'), HOUSE.replace('severity: warning', 'severity: warnng'));
    writeFileSync(join(dir, 'b.yaml'), HOUSE.replace('id: house', 'id: other').replace("'کد خبر'", "'(کد'"));
    writeFileSync(join(dir, 'manba.config.yaml'), 'lang: de\n');
    const r = await cli(['rules', 'validate', 'a.yaml', 'b.yaml', 'manba.config.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      'a.yaml:6:28: rules.0.checks.missing.severity: "warnng" is not one of: error, warning, warn, off (did you mean "warning"?)',
      'b.yaml:4:25: rule other: options.pattern: invalid pattern: error parsing regexp: missing closing ): `(کد`',
      'manba.config.yaml:1:7: lang: "de" is not one of: fa, en',
      '✖ 3 problems in 3 files',
    ]);
  });

  it('valid files, the built-in registry included', async () => {
    const r = await cli(['rules', 'validate', 'rules/article74.yaml', 'rules/attribution.yaml', 'rules/sources.yaml']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toBe('✓ 3 files valid: rules/article74.yaml, rules/attribution.yaml, rules/sources.yaml\n');
  });
});

describe('manba rules list and explain', () => {
  it('list: every check of the effective rule set, as JSON', async () => {
    const r = await cli(['rules', 'list', '--format', 'json']);
    const rows = JSON.parse(r.stdout) as { id: string; severity: string; kind: string }[];
    expect(rows.map((x) => `${x.id} ${x.severity} ${x.kind}`)).toEqual([
      'attribution/missing error attribution',
      'attribution/mismatch error attribution',
      'attribution/unknown-source warning attribution',
      'attribution/terms error attribution',
      'notice/missing error legal-text',
      'notice/altered error legal-text',
      'notice/position error legal-text',
      'notice/site error legal-text',
      'byline/date-invalid error byline-date',
      'byline/date-future warning byline-date',
    ]);
  });

  it('list follows the config (severities, extra rules)', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'house.yaml'), HOUSE);
    writeFileSync(join(dir, 'manba.config.yaml'), 'extends: [./house.yaml]\nrules:\n  notice/position: off\n');
    const r = await cli(['rules', 'list'], { cwd: dir });
    expect(r.stdout).toMatch(/^notice\/position\s+off\s+legal-text/m);
    expect(r.stdout).toMatch(/^house\/missing\s+warning\s+pattern\s+A required pattern does not match\.$/m);
  });

  it('explain: what, why, the canonical text, examples, configuration', async () => {
    const r = await cli(['rules', 'explain', 'notice/altered']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('notice/altered  (kind legal-text, defined at rules/article74.yaml:');
    expect(r.stdout).toContain('Why (legal basis): Article 74, Electronic Commerce Law of Iran');
    expect(r.stdout).toContain('Canonical text:\n  با استناد به ماده ۷۴ قانون تجارت الکترونیک مصوب ۱۳۸۲/۱۰/۱۷ مجلس شورای اسلامی و با عنایت به اینکه سایت {site} مصداق');
    expect(r.stdout).toContain('Passes: the reference article: article74.tests/reference.txt');
    expect(r.stdout).toContain('Fails: article number changed: article74.tests/reference.txt with «ماده ۷۴» → «ماده ۷۵» → notice/altered 25:19');
    expect(r.stdout).toContain('    notice/altered: warn   # off | warn | error');
    const fa = await cli(['rules', 'explain', 'attribution/mismatch', '--lang', 'fa']);
    expect(fa.stdout).toContain('ماده ۷ قانون حمایت حقوق مؤلفان');
    expect((await cli(['rules', 'explain', 'notice/alterd'])).code).toBe(2);
  });
});

describe('extends: rule packs', () => {
  it('a built-in set by name, without the rest of the built-ins', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'manba.config.yaml'), 'builtins: false\nextends: [manba:article74]\n');
    const r = await cli(['rules', 'list', '--format', 'json'], { cwd: dir });
    expect((JSON.parse(r.stdout) as { id: string }[]).map((x) => x.id)).toEqual(['notice/missing', 'notice/altered', 'notice/position', 'notice/site']);
  });

  it('a folder of rule files, and an installed npm package by its short name', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'house'));
    writeFileSync(join(dir, 'house', 'a.yaml'), HOUSE);
    const pkg = join(dir, 'node_modules', 'manba-rules-acme');
    mkdirSync(join(pkg, 'rules'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'manba-rules-acme', version: '1.0.0' }));
    writeFileSync(join(pkg, 'rules', 'acme.yaml'), HOUSE.replace('id: house', 'id: acme'));
    writeFileSync(join(dir, 'manba.config.yaml'), 'extends: [./house, acme]\n');
    const r = await cli(['rules', 'list', '--format', 'json'], { cwd: dir });
    expect((JSON.parse(r.stdout) as { id: string }[]).map((x) => x.id).slice(-2)).toEqual(['house/missing', 'acme/missing']);
  });

  it('an unknown package or set is a config error at the entry', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'manba.config.yaml'), 'extends:\n  - manba:everything\n  - nosuchpack\n');
    const r = await cli(['check', REFERENCE_PATH], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'manba.config.yaml')}:2:5: extends: unknown built-in rule set "manba:everything"; known: manba:recommended, manba:article74, manba:attribution, manba:byline`);
    expect(r.stderr).toContain(`${join(dir, 'manba.config.yaml')}:3:5: extends: cannot find rule package "nosuchpack"`);
  });
});

describe('editor support', () => {
  it('built-in rule files and the registry point editors at their published schemas', async () => {
    const { readFileSync } = await import('node:fs');
    for (const f of ['rules/article74.yaml', 'rules/attribution.yaml']) expect(readFileSync(`${ROOT}${f}`, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./schemas/rule-file.schema.json');
    expect(readFileSync(`${ROOT}rules/sources.yaml`, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./schemas/sources.schema.json');
  });
});
