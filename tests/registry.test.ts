import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, formatProblem } from '../src/rules/problems.js';
import { BUILTIN_REGISTRY, loadRegistry, Registry, type Outlet } from '../src/sources/registry.js';
import { positionOf } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'manba-sources-'));
let n = 0;
function registryFile(text: string): string {
  const p = join(dir, `s${n++}.yaml`);
  writeFileSync(p, text);
  return p;
}

/** The problems a load reports, as formatted lines; [] when it loads. */
async function problems(files: string[]): Promise<string[]> {
  try {
    await loadRegistry(files);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems.map(formatProblem);
  }
}

const outlet = (id: string, aliases: string[], extra = '') => `  - id: ${id}
    name: { fa: "نام ${id}", en: "Name ${id}" }
    aliases: [${aliases.map((a) => JSON.stringify(a)).join(', ')}]
    domains: []
    kind: news-site
    terms: { attributionRequired: "unknown", linkRequired: "unknown", republication: "unknown", notes: "not sourced" }
${extra}`;

const file = (...outlets: string[]) => `version: 1\noutlets:\n${outlets.join('')}`;

let registry: Registry;
beforeAll(async () => {
  registry = await loadRegistry([BUILTIN_REGISTRY]);
});

describe('built-in registry', () => {
  it('loads every outlet with its position', () => {
    const text = readFileSync(BUILTIN_REGISTRY, 'utf8');
    const ids = [...text.matchAll(/^ {2}- id: ([a-z0-9-]+)$/gm)].map((m) => m[1]);
    expect(registry.outlets.map((o) => o.id)).toEqual(ids);
    const fars = registry.byId('fars')!;
    expect(fars.spot).toEqual({ file: BUILTIN_REGISTRY, ...positionOf(text, 'fars', text.indexOf('- id: fars')) });
    expect(fars.name).toEqual({ fa: 'خبرگزاری فارس', en: 'Fars News Agency' });
    expect(fars.domains).toEqual(['farsnews.ir', 'farsnews.com']);
    expect(fars.kind).toBe('news-agency');
    expect(fars.terms).toEqual({ attributionRequired: 'unknown', linkRequired: 'unknown', republication: 'unknown', notes: 'not sourced' });
    expect(registry.byId('nope')).toBeUndefined();
  });

  it('resolves the forms of IRIB to one id', () => {
    for (const name of ['صدا و سیما', 'خبرگزاری صدا و سیما', 'صداوسیما', 'صدا\u200cو\u200cسیما', 'IRIB', 'irib', 'IRIB News Agency']) {
      expect(registry.resolve(name)?.id, name).toBe('irib');
    }
  });

  it('resolves Fars in Arabic yeh, short, English, quoted and punctuated forms', () => {
    for (const name of ['خبرگزاري فارس', 'خبرگزاری فارس', 'فارس', 'Fars News', 'FARS NEWS AGENCY', '«فارس.»', '"فارس"', 'فارس،', '(فارس)']) {
      expect(registry.resolve(name)?.id, name).toBe('fars');
    }
  });

  it('resolves URLs and bare domains by host, subdomains at a dot boundary', () => {
    expect(registry.resolve('https://www.irna.ir/news/85267917/x')?.id).toBe('irna');
    expect(registry.resolve('en.irna.ir')?.id).toBe('irna');
    expect(registry.resolve('irna.ir')?.id).toBe('irna');
    expect(registry.resolve('www.tasnimnews.com')?.id).toBe('tasnim');
    expect(registry.resolve('https://tn.ai/3096631')?.id).toBe('tasnim');
    expect(registry.resolve('HTTP://WWW.FARSNEWS.IR/news/14030921000123')?.id).toBe('fars');
    expect(registry.resolve('http://zendegi.online:8080/x?y=1')?.id).toBe('titr-online');
    // Not at a dot boundary: «notirna.ir» is not irna.ir.
    expect(registry.resolve('notirna.ir')).toBeUndefined();
    expect(registry.resolve('https://example.com/irna')).toBeUndefined();
  });

  it('strips generic words: agency, newspaper, site, a desk «گروه X»', () => {
    expect(registry.resolve('گروه ورزشی خبرگزاری صدا و سیما')?.id).toBe('irib');
    expect(registry.resolve('سرویس سیاسی خبرگزاری تسنیم')?.id).toBe('tasnim');
    expect(registry.resolve('روزنامه کیهان')?.id).toBe('kayhan');
    expect(registry.resolve('سایت تابناک')?.id).toBe('tabnak');
    expect(registry.resolve('پایگاه خبری فرارو')?.id).toBe('fararu');
    expect(registry.resolve('خبرگزاری ایسنا')?.id).toBe('isna');
    expect(registry.resolve('خبرگزاری شانا')?.id).toBe('shana');
    expect(registry.resolve('ISTNA News Agency')?.id).toBe('istna');
    expect(registry.resolve('Tabnak agency')?.id).toBe('tabnak');
  });

  it('an unknown name is undefined and closest suggests near ids', () => {
    expect(registry.resolve('خبرگزاری ناشناخته')).toBeUndefined();
    expect(registry.resolve('')).toBeUndefined();
    expect(registry.resolve('«»')).toBeUndefined();
    expect(registry.resolve('گروه ورزشی')).toBeUndefined();
    expect(registry.resolve('مهرداد')).toBeUndefined();
    expect(registry.resolve('فارص')).toBeUndefined();
    expect(registry.closest('فارص').map((o) => o.id)).toEqual(['fars', 'fararu']);
    expect(registry.closest('خبرگزاری تسنیمم')[0]?.id).toBe('tasnim');
    expect(registry.closest('Tasnim Newz').map((o) => o.id)).toEqual(['tasnim']);
    expect(registry.closest('kayhn').map((o) => o.id)).toEqual(['kayhan']);
    expect(registry.closest('ایرناا', 1).map((o) => o.id)).toEqual(['irna']);
    expect(registry.closest('xyzzy plugh')).toEqual([]);
  });

  it('resolution does map lookups, not scans: its cost does not grow with the registry', () => {
    const big = new Registry([
      ...registry.outlets,
      ...Array.from({ length: 20_000 }, (_, i): Outlet => ({
        ...registry.outlets[0]!,
        id: `synthetic-${i}`,
        name: { fa: `نام ${i}`, en: `Name ${i}` },
        aliases: [`خبرگزاری نمونه ${i}`, `Sample ${i}`],
        domains: [`sample${i}.ir`],
      })),
    ]);
    expect(big.resolve('گروه ورزشی خبرگزاری نمونه 19999')?.id).toBe('synthetic-19999');
    expect(big.resolve('https://www.sample7.ir/x')?.id).toBe('synthetic-7');
    const names = ['خبرگزاري فارس', 'گروه ورزشی خبرگزاری صدا و سیما', 'https://www.irna.ir/news/1/x', 'سایت نامعلوم'];
    const time = (r: Registry) => {
      const t0 = performance.now();
      for (let i = 0; i < 10_000; i++) for (const name of names) r.resolve(name);
      return performance.now() - t0;
    };
    time(registry); // warm up
    const small = time(registry);
    const large = time(big);
    expect(small).toBeLessThan(1000); // 40k names: a few microseconds each
    expect(large).toBeLessThan(small * 3 + 50);
  });
});

