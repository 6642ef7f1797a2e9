/**
 * The engine runs every compiled rule over a document. The document is folded once; checkers share it, the
 * memo (declared sources…) and the facts one rule provides to another (the attribution's site, for the notice).
 */
import type { Document, ReadProblem } from '../documents/model.js';
import type { RuleSet } from '../config/load.js';
import type { CompiledRule } from '../rules/load.js';
import type { DocumentContext, Lang, Messages, Observation } from '../rules/types.js';
import { foldText } from '../text/fold.js';
import { byPosition, type DocumentFacts, type DocumentResult, type Finding } from './finding.js';

export interface EngineOptions {
  lang?: Lang;
  /** The publishing site, from config. */
  site?: string;
  /** The date of the check; dates after it are in the future (default: now). */
  now?: Date;
}

export class Engine {
  private readonly order: CompiledRule[];
  private readonly lang: Lang;

  constructor(
    readonly ruleSet: RuleSet,
    private readonly options: EngineOptions = {},
  ) {
    this.lang = options.lang ?? 'en';
    // Rules that provide facts run first; a rule whose checks are all off still runs if others use its facts.
    const used = new Set(ruleSet.rules.flatMap((r) => (this.enabled(r) ? (r.checker.uses ?? []) : [])));
    const runs = ruleSet.rules.filter((r) => this.enabled(r) || (r.checker.provides ?? []).some((p) => used.has(p)));
    this.order = [...runs.filter((r) => r.checker.provides?.length), ...runs.filter((r) => !r.checker.provides?.length)];
  }

  private enabled(r: CompiledRule): boolean {
    return [...r.checks.values()].some((c) => this.ruleSet.severities.get(c.id) !== 'off');
  }

  check(document: Document): DocumentResult {
    const memo = new Map<string, unknown>();
    const ctx: DocumentContext = {
      document,
      folded: foldText(document.text),
      registry: this.ruleSet.registry,
      now: this.options.now ?? new Date(),
      facts: {},
      memo: <T>(key: string, compute: () => T): T => {
        if (!memo.has(key)) memo.set(key, compute());
        return memo.get(key) as T;
      },
      ...(this.options.site ? { site: this.options.site } : {}),
    };
    const findings: Finding[] = [];
    for (const rule of this.order) {
      rule.checker.check(ctx, (o) => {
        const f = this.toFinding(rule, document, o);
        if (f) findings.push(f);
      });
    }
    const facts = reportFacts(ctx.facts, document);
    return { path: document.path, findings: findings.sort(byPosition), ...(facts ? { facts } : {}) };
  }

  private toFinding(rule: CompiledRule, doc: Document, o: Observation): Finding | null {
    const check = rule.checks.get(o.check);
    if (!check) return null; // the rule file does not ask for this check
    const severity = this.ruleSet.severities.get(check.id);
    if (!severity || severity === 'off') return null;
    const messages = { fa: render(check.message.fa, o.data, 'fa'), en: render(check.message.en, o.data, 'en') };
    const start = doc.locate(o.start);
    const end = doc.locate(o.end);
    return {
      ruleId: check.id,
      severity,
      message: messages[this.lang],
      messages,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      ...(o.evidence ? { evidence: o.evidence } : {}),
    };
  }
}

function render(template: string, data: Observation['data'], lang: Lang): string {
  return template.replace(/\{([\w-]+)\}/g, (whole, key: string) => {
    const v = data?.[key];
    if (v === undefined) return whole;
    return typeof v === 'string' ? v : (v as Messages)[lang];
  });
}

/** A document that could not be read becomes a result with one finding that says why. */
export function problemResult(p: ReadProblem): DocumentResult {
  const line = p.line ?? 1;
  const column = p.column ?? 1;
  return {
    path: p.path,
    findings: [{ ruleId: p.ruleId, severity: 'error', message: p.message, messages: { fa: p.message, en: p.message }, line, column, endLine: line, endColumn: column }],
  };
}

/** The facts worth keeping in a report (for audits): where the origin was named, the attribution, the byline date. */
function reportFacts(facts: DocumentContext['facts'], doc: Document): DocumentFacts | undefined {
  const out: DocumentFacts = {};
  const at = (offset: number) => doc.locate(offset);
  if (facts.attribution) {
    const a = facts.attribution;
    out.attribution = { source: a.source, ...(a.outlet ? { outlet: a.outlet } : {}), ...at(a.start), ...(a.site ? { site: a.site.name } : {}) };
  }
  if (facts.declared?.length) {
    out.declared = facts.declared.map((d) => ({ name: d.name, where: d.where, ...(d.outlet ? { outlet: d.outlet } : {}), ...(d.via ? { via: d.via } : {}), ...(d.where === 'metadata' ? {} : at(d.start)) }));
  }
  if (facts.bylineDate) {
    const b = facts.bylineDate;
    const j = b.jalali;
    out.bylineDate = {
      jalali: `${j.year}/${String(j.month).padStart(2, '0')}/${String(j.day).padStart(2, '0')}`,
      ...(b.time ? { time: `${String(b.time.hour).padStart(2, '0')}:${String(b.time.minute).padStart(2, '0')}` } : {}),
      valid: b.valid,
      ...(b.iso ? { iso: b.iso } : {}),
      ...(b.isoDateTime ? { isoDateTime: b.isoDateTime } : {}),
    };
  }
  return Object.keys(out).length ? out : undefined;
}
