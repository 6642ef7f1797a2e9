/**
 * What a report records so an audit can be repeated and shown to be the same: the manba version (in `tool`),
 * hashes of the effective rule set and of the outlet registry, the version of each legal text (the canonical
 * notice), the settings, and when the run started and ended. Each document's SHA-256 is on its result.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config, RuleSet } from '../config/load.js';

export interface RunEvidence {
  startedAt: string;
  finishedAt: string;
  /** SHA-256 of every rule file's bytes and the effective severities. */
  ruleSetSha256: string;
  /** SHA-256 of the registry files' bytes. */
  registrySha256: string;
  /** Legal texts by rule id: a hash of the canonical text and its accepted variants. */
  legalTexts: Record<string, string>;
  settings: Record<string, unknown>;
}

const fileHash = (files: string[]) => {
  const h = createHash('sha256');
  for (const f of [...new Set(files)].sort()) h.update(f.replace(/^.*\/rules\//, 'rules/')).update(readFileSync(f));
  return h;
};

/**
 * The rule set's and the registry's digests: every rule file's bytes with the effective severities, and the
 * registry files' bytes. Computed once per run (reports record them; the result cache keys on them).
 */
export function ruleSetDigests(ruleSet: RuleSet): { ruleSetSha256: string; registrySha256: string } {
  return (digestCache.get(ruleSet) ??
    digestCache.set(ruleSet, {
      ruleSetSha256: fileHash(ruleSet.rules.map((r) => r.definition.spot.file)).update(JSON.stringify([...ruleSet.severities].sort())).digest('hex'),
      registrySha256: fileHash(ruleSet.registry.outlets.map((o) => o.spot.file)).digest('hex'),
    }).get(ruleSet))!;
}
const digestCache = new WeakMap<RuleSet, { ruleSetSha256: string; registrySha256: string }>();

export function runEvidence(ruleSet: RuleSet, config: Config, startedAt: Date, settings: Record<string, unknown>): RunEvidence {
  const { ruleSetSha256: rules, registrySha256: registry } = ruleSetDigests(ruleSet);
  const legalTexts: Record<string, string> = {};
  for (const r of ruleSet.rules) {
    if (r.kind.name !== 'legal-text') continue;
    const { text, slots, variants } = r.definition.options as { text: unknown; slots: unknown; variants?: unknown };
    legalTexts[r.definition.id] = createHash('sha256').update(JSON.stringify({ text, slots, variants: variants ?? [] })).digest('hex').slice(0, 16);
  }
  return {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    ruleSetSha256: rules,
    registrySha256: registry,
    legalTexts,
    settings: { ...(config.site ? { site: config.site } : {}), ...settings, ...(config.file ? { config: config.file.replace(/^.*\//, '') } : {}) },
  };
}
