/**
 * The engine runs every compiled rule over a document. The document is folded once; checkers share it, the
 * memo (declared sources…) and the facts one rule provides to another (the attribution's site, for the notice).
 */
import type { Document, DocumentFile, ReadProblem, SourceEdit } from '../documents/model.js';
import { LineIndex } from '../documents/lines.js';
import { bomLength, byteLengthIn, fitToEncoding } from '../documents/encode.js';
import { directiveCovers, type Directive } from '../documents/directives.js';
import { errorText, PROBLEM_KINDS } from '../documents/problems.js';
import type { RuleSet } from '../config/load.js';
import type { CompiledRule } from '../rules/load.js';
import type { DocumentContext, FixProposal, Lang, Messages, NoFix, Observation } from '../rules/types.js';
import { foldText, type FoldedText } from '../text/fold.js';
import { byPosition, type DocumentFacts, type DocumentResult, type Finding, type FindingFix, type FixPoint } from './finding.js';

export interface EngineOptions {
  lang?: Lang;
  /** The publishing site, from config. */
  site?: string;
  /** The date of the check; dates after it are in the future (default: now). */
  now?: Date;
  /** Report suppression directives that suppress nothing (suppression/unused). */
  reportUnusedSuppressions?: boolean;
  /** `article`: the notice and attribution must stand in the article, not the page's own footer (config scope:). */
  scope?: 'article' | 'page';
}

/** What config overrides may change for one document. */
export interface DocumentSettings {
  severities?: Map<string, 'error' | 'warning' | 'off'>;
  site?: string;
  scope?: 'article' | 'page';
}

export class Engine {
  private readonly order: CompiledRule[];
  private readonly lang: Lang;

  constructor(
    readonly ruleSet: RuleSet,
    private readonly options: EngineOptions = {},
  ) {
    this.lang = options.lang ?? 'en';
    // Rules that provide facts run first. Every rule runs (an override may turn on what the config turned off);
    // findings of checks that are off are dropped.
    const runs = ruleSet.rules;
    this.order = [...runs.filter((r) => r.checker.provides?.length), ...runs.filter((r) => !r.checker.provides?.length)];
  }

  private knownIdsCache: Set<string> | undefined;
  private knownIds(): Set<string> {
    // Problem ids (input/*, fetch/*) are known too: a comment naming one names no unknown rule.
    return (this.knownIdsCache ??= new Set([...this.ruleSet.severities.keys(), ...this.ruleSet.rules.map((r) => r.definition.id), ...PROBLEM_KINDS.map((k) => k.id)]));
  }

  /**
   * `folded`: the document's text already folded, elsewhere (the read-ahead's thread folds plain text); used only
   * when it is the fold of this very text (a reader may have changed it: directives are blanked out).
   */
  check(document: Document, settings?: DocumentSettings, folded?: FoldedText): DocumentResult {
    // An error in manba while checking one document is that document's finding: the run goes on with the others.
    try {
      return this.checkRules(document, settings, folded);
    } catch (err) {
      return { path: document.path, format: document.format, findings: [crashFinding(err, this.lang)] };
    }
  }

  private checkRules(document: Document, settings?: DocumentSettings, folded?: FoldedText): DocumentResult {
    const severities = settings?.severities ?? this.ruleSet.severities;
    const site = settings?.site ?? this.options.site;
    const scope = settings?.scope ?? this.options.scope;
    const memo = new Map<string, unknown>();
    const ctx: DocumentContext = {
      document,
      folded: folded?.original === document.text ? folded : foldText(document.text),
      registry: this.ruleSet.registry,
      now: this.options.now ?? new Date(),
      facts: {},
      memo: <T>(key: string, compute: () => T): T => {
        if (!memo.has(key)) memo.set(key, compute());
        return memo.get(key) as T;
      },
      ...(site ? { site } : {}),
      ...(scope ? { scope } : {}),
    };
    const observed: { rule: CompiledRule; o: Observation }[] = [];
    const findings: Finding[] = [];
    for (const rule of this.order) {
      const before = observed.length;
      try {
        rule.checker.check(ctx, (o) => observed.push({ rule, o }));
      } catch (err) {
        // What the rule saw before it failed is dropped (it may be half of it); the other rules still run.
        observed.length = before;
        findings.push(crashFinding(err, this.lang, rule.definition.id));
      }
    }
    // Fixes are settled once every rule has run: a fix may need a fact a later rule found.
    for (const { rule, o } of observed) {
      const fix = typeof o.fix === 'function' ? o.fix(ctx.facts) : o.fix;
      const f = this.toFinding(rule, document, o, severities, fix);
      if (f) findings.push(f);
    }
    if (document.directives?.length) applyDirectives(document, findings, this.knownIds(), this.options.reportUnusedSuppressions ?? false);
    const facts = reportFacts(ctx.facts, document);
    const url = document.metadata.url;
    return { path: document.path, format: document.format, ...(url ? { url: detach(url) } : {}), findings: findings.sort(byPosition), ...(facts ? { facts } : {}) };
  }

