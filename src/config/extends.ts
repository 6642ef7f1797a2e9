/**
 * What an `extends:` entry names: a built-in set (`manba:recommended`), a rule file, a folder of rule files, or an
 * installed npm package (`manba-rules-acme`, `acme` for short, or `@acme/manba-rules`), so an organisation can
 * share its rules. Resolution is by the config file's folder, as Node resolves packages from there.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { BUILTIN_RULES_DIR } from '../rules/load.js';

/** Built-in rule sets by name. `manba:recommended` is what runs when a config says nothing. */
export const BUILTIN_SETS: Record<string, string[]> = {
  'manba:recommended': ['attribution.yaml', 'article74.yaml', 'byline.yaml'],
  'manba:article74': ['article74.yaml'],
  'manba:attribution': ['attribution.yaml'],
  'manba:byline': ['byline.yaml'],
};

export type ExtendsResult = { ok: true; files: string[] } | { ok: false; message: string };

const RULE_FILE = /\.ya?ml$/i;

export function resolveExtends(entry: string, baseDir: string): ExtendsResult {
  if (entry.startsWith('manba:')) {
    const set = BUILTIN_SETS[entry];
    return set ? { ok: true, files: set.map((f) => join(BUILTIN_RULES_DIR, f)) } : { ok: false, message: `unknown built-in rule set "${entry}"; known: ${Object.keys(BUILTIN_SETS).join(', ')}` };
  }
  const local = resolve(baseDir, entry);
  if (entry.startsWith('.') || entry.startsWith('/') || RULE_FILE.test(entry) || existsSync(local)) {
    if (!existsSync(local)) return { ok: false, message: `no such rule file or folder: ${entry}` };
    return statSync(local).isDirectory() ? ruleFilesIn(local, entry) : { ok: true, files: [local] };
  }
  return resolvePackage(entry, baseDir);
}

function ruleFilesIn(dir: string, shown: string): ExtendsResult {
  const files = readdirSync(dir)
    .filter((f) => RULE_FILE.test(f) && !/^sources\.ya?ml$/i.test(f) && !/^manba\.config\.ya?ml$/i.test(f))
    .sort()
    .map((f) => join(dir, f));
  return files.length ? { ok: true, files } : { ok: false, message: `no rule files (*.yaml) in folder ${shown}` };
}

/** An npm package: its package.json `manba.rules` (a file, folder or list), else its rules/ folder, else its *.yaml. */
function resolvePackage(name: string, baseDir: string): ExtendsResult {
  const require = createRequire(join(baseDir, 'noop.js'));
  const candidates = name.startsWith('@') || name.startsWith('manba-rules-') ? [name] : [`manba-rules-${name}`, name];
  for (const candidate of candidates) {
    let pkgJson: string;
    try {
      pkgJson = require.resolve(`${candidate}/package.json`);
    } catch {
      continue;
    }
    const root = dirname(pkgJson);
    const manifest = JSON.parse(readFileSync(pkgJson, 'utf8')) as { manba?: { rules?: string | string[] } };
    const declared = manifest.manba?.rules;
    const entries = declared === undefined ? [existsSync(join(root, 'rules')) ? 'rules' : '.'] : Array.isArray(declared) ? declared : [declared];
    const files: string[] = [];
    for (const e of entries) {
      const r = resolveExtends(e.startsWith('.') ? e : `./${e}`, root);
      if (!r.ok) return { ok: false, message: `package ${candidate}: ${r.message}` };
      files.push(...r.files);
    }
    return { ok: true, files };
  }
  return { ok: false, message: `cannot find rule package "${name}" (looked for ${candidates.join(', ')} from ${baseDir}); install it with npm, or write a path starting with ./` };
}