describe('loading: problems with file:line:column, nothing half-loads', () => {
  it('a duplicate alias across two outlets in one file names both positions', async () => {
    const text = file(outlet('alpha', ['آلفا نیوز', 'Alpha']), outlet('beta', ['Beta', 'آلفا\u200cنیوز']));
    const f = registryFile(text);
    const first = positionOf(text, '"آلفا نیوز"');
    const second = positionOf(text, '"آلفا\u200cنیوز"');
    expect(await problems([f])).toEqual([
      `${f}:${second.line}:${second.column}: alias «آلفا\u200cنیوز» of outlet "beta" is already an alias of outlet "alpha" (as «آلفا نیوز») (${f}:${first.line}:${first.column}) (names are compared folded (case, spaces, ZWNJ, Arabic yeh/kaf ignored); give each name to one outlet only)`,
    ]);
  });

  it('a user outlet taking a built-in alias is an error naming both files', async () => {
    const builtin = readFileSync(BUILTIN_REGISTRY, 'utf8');
    const text = file(outlet('fars-x', ['فارس']));
    const f = registryFile(text);
    const mine = positionOf(text, '"فارس"');
    const theirs = positionOf(builtin, '"فارس"', builtin.indexOf('- id: fars'));
    const err = await loadRegistry([BUILTIN_REGISTRY, f]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain(
      `${f}:${mine.line}:${mine.column}: alias «فارس» of outlet "fars-x" is already an alias of outlet "fars" (${BUILTIN_REGISTRY}:${theirs.line}:${theirs.column})`,
    );
  });

  it('display names count as aliases', async () => {
    const text = file(outlet('one', ['One']), outlet('two', ['Two', 'نام one']));
    const f = registryFile(text);
    const name = positionOf(text, '"نام one"');
    const alias = positionOf(text, '"نام one"', text.indexOf('aliases: ["Two"'));
    expect(await problems([f])).toEqual([
      expect.stringContaining(`${f}:${alias.line}:${alias.column}: alias «نام one» of outlet "two" is already an alias of outlet "one" (${f}:${name.line}:${name.column})`),
    ]);
  });

  it('a user file overriding an id replaces that outlet entirely, in place; a new id is added', async () => {
    const f = registryFile(file(outlet('fars', ['فارس تازه']).replace('domains: []', 'domains: ["farsnews.ir"]'), outlet('local-news', ['خبر محلی'])));
    const r = await loadRegistry([BUILTIN_REGISTRY, f]);
    expect(r.outlets.length).toBe(registry.outlets.length + 1);
    expect(r.outlets.findIndex((o) => o.id === 'fars')).toBe(registry.outlets.findIndex((o) => o.id === 'fars'));
    expect(r.outlets.at(-1)?.id).toBe('local-news');
    const fars = r.byId('fars')!;
    expect(fars.aliases).toEqual(['فارس تازه']);
    expect(fars.name).toEqual({ fa: 'نام fars', en: 'Name fars' });
    expect(fars.spot.file).toBe(f);
    expect(r.resolve('فارس تازه')?.id).toBe('fars');
    expect(r.resolve('farsnews.ir')?.id).toBe('fars');
    // The built-in aliases and the second domain went with the replaced entry.
    expect(r.resolve('Fars News')).toBeUndefined();
    expect(r.resolve('farsnews.com')).toBeUndefined();
    expect(r.resolve('خبر محلی')?.id).toBe('local-news');
    // Other outlets are untouched.
    expect(r.resolve('IRIB')?.id).toBe('irib');
  });

  it('a schema error has file:line:column', async () => {
    const text = file(outlet('alpha', ['Alpha'])).replace('kind: news-site', 'kind: agency');
    const f = registryFile(text);
    const at = positionOf(text, 'agency');
    expect(await problems([f])).toEqual([
      `${f}:${at.line}:${at.column}: outlets.0.kind: "agency" is not one of: news-agency, newspaper, news-site, broadcaster, aggregator, other`,
    ]);
  });

  it('an unknown key, with a suggestion', async () => {
    const text = file(outlet('alpha', ['Alpha'])).replace('    domains: []', '    domain: []');
    const f = registryFile(text);
    const at = positionOf(text, 'domain:');
    expect(await problems([f])).toEqual([
      `${f}:${at.line - 3}:5: outlets.0 is missing the required key "domains"`,
      `${f}:${at.line}:${at.column}: unknown key "domain" in outlets.0 (did you mean "domains"?)`,
    ]);
  });

  it('a duplicate id in one file', async () => {
    const text = file(outlet('alpha', ['Alpha']), outlet('alpha', ['Alpha Two']));
    const f = registryFile(text);
    const first = positionOf(text, 'alpha');
    const second = positionOf(text, 'alpha', text.lastIndexOf('- id: alpha'));
    expect(await problems([f])).toEqual([
      `${f}:${second.line}:${second.column}: duplicate outlet id "alpha": already defined at ${f}:${first.line}:${first.column} (a later file may replace an outlet by id, but one file must not define it twice)`,
    ]);
  });

  it('a domain of two outlets', async () => {
    const text = file(outlet('alpha', ['Alpha']), outlet('beta', ['Beta'])).replaceAll('domains: []', 'domains: ["alpha.ir"]');
    const f = registryFile(text);
    const first = positionOf(text, '"alpha.ir"');
    const second = positionOf(text, '"alpha.ir"', text.indexOf('- id: beta'));
    expect(await problems([f])).toEqual([`${f}:${second.line}:${second.column}: domain "alpha.ir" of outlet "beta" is already a domain of outlet "alpha" (${f}:${first.line}:${first.column})`]);
  });

  it('collects problems from every file; a good file does not half-load', async () => {
    const bad1 = registryFile('version: 1\noutlets: [\n');
    const bad2 = registryFile(file(outlet('Bad_Id', ['X'])));
    const missing = join(dir, 'missing.yaml');
    const out = await problems([BUILTIN_REGISTRY, bad1, bad2, missing]);
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(new RegExp(`^${bad1.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:1: YAML syntax: `));
    expect(out[1]).toBe(`${bad2}:3:9: outlets.0.id must match pattern "^[a-z][a-z0-9-]*$"`);
    expect(out[2]).toMatch(new RegExp(`^${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:1: cannot read source registry: ENOENT`));
  });
});
