/**
 * The outlet registry (rules/sources.yaml, plus any user `sources:` files): which outlet a written name,
 * a URL or a domain refers to.
 *
 * Loading parses every file with positions, validates it against rules/schemas/sources.schema.json and then
 * checks what the schema cannot: an id defined twice in one file, and an alias (or display name) or a domain
 * that belongs to two different outlets. Later files replace earlier outlets with the same id. Every problem
 * is collected and thrown as one ConfigError; nothing half-loads.
 *
 * Resolution is a few Map lookups: the alias map (folded skeleton → outlet) and the domain map are built once
 * at construction. Only `closest`, which runs for unknown names, scans all aliases.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { fold, foldText, skeletonUnit } from '../text/fold.js';
import { ConfigError, type FileProblem } from '../rules/problems.js';
import { parseYaml, validateYaml, type ParsedYaml } from '../rules/yaml-file.js';

const RULES_DIR = new URL('../../rules/', import.meta.url);

/** Path of the built-in registry, rules/sources.yaml. */
export const BUILTIN_REGISTRY = fileURLToPath(new URL('sources.yaml', RULES_DIR));
/** Path of the registry's JSON Schema, rules/schemas/sources.schema.json. */
export const REGISTRY_SCHEMA = fileURLToPath(new URL('schemas/sources.schema.json', RULES_DIR));

export type OutletKind = 'news-agency' | 'newspaper' | 'news-site' | 'broadcaster' | 'aggregator' | 'other';
export type YesNoUnknown = 'yes' | 'no' | 'unknown';
export type Republication = 'allowed' | 'with-permission' | 'not-allowed' | 'unknown';

export interface OutletTerms {
  attributionRequired: YesNoUnknown;
  linkRequired: YesNoUnknown;
  republication: Republication;
  notes: string;
  sourceUrl?: string;
}

export interface Spot {
  file: string;
  line: number;
  column: number;
}

export interface Outlet {
  id: string;
  name: { fa: string; en: string };
  aliases: string[];
  domains: string[];
  kind: OutletKind;
  terms: OutletTerms;
  /** Where the outlet is defined (its `id` value). */
  spot: Spot;
}

/**
 * The lookup key of a written name: its skeleton (folded letters and digits, no spaces or punctuation), also
 * without the '-' and '/' a skeleton keeps for dates, so «Donya-e-Eqtesad» and «Donya e Eqtesad» are one key.
 */
export function aliasKey(name: string): string {
  return keyOfFolded(foldText(name).text);
}

/** aliasKey of text that is already folded: what skeletonOf keeps, less '-' and '/'. One pass, no refolding. */
function keyOfFolded(folded: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < folded.length; i++) {
    const c = folded.charCodeAt(i);
    if (skeletonUnit[c] && c !== 0x2d && c !== 0x2f) continue;
    if (i > from) out += folded.slice(from, i);
    from = i + 1;
  }
  return from === 0 ? folded : out + folded.slice(from);
}

/** Generic words in front of an outlet's name, longest first, as folded word sequences. */
const GENERIC_PREFIXES: string[][] = [
  ['پایگاه', 'خبری', 'تحلیلی'],
  ['پایگاه', 'اطلاع', 'رسانی'],
  ['پایگاه', 'خبری'],
  ['وب', 'سایت'],
  ['خبرگزاری'],
  ['روزنامه'],
  ['هفته', 'نامه'],
  ['هفتهنامه'],
  ['پایگاه'],
  ['سایت'],
  ['وبسایت'],
].map((ws) => ws.map((w) => fold(w)));
/** «گروه ورزشی …», «سرویس سیاسی …»: a desk of the outlet, dropped with the word after it. */
const DESK_WORDS = new Set(['گروه', 'سرویس'].map((w) => fold(w)));
/** Generic words after an outlet's name (English), longest first. */
const GENERIC_SUFFIXES: string[][] = [['news', 'agency'], ['agency']];