  private toFinding(rule: CompiledRule, doc: Document, o: Observation, severities: Map<string, 'error' | 'warning' | 'off'>, proposal: FixProposal | NoFix | undefined): Finding | null {
    const check = rule.checks.get(o.check);
    if (!check) return null; // the rule file does not ask for this check
    const severity = severities.get(check.id);
    if (!severity || severity === 'off') return null;
    const messages = { fa: render(check.message.fa, o.data, 'fa'), en: render(check.message.en, o.data, 'en') };
    const fix = proposal && doc.file ? fileFix(doc.file, proposal) : undefined;
    if (fix && 'none' in fix) {
      // Say why there is no fix, so the user knows what to do instead.
      messages.en += ` ${NO_FIX.en.replace('{reason}', fix.none.en)}`;
      messages.fa += ` ${NO_FIX.fa.replace('{reason}', fix.none.fa)}`;
    }
    const start = doc.locate(o.start);
    const end = doc.locate(o.end);
    return {
      ruleId: check.id,
      severity,
      message: messages[this.lang],
      messages: { fa: detach(messages.fa), en: detach(messages.en) },
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      ...(o.evidence ? { evidence: { ...(o.evidence.expected !== undefined ? { expected: detach(o.evidence.expected) } : {}), ...(o.evidence.found !== undefined ? { found: detach(o.evidence.found) } : {}) } } : {}),
      anchor: detach(anchorText(doc.text, o.start, o.end)),
      ...(fix && !('none' in fix) ? { fix } : {}),
    };
  }
}

const NO_FIX: Messages = { en: 'Not fixable automatically: {reason}.', fa: 'اصلاح خودکار ممکن نیست: {reason}.' };
const NOT_ENCODABLE: Messages = { en: "the text has characters the file's encoding lacks", fa: 'متن نویسه‌هایی دارد که در رمزگذاری پرونده نیست' };
const OVERLAPPING: Messages = { en: 'its changes overlap, or there are none', fa: 'تغییرهای آن روی هم می‌افتند یا تغییری نیست' };

/**
 * The line index of the last file a fix was written for: a document's fixes are settled together. Not a WeakMap by
 * file: its entries kept every fixed document's text alive through young-generation collections, then promoted.
 */
let lastLines: { file: DocumentFile; lines: LineIndex } | undefined;

/** The line index of a file whose reader keeps none (DocumentFile.lines), built once for its document's fixes. */
function linesOf(file: DocumentFile): LineIndex {
  if (lastLines?.file !== file) lastLines = { file, lines: new LineIndex(file.source) };
  return lastLines.lines;
}

/**
 * A proposal written in the file's terms by the document's reader: its edits joined into one replacement (the text
 * between them kept as it is, as ESLint's fixes are one range), fitted to the file's encoding, located by line,
 * column and byte offset.
 */
function fileFix(file: DocumentFile, proposal: FixProposal | NoFix): FindingFix | NoFix {
  if ('none' in proposal) return proposal;
  if (proposal.edits.length === 0) return { none: OVERLAPPING };
  const edits: SourceEdit[] = [];
  for (const op of proposal.edits) {
    const e = file.edit(op);
    if ('none' in e) return e;
    edits.push(e);
  }
  edits.sort((a, b) => a.start - b.start || a.end - b.end);
  for (let k = 1; k < edits.length; k++) if (edits[k]!.start < edits[k - 1]!.end) return { none: OVERLAPPING };
  let text = '';
  edits.forEach((e, k) => (text += (k ? file.source.slice(edits[k - 1]!.end, e.start) : '') + e.text));
  const encoding = file.encoding?.name ?? 'utf-8';
  const fitted = fitToEncoding(text, encoding);
  if (fitted === null) return { none: NOT_ENCODABLE };
  const lines = file.lines?.() ?? linesOf(file);
  const bom = file.encoding?.bom ? bomLength(encoding) : 0;
  const point = (offset: number): FixPoint => {
    const p = lines.position(offset);
    const byte = bom + (file.base?.byte ?? 0) + byteLengthIn(file.source.slice(0, offset), encoding);
    return file.base ? { line: file.base.line + p.line - 1, column: p.column, offset: byte } : { line: p.line, column: p.column, offset: byte };
  };
  return { range: { start: point(edits[0]!.start), end: point(edits[edits.length - 1]!.end) }, text: detach(fitted), ...(proposal.suggestion ? { suggestion: true } : {}) };
}


