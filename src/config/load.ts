/** Finding, loading and validating manba.config.yaml, and turning it into the rule set a run uses. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { BUILTIN_RULE_FILES, loadRules, type CompiledRule } from '../rules/load.js';
import { ConfigError, didYouMean, type FileProblem } from '../rules/problems.js';
import { isProblemId } from '../documents/problems.js';
import type { Lang } from '../rules/types.js';
import { parseYaml, validateYaml } from '../rules/yaml-file.js';
import { configSchema } from './schema.js';
import type { Encoding } from '../documents/decode.js';
import type { ReaderOptions } from '../documents/readers/types.js';
import { resolveExtends } from './extends.js';
import { BUILTIN_REGISTRY, loadRegistry, type Registry } from '../sources/registry.js';

export const CONFIG_FILE_NAMES = ['manba.config.yaml', 'manba.config.yml'];

export interface Config {
  /** The config file it came from, if any; `extends` entries resolve from its folder (else the working directory). */
  file?: string;
  site?: string;
  lang?: Lang;
  extends: string[];
  builtins: boolean;
  rules: Record<string, 'off' | 'warn' | 'warning' | 'error'>;
  /** Outlet registry files that add or override outlets of the built-in registry, relative to the config. */
  sources?: string[];
  ignorePatterns?: string[];
  maxFileSize?: number;
  encoding?: Encoding;
  read?: ReaderOptions;
  overrides?: { files: string[]; rules?: Record<string, 'off' | 'warn' | 'warning' | 'error'>; site?: string; scope?: 'article' | 'page' }[];
  scope?: 'article' | 'page';
  /** The waiver file, relative to the config file (see src/waivers/). */
  waivers?: string;
  /** Position of a key or value in the config file, for errors found after validation. */
  locate?: (path: (string | number)[], key?: boolean) => { line: number; column: number };
}

/**
 * The nearest config file from `cwd` upwards, or undefined. The search stops at the project root (a folder
 * with .git or package.json), so a stray config in a parent folder never changes a project's results.
 */
export function findConfig(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    for (const name of CONFIG_FILE_NAMES) {
      const p = join(dir, name);
      if (existsSync(p)) return p;
    }
    if (dirname(dir) === dir || existsSync(join(dir, '.git')) || existsSync(join(dir, 'package.json'))) return undefined;
  }
}

export async function loadConfig(file: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError([{ file, line: 1, column: 1, message: `cannot read config: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}` }]);
  }
  const { parsed, problems } = parseYaml(file, text);
  if (!parsed) throw new ConfigError(problems);
  if (parsed.data === null || parsed.data === undefined) return { file, extends: [], builtins: true, rules: {} };
  const invalid = validateYaml(parsed, configSchema);
  if (invalid.length) throw new ConfigError(invalid);
  const raw = parsed.data as Omit<Config, 'file'>;
  const config: Config = {
    file,
    extends: raw.extends ?? [],
    builtins: raw.builtins ?? true,
    rules: raw.rules ?? {},
    sources: raw.sources ?? [],
    ignorePatterns: raw.ignorePatterns ?? [],
    overrides: raw.overrides ?? [],
    ...(raw.maxFileSize ? { maxFileSize: raw.maxFileSize } : {}),
    ...(raw.encoding ? { encoding: raw.encoding } : {}),
    ...(raw.read ? { read: raw.read } : {}),
    ...(raw.scope ? { scope: raw.scope } : {}),
    ...(raw.waivers ? { waivers: raw.waivers } : {}),
  };
  if (raw.site) config.site = raw.site;
  if (raw.lang) config.lang = raw.lang;
  config.locate = parsed.spot;
  return config;
}

/** A rule set ready to run: compiled rules with each check's effective severity. */
export interface RuleSet {
  rules: CompiledRule[];
  /** The outlet registry the rules resolve names with. */
  registry: Registry;
  /** Effective severity of every known check id. */
  severities: Map<string, 'error' | 'warning' | 'off'>;
}

/** Load the built-in and extra rule files and apply the config's settings. Throws ConfigError. */
export async function buildRuleSet(config: Config): Promise<RuleSet> {
  const baseDir = config.file ? dirname(config.file) : process.cwd();
  const files = config.builtins ? [...BUILTIN_RULE_FILES] : [];
  const missing: FileProblem[] = [];
  config.extends.forEach((entry, k) => {
    const r = resolveExtends(entry, baseDir);
    if (!r.ok) missing.push({ file: config.file ?? 'manba.config.yaml', ...spotOf(config, ['extends', k]), message: `extends: ${r.message}` });
    else for (const f of r.files) if (!files.includes(f)) files.push(f); // a set named twice loads once
  });
  const sourceFiles = (config.sources ?? []).map((f) => resolve(baseDir, f));
  sourceFiles.forEach((f, k) => {
    if (!existsSync(f)) missing.push({ file: config.file ?? 'manba.config.yaml', ...spotOf(config, ['sources', k]), message: `sources: no such registry file ${config.sources![k]}` });
  });
  if (missing.length) throw new ConfigError(missing);
  const [rules, registry] = await Promise.all([loadRules(files, { trustBuiltins: true }), loadRegistry([BUILTIN_REGISTRY, ...sourceFiles], { trustBuiltin: true })]);
  const severities = new Map<string, 'error' | 'warning' | 'off'>();
  for (const r of rules) for (const c of r.checks.values()) severities.set(c.id, c.severity);
  const problems: FileProblem[] = [];
  const known = new Set(severities.keys());
  const settingsAt = (path: (string | number)[], rules: Record<string, string>) => {
    const out = new Map<string, 'error' | 'warning' | 'off'>();
    for (const [id, setting] of Object.entries(rules)) {
      if (isProblemId(id)) {
        problems.push({ file: config.file ?? 'manba.config.yaml', ...spotOf(config, [...path, id], true), message: `"${id}" is reported when a document cannot be read or fetched; it is always an error and cannot be set in the config` });
        continue;
      }
      if (!known.has(id)) {
        const guess = didYouMean(id, [...known]);
        problems.push({ file: config.file ?? 'manba.config.yaml', ...spotOf(config, [...path, id], true), message: `unknown rule id "${id}"`, hint: guess ? `did you mean "${guess}"?` : `known: ${[...known].join(', ')}` });
        continue;
      }
      out.set(id, setting === 'warn' ? 'warning' : (setting as 'error' | 'warning' | 'off'));
    }
    return out;
  };
  for (const [id, level] of settingsAt(['rules'], config.rules)) severities.set(id, level);
  config.overrides?.forEach((o, k) => settingsAt(['overrides', k, 'rules'], o.rules ?? {}));
  if (problems.length) throw new ConfigError(problems);
  return { rules, registry, severities };
}

function spotOf(config: Config, path: (string | number)[], key = false): { line: number; column: number } {
  return config.locate ? config.locate(path, key) : { line: 1, column: 1 };
}
