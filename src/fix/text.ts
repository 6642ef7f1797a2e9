/** The library's way in: fix one article's text with the built-in rules (or a rule set of your own). */
import { buildRuleSet, type RuleSet } from '../config/load.js';
import { Engine } from '../engine/engine.js';
import type { Finding } from '../engine/finding.js';
import { checkRead } from '../engine/run.js';
import type { Lang } from '../rules/types.js';
import { fixBytes } from './file.js';

export interface FixTextOptions {
  /** The path the text is reported as; its extension picks the reader (`story.md`, `page.html`). Default: plain text. */
  path?: string;
  /** The publishing site (as --site): the notice a fix adds names it. */
  site?: string;
  lang?: Lang;
  /** Rule families to fix (`notice`, `attribution`); default all. */
  types?: string[];
  /** Apply suggestions too (attribution/mismatch). */
  suggestions?: boolean;
  /** The rules to check with; default the built-in rules. */
  ruleSet?: RuleSet;
}

export interface FixTextResult {
  /** The fixed text (the same string when nothing was fixed). */
  text: string;
  /** The findings whose fixes were applied, each with its fix (range in the input's UTF-8 bytes). */
  fixes: Finding[];
  /** What is left after fixing. */
  remaining: Finding[];
}

export async function fixText(text: string, options: FixTextOptions = {}): Promise<FixTextResult> {
  const ruleSet = options.ruleSet ?? (await buildRuleSet({ extends: [], builtins: true, rules: {} }));
  const engine = new Engine(ruleSet, { ...(options.site ? { site: options.site } : {}), ...(options.lang ? { lang: options.lang } : {}) });
  const bytes = Buffer.from(text, 'utf8');
  const out = fixBytes(options.path ?? '<text>', bytes, (read) => checkRead(engine, read, undefined), {}, { ...(options.types ? { types: new Set(options.types) } : {}), suggestions: options.suggestions === true });
  return {
    text: out.bytes === bytes ? text : Buffer.from(out.bytes).toString('utf8'),
    fixes: out.fixed,
    remaining: out.results.flatMap((r) => r.findings),
  };
}