/** The most characters of found text a message quotes; a longer match is shortened with «…». */
export const QUOTE_MAX = 80;

/**
 * Fill a message's placeholders. A plain string is text found in the document (or a rule's own pattern) and is
 * quoted on one line, at most QUOTE_MAX characters: a pattern that matched 100 KB must not print all of it.
 * Messages values are the tool's own words and stand as they are.
 */
function render(template: string, data: Observation['data'], lang: Lang): string {
  return template.replace(/\{([\w-]+)\}/g, (whole, key: string) => {
    const v = data?.[key];
    if (v === undefined) return whole;
    return typeof v === 'string' ? quoted(v) : (v as Messages)[lang];
  });
}

function quoted(text: string): string {
  if (text.length <= QUOTE_MAX && !/[\r\n]/.test(text)) return text;
  const one = text.replace(/\s+/g, ' ');
  if (one.length <= QUOTE_MAX) return one;
  // Never cut a surrogate pair in half.
  let cut = QUOTE_MAX - 1;
  if (/[\ud800-\udbff]/.test(one[cut - 1]!)) cut--;
  return `${one.slice(0, cut)}…`;
}

/** A document that could not be read becomes a result with one finding that says why. */
/**
 * An error inside manba while checking a document (a rule's, when `ruleId` is given): an `input/crash` finding at
 * the top of the document, never a crash of the run.
 */