const WORD_SPLIT = /[\s"'`«»“”()[\]{}<>:;,.!?؟،؛…|\-–—_*#/\\]+/u;
/** A URL, or something shaped like a bare host name: «https://www.irna.ir/…», «irna.ir», «www.tasnimnews.com». */
const URL_LIKE = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^\s/@]+@)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,63}\.?(?::\d+)?(?:[/?#]\S*)?$/i;
/** Quotes and punctuation around a written name: «"فارس."», (IRNA). */
const EDGE_PUNCT = /^[\s"'`«»“”‘’()[\]{}<>.,;:!?؟،؛…\-–—]+|[\s"'`«»“”‘’()[\]{}<>.,;:!?؟،؛…\-–—]+$/gu;

export class Registry {
  readonly outlets: readonly Outlet[];
  private readonly ids = new Map<string, Outlet>();
  private readonly aliases = new Map<string, Outlet>();
  private readonly domains = new Map<string, Outlet>();

  /**
   * Build the lookup maps. `loadRegistry` has already rejected duplicate ids, aliases and domains; an
   * outlet constructed directly with a clash keeps the first definition.
   */
  constructor(outlets: readonly Outlet[]) {
    this.outlets = outlets;
    for (const o of outlets) {
      if (!this.ids.has(o.id)) this.ids.set(o.id, o);
      for (const name of namesOf(o)) {
        const key = aliasKey(name);
        if (key && !this.aliases.has(key)) this.aliases.set(key, o);
      }
      for (const d of o.domains) {
        const host = d.toLowerCase();
        if (!this.domains.has(host)) this.domains.set(host, o);
      }
    }
  }

  byId(id: string): Outlet | undefined {
    return this.ids.get(id);
  }

  /** The outlet whose domain is `host` or a parent of it at a dot boundary («en.irna.ir» → irna). */
  byHost(host: string): Outlet | undefined {
    let h = host.toLowerCase().replace(/\.$/, '');
    if (h.startsWith('www.')) h = h.slice(4);
    // One lookup per label: «a.b.irna.ir», «b.irna.ir», «irna.ir», «ir».
    for (;;) {
      const hit = this.domains.get(h);
      if (hit) return hit;
      const dot = h.indexOf('.');
      if (dot < 0) return undefined;
      h = h.slice(dot + 1);
    }
  }

  /**
   * The outlet a written name refers to: an alias or display name (compared folded, so Arabic yeh/kaf, ZWNJ,
   * spacing, case, quotes and punctuation do not matter); a URL or bare domain, by host; or the name without
   * generic words around it («خبرگزاری», «روزنامه», «پایگاه خبری», «سایت», a desk «گروه ورزشی», «news agency»).
   */
  /** Names already resolved: the same few outlets are named in document after document. */
  private readonly resolved = new Map<string, Outlet | null>();

  resolve(name: string): Outlet | undefined {
    const cached = this.resolved.get(name);
    if (cached !== undefined) return cached ?? undefined;
    const outlet = this.resolveUncached(name);
    if (this.resolved.size >= 50_000) this.resolved.clear(); // bounded: an archive of odd names cannot grow it forever
    this.resolved.set(name, outlet ?? null);
    return outlet;
  }

  private resolveUncached(name: string): Outlet | undefined {
    const folded = foldText(name).text;
    const hit = this.aliases.get(keyOfFolded(folded));
    if (hit) return hit;
    const trimmed = name.replace(EDGE_PUNCT, '');
    if (!trimmed) return undefined;
    if (URL_LIKE.test(trimmed)) return this.byHost(hostOf(trimmed) ?? '');
    let words = folded.split(WORD_SPLIT).filter(Boolean);
    // Each pass drops one generic word group and looks up what is left: a handful of lookups at most.
    for (let pass = 0; pass < 6; pass++) {
      const next = stripGeneric(words);
      if (!next || next.length === 0) return undefined;
      words = next;
      const found = this.aliases.get(keyOfFolded(words.join('')));
      if (found) return found;
    }
    return undefined;
  }

  /**
   * Suggestions for a name `resolve` does not know: the outlets with the nearest alias by edit distance on
   * skeletons (also of the name without generic words), nearest first, close enough to be a likely typo or
   * variant. Scans every alias; meant for error messages only.
   */
  closest(name: string, n = 3): Outlet[] {
    const keys = new Set<string>();
    const full = aliasKey(name);
    if (full) keys.add(full);
    let words = foldText(name).text.split(WORD_SPLIT).filter(Boolean);
    for (let pass = 0; pass < 6; pass++) {
      const next = stripGeneric(words);
      if (!next || next.length === 0) break;
      words = next;
      keys.add(keyOfFolded(words.join('')));
    }
    keys.delete('');
    if (keys.size === 0 || n <= 0) return [];
    const best = new Map<Outlet, number>();
    for (const [alias, outlet] of this.aliases) {
      for (const key of keys) {
        const limit = Math.max(2, Math.ceil(Math.min(key.length, alias.length) * 0.4));
        const d = editDistance(key, alias, limit);
        if (d <= limit && d < (best.get(outlet) ?? Infinity)) best.set(outlet, d);
      }
    }
    return [...best]
      .sort((a, b) => a[1] - b[1] || a[0].id.localeCompare(b[0].id))
      .slice(0, n)
      .map(([o]) => o);
  }
}

function namesOf(o: Outlet): string[] {
  return [o.name.fa, o.name.en, ...o.aliases];
}

function hostOf(s: string): string | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : `http://${s}`;
  try {
    return new URL(withScheme).hostname;
  } catch {
    return undefined;
  }
}

function startsWith(words: string[], prefix: string[]): boolean {
  return prefix.length <= words.length && prefix.every((w, i) => words[i] === w);
}

/** `words` without one generic group at the front or back, or undefined when there is none. */
function stripGeneric(words: string[]): string[] | undefined {
  if (words.length >= 3 && DESK_WORDS.has(words[0]!)) return words.slice(2);
  for (const p of GENERIC_PREFIXES) if (startsWith(words, p)) return words.slice(p.length);
  for (const s of GENERIC_SUFFIXES) {
    if (s.length <= words.length && s.every((w, i) => words[words.length - s.length + i] === w)) return words.slice(0, words.length - s.length);
  }
  return undefined;
}

/** Levenshtein distance, giving up (returning limit + 1) once every entry of a row exceeds `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    let rowMin = row[0];
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
      if (row[j]! < rowMin) rowMin = row[j]!;
    }
    if (rowMin > limit) return limit + 1;
  }
  return row[b.length]!;
}

// ------------------------------------------------------------------------------------------------ loading

let schemaPromise: Promise<Record<string, unknown>> | undefined;

function registrySchema(): Promise<Record<string, unknown>> {
  schemaPromise ??= readFile(REGISTRY_SCHEMA, 'utf8').then((t) => JSON.parse(t) as Record<string, unknown>);
  return schemaPromise;
}

type RawOutlet = Omit<Outlet, 'spot'>;

/** An outlet as loaded, with the positions of its names for error messages. */
interface Defined {
  outlet: Outlet;
  parsed: ParsedYaml;
  index: number;
}

const fmt = (s: Spot): string => `${s.file}:${s.line}:${s.column}`;

/** `schema` undefined: the built-in registry on a check run, validated by the test suite, not on every start. */
async function loadFile(file: string, schema: Record<string, unknown> | undefined): Promise<{ defined: Defined[]; problems: FileProblem[] }> {
  const problems: FileProblem[] = [];
  return { defined: await defineFile(file, schema, problems), problems };
}

async function defineFile(file: string, schema: Record<string, unknown> | undefined, problems: FileProblem[]): Promise<Defined[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    problems.push({ file, line: 1, column: 1, message: `cannot read source registry: ${(err as Error).message}` });
    return [];
  }
  const { parsed, problems: syntax } = parseYaml(file, text);
  problems.push(...syntax);
  if (!parsed) return [];
  const invalid = schema ? validateYaml(parsed, schema) : [];
  problems.push(...invalid);
  if (invalid.length) return [];
  const raw = (parsed.data as { outlets: RawOutlet[] }).outlets;
  const out: Defined[] = [];
  const seen = new Map<string, Spot>();
  raw.forEach((r, index) => {
    const spot: Spot = { file, ...parsed.spot(['outlets', index, 'id']) };
    const earlier = seen.get(r.id);
    if (earlier) {
      problems.push({ ...spot, message: `duplicate outlet id "${r.id}": already defined at ${fmt(earlier)}`, hint: 'a later file may replace an outlet by id, but one file must not define it twice' });
      return;
    }
    seen.set(r.id, spot);
    // Terms are legal data: a stated term must say where it was read, or it is a guess.
    const t = r.terms;
    const stated = [t.attributionRequired, t.linkRequired, t.republication].some((v) => v !== 'unknown');
    if (stated && (!t.sourceUrl || /^\s*not sourced\s*$/i.test(t.notes))) {
      problems.push({ file, ...parsed.spot(['outlets', index, 'terms']), message: `outlet "${r.id}" states terms without their source: give terms.sourceUrl and quote the outlet's own wording in terms.notes`, hint: 'or set the terms to unknown' });
    }
    const outlet: Outlet = {
      id: r.id,
      name: { fa: r.name.fa, en: r.name.en },
      aliases: [...r.aliases],
      domains: [...r.domains],
      kind: r.kind,
      terms: { ...r.terms },
      spot,
    };
    out.push({ outlet, parsed, index });
  });
  return out;
}

/** Each written name of an outlet with the path of its value in the file. */
function namesWithPaths(d: Defined): { name: string; path: (string | number)[] }[] {
  const base = ['outlets', d.index];
  return [
    { name: d.outlet.name.fa, path: [...base, 'name', 'fa'] },
    { name: d.outlet.name.en, path: [...base, 'name', 'en'] },
    ...d.outlet.aliases.map((name, k) => ({ name, path: [...base, 'aliases', k] })),
  ];
}

/**
 * Load registry files in order (the built-in one first, then user files). A later file replaces an earlier
 * outlet with the same id, in place; new ids are appended. Throws ConfigError listing every problem in
 * every file.
 */
export async function loadRegistry(files: readonly string[], options: { trustBuiltin?: boolean } = {}): Promise<Registry> {
  const problems: FileProblem[] = [];
  const schema = await registrySchema();
  const loaded = await Promise.all(files.map((f) => loadFile(f, options.trustBuiltin && f === BUILTIN_REGISTRY ? undefined : schema)));

  // Problems in file order; later files override earlier ones by id.
  const byId = new Map<string, Defined>();
  for (const file of loaded) {
    problems.push(...file.problems);
    for (const d of file.defined) byId.set(d.outlet.id, d);
  }
  const defined = [...byId.values()];

  // Aliases and display names, compared by key, must each belong to one outlet; so must domains.
  const aliasOwner = new Map<string, { d: Defined; name: string; spot: Spot }>();
  const domainOwner = new Map<string, { d: Defined; spot: Spot }>();
  for (const d of defined) {
    const at = (path: (string | number)[]): Spot => ({ file: d.parsed.file, ...d.parsed.spot(path) });
    for (const { name, path } of namesWithPaths(d)) {
      const key = aliasKey(name);
      const label = path[2] === 'name' ? `name.${String(path[3])}` : 'alias';
      if (!key) {
        problems.push({ ...at(path), message: `${label} «${name}» of outlet "${d.outlet.id}" has no letters or digits` });
        continue;
      }
      const owner = aliasOwner.get(key);
      if (!owner) aliasOwner.set(key, { d, name, spot: at(path) });
      else if (owner.d.outlet.id !== d.outlet.id) {
        const same = owner.name === name ? '' : ` (as «${owner.name}»)`;
        problems.push({
          ...at(path),
          message: `${label} «${name}» of outlet "${d.outlet.id}" is already an alias of outlet "${owner.d.outlet.id}"${same} (${fmt(owner.spot)})`,
          hint: 'names are compared folded (case, spaces, ZWNJ, Arabic yeh/kaf ignored); give each name to one outlet only',
        });
      }
    }
    d.outlet.domains.forEach((domain, k) => {
      const spot = at(['outlets', d.index, 'domains', k]);
      const owner = domainOwner.get(domain);
      if (!owner) domainOwner.set(domain, { d, spot });
      else if (owner.d.outlet.id !== d.outlet.id) {
        problems.push({ ...spot, message: `domain "${domain}" of outlet "${d.outlet.id}" is already a domain of outlet "${owner.d.outlet.id}" (${fmt(owner.spot)})` });
      }
    });
  }

  if (problems.length) throw new ConfigError(problems);
  return new Registry(defined.map((d) => d.outlet));
}
