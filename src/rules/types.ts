import type { Document, FixOp } from '../documents/model.js';
export type { FixOp } from '../documents/model.js';
import type { DeclaredSource } from '../sources/declared.js';
import type { Registry } from '../sources/registry.js';
import type { FoldedText } from '../text/fold.js';
import type { BylineDate } from '../text/jalali.js';

export type Lang = 'fa' | 'en';
export interface Messages {
  fa: string;
  en: string;
}

/** Severity of a finding. A rule's check may also be `off`. */
export type Severity = 'error' | 'warning';
export type CheckLevel = Severity | 'off';
/** As written in a rule file: `warn` is accepted for `warning`, as config files write it. */
export type CheckLevelInput = CheckLevel | 'warn';

/** Where something in a rule or config file is: 1-based line and column. */
export interface SourceSpot {
  file: string;
  line: number;
  column: number;
}

/** A check as declared in a rule file: `checks: { altered: { severity: error, message: {…} } }`. */
export interface CheckDefinition {
  severity: CheckLevelInput;
  message?: Messages;
}

/** One entry of a rule file's `rules:` list, validated. Its checks report as `<id>/<check>`. */
export interface RuleDefinition {
  id: string;
  kind: string;
  title?: Messages;
  description?: Messages;
  legalBasis?: Messages;
  options: Record<string, unknown>;
  checks: Record<string, CheckDefinition>;
  /** Where the rule was defined, for errors and `rules explain`. */
  spot: SourceSpot;
  tests?: RuleTests;
  /** Where a key of this rule is in its file (path from the rule), for test reports and errors. */
  locate?: (path: (string | number)[]) => SourceSpot;
}

/** A document for a rule test: inline text, or a file relative to the rule file, with optional replacements. */
export interface TestDocument {
  name?: string;
  text?: string;
  file?: string;
  replace?: Record<string, string>;
  site?: string;
}

export interface ExpectedFinding {
  ruleId: string;
  line?: number;
  column?: number;
  message?: string;
}

export interface RuleTests {
  valid?: TestDocument[];
  invalid?: (TestDocument & { errors: ExpectedFinding[] })[];
}

/** Facts one rule finds that another uses (the notice's site is compared with the attribution's). */
export interface DocumentFacts {
  attribution?: AttributionFact;
  /** Where the article names its origin, in priority order (set by the attribution rule). */
  declared?: (DeclaredSource & { outlet?: string })[];
  bylineDate?: BylineDate;
  /** Where the legal notice stands and the site it names (set by the legal-text rule; used by fixes). */
  notice?: { start: number; end: number; inFooter: boolean; site?: string };
}

export interface AttributionFact {
  source: string;
  /** The registry id the source resolves to, if it does. */
  outlet?: string;
  /** Offsets in Document.text. */
  start: number;
  end: number;
  site?: { name: string; start: number; end: number };
}

/** The per-document view a checker gets: the document, its folded text (built once), and shared facts. */
export interface DocumentContext {
  document: Document;
  folded: FoldedText;
  /** The publishing site from config, if the user set one. */
  site?: string;
  /** `article`: the notice and attribution must stand in the article itself, not in the page's own footer. */
  scope?: 'article' | 'page';
  /** The outlet registry (built-in and the config's sources: files). */
  registry: Registry;
  /** The date of the check (for dates in the future). */
  now: Date;
  facts: DocumentFacts;
  /** Computed once per document and shared by every checker that asks for the same key. */
  memo<T>(key: string, compute: () => T): T;
}

/** What a checker reports; the engine turns it into a Finding (id, severity, message, line/column). */
export interface Observation {
  check: string;
  /** Offsets in Document.text. */
  start: number;
  end: number;
  /** Values for the message's {placeholders}. */
  data?: Record<string, string | Messages>;
  evidence?: { expected?: string; found?: string };
  /**
   * How to repair what is reported, in the document's text. A function is called once every rule has run, so a
   * fix may use facts a later rule finds (the site the notice names, for an attribution line). `{ none }` says why
   * there is no fix; the message then says it too.
   */
  fix?: FixProposal | NoFix | ((facts: DocumentFacts) => FixProposal | NoFix);
}

export interface FixProposal {
  edits: FixOp[];
  /** A suggestion is shown (diff, JSON, SARIF) but applied only when asked (--fix-suggestions): a person decides. */
  suggestion?: boolean;
}

export interface NoFix {
  none: Messages;
}

export interface Checker {
  /** Facts this checker sets, so the engine runs it before the checkers that use them. */
  provides?: (keyof DocumentFacts)[];
  uses?: (keyof DocumentFacts)[];
  check(ctx: DocumentContext, report: (o: Observation) => void): void;
}

/** A check a kind can report, with its default message (placeholders in braces). */
export interface CheckSpec {
  summary: string;
  message: Messages;
  placeholders: string[];
}

/** An options problem found while compiling: the path inside `options`, and what is wrong. */
export class OptionError extends Error {
  constructor(
    readonly path: (string | number)[],
    message: string,
  ) {
    super(message);
  }
}

/**
 * A rule kind: one file under src/rules/kinds/. It declares the JSON Schema of its options (validated at load
 * time, with positions), the checks it reports, and compiles options into a checker once per run.
 */
export interface RuleKind<O = any> {
  name: string;
  summary: string;
  optionsSchema: Record<string, unknown>;
  checks: Record<string, CheckSpec>;
  compile(options: O, rule: RuleDefinition): Checker;
}