function crashFinding(err: unknown, lang: Lang, ruleId?: string): Finding {
  const what = errorText(err);
  const en = `${ruleId ? `The rule «${ruleId}» failed` : 'Checking failed'} on this document (${what}): an error in manba, not in the document. ${ruleId ? "Its findings are missing; the other rules' are reported." : 'Its findings are missing.'} Please report it with the document.`;
  const fa = `${ruleId ? `قاعده «${ruleId}»` : 'بررسی'} روی این سند با خطا متوقف شد (${what}): خطا از manba است، نه از سند. ${ruleId ? 'یافته‌های آن قاعده نیامده است و یافته‌های قاعده‌های دیگر آمده است.' : 'یافته‌های آن نیامده است.'} لطفاً آن را همراه سند گزارش کنید.`;
  return { ruleId: 'input/crash', severity: 'error', message: lang === 'fa' ? fa : en, messages: { fa, en }, line: 1, column: 1, endLine: 1, endColumn: 1 };
}

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
  // Fields are set one by one, in the order the JSON report writes them: spreading optional parts (\`...(x ? {…} :
  // {})\`) made an object per part, in every document.
  if (facts.attribution) {
    const a = facts.attribution;
    const attribution: Partial<NonNullable<DocumentFacts['attribution']>> = { source: detach(a.source) };
    if (a.outlet) attribution.outlet = a.outlet;
    const p = doc.locate(a.start);
    attribution.line = p.line;
    attribution.column = p.column;
    if (a.site) attribution.site = detach(a.site.name);
    out.attribution = attribution as NonNullable<DocumentFacts['attribution']>;
  }
  if (facts.declared?.length) {
    out.declared = facts.declared.map((d) => {
      const declared: NonNullable<DocumentFacts['declared']>[number] = { name: detach(d.name), where: d.where };
      if (d.outlet) declared.outlet = d.outlet;
      if (d.via) declared.via = detach(d.via);
      if (d.where !== 'metadata') {
        const p = doc.locate(d.start);
        declared.line = p.line;
        declared.column = p.column;
      }
      return declared;
    });
  }
  if (facts.bylineDate) {
    const b = facts.bylineDate;
    const j = b.jalali;
    const bylineDate: Partial<NonNullable<DocumentFacts['bylineDate']>> = { jalali: `${j.year}/${String(j.month).padStart(2, '0')}/${String(j.day).padStart(2, '0')}` };
    if (b.time) bylineDate.time = `${String(b.time.hour).padStart(2, '0')}:${String(b.time.minute).padStart(2, '0')}`;
    bylineDate.valid = b.valid;
    if (b.iso) bylineDate.iso = b.iso;
    if (b.isoDateTime) bylineDate.isoDateTime = b.isoDateTime;
    out.bylineDate = bylineDate as NonNullable<DocumentFacts['bylineDate']>;
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * A copy of a string that does not point into the document's text. V8 keeps a slice of 13 or more characters as
 * a view of the whole string it came from, so a result holding one would keep the whole article alive; an
 * audit keeps 100,000 results, not 100,000 articles.
 */
function detach(s: string): string;
function detach(s: string | undefined): string | undefined;
function detach(s: string | undefined): string | undefined {
  return s === undefined || s.length < 13 ? s : Buffer.from(s, 'utf16le').toString('utf16le');
}

/** The text a finding is about, for fingerprints that survive lines moving: its range, or what precedes it. */
function anchorText(text: string, start: number, end: number): string {
  const piece = end > start ? text.slice(start, Math.min(end, start + 200)) : text.slice(Math.max(0, start - 60), start);
  return piece.replace(/\s+/g, ' ').trim();
}

const SUPPRESSION_MESSAGES = {
  reason: { en: 'This manba-{kind} has no reason. Write why after "--", e.g. <!-- manba-disable notice/position -- the notice is in the sidebar -->; until then it suppresses nothing.', fa: 'این manba-{kind} دلیل ندارد. دلیل را پس از «--» بنویسید؛ تا آن زمان چیزی را پنهان نمی‌کند.' },
  unknown: { en: 'manba-{kind} names «{id}», which is no rule of this run.', fa: 'manba-{kind} از «{id}» نام می‌برد که قاعده‌ای به این نام در این اجرا نیست.' },
  unused: { en: 'This manba-{kind} suppresses nothing; remove it.', fa: 'این manba-{kind} چیزی را پنهان نمی‌کند؛ آن را حذف کنید.' },
};

/**
 * Mark the findings the document's directives suppress, and report directives that are wrong: no reason (the
 * suppression then does not apply), an unknown rule id, or (when asked) suppressing nothing.
 */
function applyDirectives(doc: Document, findings: Finding[], known: Set<string>, reportUnused: boolean): void {
  const directives = doc.directives ?? [];
  const used = new Set<Directive>();
  const problem = (d: Directive, ruleId: string, severity: Finding['severity'], m: { en: string; fa: string }, id = '') => {
    const at = doc.locate(d.start);
    const end = doc.locate(d.end);
    const fill = (t: string) => t.replace('{kind}', d.kind).replace('{id}', id);
    return { ruleId, severity, message: fill(m.en), messages: { en: fill(m.en), fa: fill(m.fa) }, line: at.line, column: at.column, endLine: end.line, endColumn: end.column } satisfies Finding;
  };
  const extra: Finding[] = [];
  for (const d of directives) {
    if (!d.reason && d.kind !== 'enable') extra.push(problem(d, 'suppression/missing-reason', 'error', SUPPRESSION_MESSAGES.reason));
    for (const id of d.ids) if (!known.has(id)) extra.push(problem(d, 'suppression/unknown-rule', 'error', SUPPRESSION_MESSAGES.unknown, id));
  }
  for (const f of findings) {
    for (const d of directives) {
      if (!d.reason || d.kind === 'enable' || !directiveCovers(d, f.ruleId)) continue;
      const covers =
        d.kind === 'disable-next-line'
          ? f.line === d.line + 1
          : f.line > d.line && !directives.some((e) => e.kind === 'enable' && e.line > d.line && e.line < f.line && directiveCovers(e, f.ruleId));
      if (covers) {
        (f.suppressions ??= []).push({ kind: 'inSource', justification: d.reason });
        used.add(d);
        break;
      }
    }
  }
  if (reportUnused) for (const d of directives) if (d.kind !== 'enable' && d.reason && !used.has(d)) extra.push(problem(d, 'suppression/unused', 'warning', SUPPRESSION_MESSAGES.unused));
  findings.push(...extra);
}
