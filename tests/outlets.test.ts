import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRuleSet } from '../src/config/load.js';
import { readPlainText } from '../src/documents/readers/text.js';
import { Engine } from '../src/engine/engine.js';
import { cli, reference, REFERENCE_PATH, CORPUS } from './helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'manba-outlets-'));
const notice = reference().split('\n').pop()!;
/** A Titr-style republisher footer naming `source`. */
const footer = (source: string) => `\nمنبع خبر "${source}" است و موتور جستجوگر خبر تیترآنلاین در قبال محتوای آن هیچ مسئولیتی ندارد. (ادامه)\n${notice}\n`;

async function engine(config: Partial<Parameters<typeof buildRuleSet>[0]> = {}, now?: Date) {
  return new Engine(await buildRuleSet({ extends: [], builtins: true, rules: {}, ...config }), now ? { now } : {});
}
const ids = (e: Engine, text: string) => e.check(readPlainText('a.txt', text)).findings.map((f) => `${f.ruleId} ${f.line}:${f.column}`);

describe('attribution resolved through the outlet registry', () => {
  const farsDir = `${CORPUS}fars-originals`;
  const fars = readdirSync(farsDir).filter((f) => f.endsWith('.txt')).map((f) => readFileSync(join(farsDir, f), 'utf8'));
  // The originals whose lead starts «خبرگزاري فارس:» (Arabic yeh), the declared source the footer must agree with.
  const withFarsLead = fars.filter((t) => /^خبرگزار[یي] فارس:/m.test(t.split('\n').slice(1, 4).join('\n')));

  it('the corpus has Fars originals with the lead «خبرگزاري فارس:»', () => {
    expect(withFarsLead.length).toBeGreaterThan(50);
  });

  for (const name of ['خبرگزاری فارس', 'فارس', 'Fars News']) {
    it(`Fars originals given a footer naming «${name}» pass`, async () => {
      const e = await engine();
      const failing = withFarsLead.map((t) => ids(e, t.trimEnd() + '\n' + footer(name))).filter((f) => f.length);
      expect(failing).toEqual([]);
    });
  }

  it('Fars originals given a footer naming another outlet fail with attribution/mismatch, naming both', async () => {
    const e = await engine();
    for (const t of withFarsLead.slice(0, 20)) {
      const doc = t.trimEnd() + '\n' + footer('خبرگزاری تسنیم');
      const fs = e.check(readPlainText('a.txt', doc)).findings;
      expect(fs.map((f) => f.ruleId)).toEqual(['attribution/mismatch']);
      // The origin is quoted as the article writes it (often with Arabic yeh: «خبرگزاري فارس»).
      expect(fs[0]!.message).toMatch(/^The attribution names «خبرگزاری تسنیم», but the article names «خبرگزار[یي] فارس» as its origin \(at the start of the lead, line \d+\)/);
    }
  });

  it('«صدا و سیما», «خبرگزاری صدا و سیما» and «IRIB» are one outlet', async () => {
    const e = await engine();
    const base = readFileSync(`${CORPUS}titr-network/titr_titronline_8833424.txt`, 'utf8');
    for (const name of ['خبرگزاری صدا و سیما', 'IRIB', 'صداوسیما']) expect(ids(e, base.replace('منبع خبر "صدا و سیما"', `منبع خبر "${name}"`))).toEqual([]);
  });

  it('a URL as the source names the outlet by its domain', async () => {
    const e = await engine();
    const text = reference().replace(/منبع خبر "ایرنا"[^\n]*/, 'منبع: https://www.irna.ir/news/85267917/x');
    expect(ids(e, text)).toEqual([]);
    expect(ids(e, text.replace('irna.ir', 'isna.ir'))).toEqual(['attribution/mismatch 23:7']);
  });

  it('an unknown source is a warning suggesting the closest registry names', async () => {
    const e = await engine();
    const r = e.check(readPlainText('a.txt', reference().replace('منبع خبر "ایرنا"', 'منبع خبر "ایرنه"')));
    expect(r.findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(['attribution/unknown-source warning']);
    expect(r.findings[0]!.message).toMatch(/^The attributed source «ایرنه» is not in the outlet registry \(did you mean «خبرگزاری جمهوری اسلامی ایران \(ایرنا\)», /);
    // A name nothing in the registry is close to gets no suggestion rather than a wild one.
    const far = e.check(readPlainText('a.txt', reference().replace('منبع خبر "ایرنا"', 'منبع خبر "موسسه ابرار معاصر تهران"')));
    expect(far.findings[0]!.message).toBe('The attributed source «موسسه ابرار معاصر تهران» is not in the outlet registry. Check the name, or add the outlet to a sources: file.');
  });

  it("an outlet's stated terms: republication not allowed, and a required link to the original", async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'mine.yaml'),
      `version: 1
outlets:
  - id: irna
    name: { fa: ایرنا, en: IRNA }
    aliases: [ایرنا]
    domains: [irna.ir]
    kind: news-agency
    terms: { attributionRequired: "yes", linkRequired: "yes", republication: not-allowed, notes: "test terms", sourceUrl: "https://example.org/terms" }
`,
    );
    const e = await engine({ sources: [join(dir, 'mine.yaml')] });
    const r = e.check(readPlainText('a.txt', reference()));
    expect(r.findings.map((f) => `${f.ruleId} ${f.line}:${f.column} ${f.message}`)).toEqual([
      'attribution/terms 23:11 «ایرنا»: the outlet does not allow republication (registry: test terms).',
      'attribution/terms 23:11 «ایرنا»: a link to the original story is required and the article has none (registry: test terms).',
    ]);
    const linked = reference().replace('(ادامه)', '(ادامه) https://www.irna.ir/news/85267917');
    expect(e.check(readPlainText('a.txt', linked)).findings.map((f) => f.message)).toEqual(['«ایرنا»: the outlet does not allow republication (registry: test terms).']);
  });

  it('stated terms without their source are a load error at the terms', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'guess.yaml'), 'version: 1\noutlets:\n  - id: guessed\n    name: { fa: حدس, en: Guess }\n    aliases: [حدس]\n    domains: []\n    kind: other\n    terms: { attributionRequired: "yes", linkRequired: unknown, republication: unknown, notes: not sourced }\n');
    writeFileSync(join(dir, 'manba.config.yaml'), 'sources: [guess.yaml]\n');
    const r = await cli(['check', REFERENCE_PATH], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'guess.yaml')}:8:12: outlet "guessed" states terms without their source`);
  });

  it('a registry file with an alias of another outlet is a config error naming both entries', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'dup.yaml'), 'version: 1\noutlets:\n  - id: fars-copy\n    name: { fa: کپی فارس, en: Fars copy }\n    aliases: [فارس]\n    domains: []\n    kind: other\n    terms: { attributionRequired: unknown, linkRequired: unknown, republication: unknown, notes: x }\n');
    writeFileSync(join(dir, 'manba.config.yaml'), 'sources: [dup.yaml]\n');
    const r = await cli(['check', REFERENCE_PATH], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${join(dir, 'dup.yaml')}:5:15: alias «فارس» of outlet "fars-copy" is already an alias of outlet "fars" \\(.*rules/sources.yaml:\\d+:\\d+\\)`));
  });
});

