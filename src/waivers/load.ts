/**
 * Waiver files: approved exceptions the legal desk keeps beside the config (`waivers: legal/waivers.yaml`). Read
 * only, never written. Every problem is a load error at its line and column: a rule id no rule of the run
 * reports, an outlet the registry does not know, a date that does not exist, a missing approver.
 */
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import type { WaiverRef } from '../engine/finding.js';
import { ConfigError, didYouMean, type FileProblem } from '../rules/problems.js';
import { parseYaml, validateYaml } from '../rules/yaml-file.js';
import type { Config, RuleSet } from '../config/load.js';
import type { Registry } from '../sources/registry.js';
import { jalaliToIso } from '../text/jalali.js';
import { waiverFileSchema } from './schema.js';
import { picomatch } from '../config/paths.js';

export interface Waiver extends WaiverRef {
  id?: string;
  paths?: string[];
  urls?: string[];
  outlet?: string;
  sha256?: string;
  /** The dates as the file wrote them (Jalali stays Jalali in listings). */
  written: { approved: string; expires: string };
}

export interface WaiverSet {
  file: string;
  waivers: Waiver[];
  /** The folder path globs are relative to: the config file's. */
  base: string;
}

/** What a waiver is matched against: a document's result, and the working directory its path is relative to. */
export interface WaivedDocument {
  path: string;
  url?: string;
  sha256?: string;
  outlet?: string;
}

/** The calendar day of `now` in Tehran, as YYYY-MM-DD: a waiver's last day ends at midnight where the desk is. */
export function tehranDay(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tehran', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** Whole days from `today` to `day` (both YYYY-MM-DD): 0 on the last day, negative once past. */
export function daysBetween(today: string, day: string): number {
  return Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}

/** An ISO date or a Jalali one (a year before 1700), in Latin or Persian digits, as YYYY-MM-DD; undefined if no such day. */
export function parseWaiverDate(text: string): string | undefined {
  const latin = text.replace(/[۰-۹]/g, (c) => String(c.charCodeAt(0) - 0x6f0));
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(latin);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1700) return jalaliToIso({ year, month, day });
  const iso = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.getUTCFullYear() === year && d.getUTCMonth() + 1 === month && d.getUTCDate() === day ? iso : undefined;
}

interface RawWaiver {
  id?: string;
  rule: string;
  paths?: string[];
  urls?: string[];
  outlet?: string;
  sha256?: string;
  reason: string;
  approvedBy: string;
  approved: string;
  expires: string;
}

/**
 * Read and validate a waiver file. `knownRules` are the check ids of the run (a waiver may name one, or a family
 * of them); `base` is the folder path globs are relative to. Throws ConfigError with every problem found.
 */
