/**
 * What a config says about paths: which files to leave alone (ignorePatterns and a .manbaignore file in
 * gitignore syntax, both relative to the config's folder) and which settings apply to a file (overrides; the
 * last matching override wins).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { lazyRequire } from '../lazy.js';
import type { DocumentSettings } from '../engine/engine.js';
import type { Config, RuleSet } from './load.js';

export const IGNORE_FILE = '.manbaignore';

/** Loaded by a config with overrides (or waivers with paths): most runs have none. */
export const picomatch = lazyRequire<typeof import('picomatch')>('picomatch');
/** Loaded when there are ignore patterns. */
const ignore = lazyRequire<typeof import('ignore')>('ignore');

export interface PathRules {
  /** Whether any file can be ignored (.manbaignore or ignorePatterns has a pattern): when not, `ignored` never answers. */
  ignoresAny: boolean;
  /** A reason when the file (a resolved absolute path) is ignored, else undefined. */
  ignored(absolutePath: string): string | undefined;
  settingsFor(path: string): DocumentSettings | undefined;
}

/**
 * `commandLineSite`: a --site given on the command line, which wins over the sites of overrides (the config's
 * top-level site is already replaced by it in the engine's options).
 */
export function pathRules(config: Config, ruleSet: RuleSet, cwd: string, commandLineSite?: string): PathRules {
  const base = config.file ? dirname(config.file) : cwd;
  const rel = (p: string) => {
    const abs = isAbsolute(p) ? p : resolve(cwd, p.split('#')[0]!);
    return relative(base, abs).split(sep).join('/');
  };
  // Where a resolved path lies in the config's folder, for `ignored`: on POSIX a prefix test and a slice, not
  // path.relative (15–40 ms per 20,000 paths: every file of a run is asked); elsewhere, where paths may differ in
  // case and separators, path.relative. Undefined outside the folder (and for the folder itself).
  const root = resolve(base);
  const prefix = root.endsWith(sep) ? root : root + sep;
  const inside = (absolute: string): string | undefined => {
    if (sep === '/') return absolute.startsWith(prefix) ? absolute.slice(prefix.length) : undefined;
    const r = rel(absolute);
    return r.startsWith('..') || r === '' ? undefined : r;
  };
  const fromFile = existsSync(join(base, IGNORE_FILE)) ? readFileSync(join(base, IGNORE_FILE), 'utf8') : '';
  // Only built when there are patterns: `ignore` caches every path it is asked about, 200 bytes and more a file,
  // which over an archive of 100,000 files with no patterns at all was 25 MB held for the whole run.
  const byFile = fromFile.trim() ? ignore()().add(fromFile) : undefined;
  const byConfig = config.ignorePatterns?.length ? ignore()().add(config.ignorePatterns) : undefined;
  const overrides = (config.overrides ?? []).map((o) => ({ match: picomatch()(o.files, { dot: true }), override: o }));
  const combos = new Map<string, DocumentSettings | undefined>();
  const ignoresAny = !!(byFile || byConfig);

  return {
    ignoresAny,
    ignored(absolutePath) {
      if (!ignoresAny) return undefined;
      const r = inside(absolutePath);
      if (r === undefined) return undefined; // outside the project: nothing of its config applies
      if (byFile?.ignores(r)) return `ignored by ${IGNORE_FILE}`;
      if (byConfig?.ignores(r)) return 'ignored by ignorePatterns in the config';
      return undefined;
    },
    settingsFor(path) {
      if (overrides.length === 0) return undefined;
      const r = rel(path);
      const matching = overrides.map((o, k) => (o.match(r) ? k : -1)).filter((k) => k >= 0);
      const key = matching.join(',');
      if (!combos.has(key)) {
        if (matching.length === 0) combos.set(key, undefined);
        else {
          const severities = new Map(ruleSet.severities);
          let site: string | undefined;
          let scope: 'article' | 'page' | undefined;
          for (const k of matching) {
            const o = overrides[k]!.override;
            for (const [id, level] of Object.entries(o.rules ?? {})) severities.set(id, level === 'warn' ? 'warning' : level);
            if (o.site) site = commandLineSite ?? o.site;
            if (o.scope) scope = o.scope;
          }
          combos.set(key, { severities, ...(site ? { site } : {}), ...(scope ? { scope } : {}) });
        }
      }
      return combos.get(key);
    },
  };
}