describe('byline dates', () => {
  it('the parsed date is part of the document result (JSON facts)', async () => {
    const r = await cli(['check', REFERENCE_PATH, '--format', 'json']);
    const doc = JSON.parse(r.stdout).documents[0];
    expect(doc.facts.bylineDate).toEqual({ jalali: '1399/04/18', time: '17:40', valid: true, iso: '2020-07-08', isoDateTime: '2020-07-08T17:40:00+04:30' }); // summer time, as Iran kept it through 1401
    expect(doc.facts.declared).toEqual([
      { name: 'ایرنا', where: 'byline', outlet: 'irna', line: 3, column: 1 },
      { name: 'ایرنا', where: 'dateline', outlet: 'irna', line: 4, column: 7 },
    ]);
    expect(doc.facts.attribution).toEqual({ source: 'ایرنا', outlet: 'irna', line: 23, column: 11, site: 'تیترآنلاین' });
  });

  it('byline/date-invalid for 30 اسفند in a common year; byline/date-future after the check date', async () => {
    const e = await engine({}, new Date('2020-07-01T00:00:00Z'));
    expect(ids(e, reference().replace('18 تیر 1399', '30 اسفند 1400'))).toEqual(['byline/date-invalid 3:16']);
    expect(ids(e, reference())).toEqual(['byline/date-future 3:16']); // 1399/04/18 is 2020-07-08
    const later = await engine({}, new Date('2030-01-01T00:00:00Z'));
    expect(ids(later, reference().replace('18 تیر 1399', '30 اسفند 1399'))).toEqual([]); // 1399 is a leap year
    expect(ids(later, reference().replace('18 تیر 1399', '31 مهر 1399'))).toEqual(['byline/date-invalid 3:16']);
  });
});

describe('manba sources', () => {
  it('show resolves any written form, list prints the registry', async () => {
    const show = await cli(['sources', 'show', 'خبرگزاري فارس', '--format', 'json']);
    expect(JSON.parse(show.stdout)).toMatchObject({ id: 'fars', kind: 'news-agency', domains: ['farsnews.ir', 'farsnews.com'] });
    const list = await cli(['sources', 'list', '--format', 'json']);
    expect((JSON.parse(list.stdout) as unknown[]).length).toBeGreaterThanOrEqual(40);
    const unknown = await cli(['sources', 'show', 'فارص']);
    expect([unknown.code, unknown.stderr]).toEqual([2, 'manba: no outlet named «فارص» in the registry; did you mean fars (خبرگزاری فارس), fararu (فرارو)?\n']);
  });
});