export async function loadWaivers(file: string, options: { knownRules: Iterable<string>; registry?: Registry; base?: string }): Promise<WaiverSet> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError([{ file, line: 1, column: 1, message: `cannot read waiver file: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}` }]);
  }
  const { parsed, problems } = parseYaml(file, text);
  if (!parsed) throw new ConfigError(problems);
  if (parsed.data === null || parsed.data === undefined) throw new ConfigError([{ file, line: 1, column: 1, message: 'the waiver file is empty; it needs a waivers: list' }]);
  // Schema problems and the checks below are reported together, every one at its place.
  const invalid = validateYaml(parsed, waiverFileSchema);
  const list = (parsed.data as { waivers?: unknown }).waivers;
  if (!Array.isArray(list)) throw new ConfigError(invalid);
  const known = [...options.knownRules];
  const families = new Set(known.map((id) => id.split('/')[0]!));
  const out: Waiver[] = [];
  const errors: FileProblem[] = [...invalid];
  const at = (path: (string | number)[], key = false) => ({ file, ...parsed.spot(path, key) });
  const dateShaped = (v: unknown): v is string => typeof v === 'string' && /^[0-9۰-۹]{4}[-/][0-9۰-۹]{1,2}[-/][0-9۰-۹]{1,2}$/.test(v);
  (list as RawWaiver[]).forEach((w, k) => {
    if (typeof w !== 'object' || w === null) return;
    const here = ['waivers', k];
    if (typeof w.rule === 'string' && !known.includes(w.rule) && !families.has(w.rule)) {
      const guess = didYouMean(w.rule, [...known, ...families]);
      errors.push({ ...at([...here, 'rule']), message: `waivers.${k}.rule: no rule of this run is "${w.rule}"`, hint: guess ? `did you mean "${guess}"?` : 'give a rule id (notice/missing) or a family (notice); manba rules list shows them' });
    }
    if (w.paths === undefined && w.urls === undefined && w.outlet === undefined && w.sha256 === undefined) {
      errors.push({ ...at(here), message: `waivers.${k} covers no documents: give paths, urls, outlet or sha256` });
    }
    if (typeof w.outlet === 'string' && options.registry && !options.registry.byId(w.outlet)) {
      const guess = didYouMean(w.outlet, options.registry.outlets.map((o) => o.id));
      errors.push({ ...at([...here, 'outlet']), message: `waivers.${k}.outlet: no outlet with the id "${w.outlet}" in the registry`, hint: guess ? `did you mean "${guess}"?` : 'manba sources list shows the ids' });
    }
    const approved = dateShaped(w.approved) ? parseWaiverDate(w.approved) : undefined;
    const expires = dateShaped(w.expires) ? parseWaiverDate(w.expires) : undefined;
    if (dateShaped(w.approved) && !approved) errors.push({ ...at([...here, 'approved']), message: `waivers.${k}.approved: "${w.approved}" is no date in the ISO or the Jalali calendar` });
    if (dateShaped(w.expires) && !expires) errors.push({ ...at([...here, 'expires']), message: `waivers.${k}.expires: "${w.expires}" is no date in the ISO or the Jalali calendar` });
    if (approved && expires && expires < approved) errors.push({ ...at([...here, 'expires']), message: `waivers.${k}.expires (${expires}) is before it was approved (${approved})` });
    if (!approved || !expires || errors.length) return;
    const spot = parsed.spot(here);
    out.push({
      file,
      line: spot.line,
      column: spot.column,
      rule: w.rule,
      reason: w.reason,
      approvedBy: w.approvedBy,
      approved,
      expires,
      written: { approved: w.approved, expires: w.expires },
      ...(w.id ? { id: w.id } : {}),
      ...(w.paths ? { paths: w.paths } : {}),
      ...(w.urls ? { urls: w.urls } : {}),
      ...(w.outlet ? { outlet: w.outlet } : {}),
      ...(w.sha256 ? { sha256: w.sha256.toLowerCase() } : {}),
    });
  });
  if (errors.length) throw new ConfigError([...new Map(errors.map((e) => [`${e.line}:${e.column}:${e.message}`, e])).values()].sort((a, b) => a.line - b.line || a.column - b.column));
  return { file, waivers: out, base: options.base ?? dirname(file) };
}

/** A URL pattern as a whole-string test: `*` matches any run of characters, everything else itself. */
function urlPattern(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
}

export interface WaiverMatcher {
  waiver: Waiver;
  /** Whether the waiver covers this finding of this document. */
  covers(doc: WaivedDocument, ruleId: string): boolean;
}

/** Compile each waiver's tests once. Paths are matched relative to `set.base`, with any `#item` part dropped. */
export function waiverMatchers(set: WaiverSet, cwd: string): WaiverMatcher[] {
  return set.waivers.map((waiver) => {
    const glob = waiver.paths ? picomatch()(waiver.paths, { dot: true }) : undefined;
    const urls = waiver.urls?.map(urlPattern);
    const relPath = (p: string) => relative(set.base, resolve(cwd, p.split('#')[0]!)).split(sep).join('/');
    return {
      waiver,
      covers(doc, ruleId) {
        if (ruleId !== waiver.rule && !ruleId.startsWith(`${waiver.rule}/`)) return false;
        if (glob && (/^[a-z][a-z0-9+.-]*:\/\//i.test(doc.path) || !glob(relPath(doc.path)))) return false;
        if (urls) {
          const url = doc.url ?? (/^https?:\/\//i.test(doc.path) ? doc.path : undefined);
          if (!url || !urls.some((u) => u.test(url))) return false;
        }
        if (waiver.outlet && doc.outlet !== waiver.outlet) return false;
        if (waiver.sha256 && doc.sha256 !== waiver.sha256) return false;
        return true;
      },
    };
  });
}

/** The waiver file a config names, loaded against the run's rules and registry; undefined when it names none. */
export async function waiversOf(config: Config, ruleSet: RuleSet, cwd: string): Promise<WaiverSet | undefined> {
  if (!config.waivers) return undefined;
  const base = config.file ? dirname(config.file) : cwd;
  return loadWaivers(resolve(base, config.waivers), { knownRules: ruleSet.severities.keys(), registry: ruleSet.registry, base });
}
