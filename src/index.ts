/** manba as a library: every stage of the pipeline, read → fold → rules → engine → report. */
export type { Document, Block, BlockKind, Region, DocumentMetadata, ReadProblem, ReadResult } from './documents/model.js';
export { LineIndex, type Position } from './documents/lines.js';
export { readPath, readBytes } from './documents/read.js';
export { readPlainText } from './documents/readers/text.js';
export { readers, readerForPath, type Reader } from './documents/readers/index.js';
export { discover, listedInputs, listInputs, type Input } from './documents/discover.js';
export { pathsInFile, pathsInText } from './documents/path-list.js';
export { decode } from './documents/decode.js';
export { readHttpPage, type HttpPage, type Retrieval } from './documents/http-page.js';
export { warcPages } from './documents/readers/warc.js';
export { PROBLEM_KINDS, type ProblemKind } from './documents/problems.js';
export { crawl, type CrawlSettings, type CrawledPage, type CrawlOutcome, type CrawlStats } from './crawl/crawl.js';
export { WarcWriter } from './crawl/warc-writer.js';
export { USER_AGENT } from './crawl/user-agent.js';

export { foldText, fold, skeletonOf, FoldedText, type FoldedParts, type Skeleton } from './text/fold.js';
export { parseNumericDate, type NumericDate } from './text/dates.js';
export { compileTemplate, locateText, type LocatedText, type Difference } from './text/legal-text.js';
export { compileForm, matchForms } from './text/form.js';

export { ruleKinds, kindNamed } from './rules/kinds/index.js';
export { loadRules, BUILTIN_RULE_FILES, BUILTIN_RULES_DIR, type CompiledRule, type CompiledCheck } from './rules/load.js';
export { ruleFileSchema, RULE_FILE_SCHEMA_ID } from './rules/schema.js';
export { ruleKindsReference } from './rules/reference.js';
export { runRuleTests, parseExpect, type RuleTestCase, type RuleTestResult } from './rules/tests.js';
export { resolveExtends, BUILTIN_SETS } from './config/extends.js';
export { ConfigError, formatProblem, type FileProblem } from './rules/problems.js';
export type * from './rules/types.js';
export { OptionError } from './rules/types.js';

export { findDeclaredSources, type DeclaredSource } from './sources/declared.js';
export { sameOutlet } from './sources/compare.js';
export { loadRegistry, Registry, BUILTIN_REGISTRY, type Outlet } from './sources/registry.js';
export { parseBylineDate, type BylineDate } from './text/jalali.js';

export { findConfig, loadConfig, buildRuleSet, type Config, type RuleSet } from './config/load.js';
export { configSchema, CONFIG_SCHEMA_ID } from './config/schema.js';
export { waiverFileSchema, WAIVER_FILE_SCHEMA_ID } from './waivers/schema.js';
export { loadWaivers, type Waiver, type WaiverSet } from './waivers/load.js';
export { Exemptions, type ExemptedResult } from './engine/exemptions.js';
export { runEvidence, type RunEvidence } from './engine/evidence.js';
export { Recorder, startRecording, sinceLastRun, openLedger, LedgerError, listRuns, diffRuns, runsToCompare, trend, type RunInfo, type RunDiff, type TrendPoint } from './ledger/index.js';

export { Engine, problemResult, type EngineOptions } from './engine/engine.js';
export { checkInputs, type RunOptions, type RunOutcome } from './engine/run.js';
export { summarize, type Finding, type FindingFix, type FixPoint, type DocumentResult, type Summary } from './engine/finding.js';
export type { FixOp, DocumentFile, SourceEdit } from './documents/model.js';

export { fixText, type FixTextOptions, type FixTextResult } from './fix/text.js';
export { fixBytes, MAX_PASSES, type FixSelection, type FixedFile } from './fix/file.js';
export { applyFixes } from './fix/apply.js';
export { fixFile, fixFiles, unifiedDiff, type FileFix, type FileFixOptions, type FixedFileCheck, type FixRun } from './fix/files.js';

export { reporters, reporterNamed, defineReporter, type Report, type Reporter, type ReporterDefinition } from './report/index.js';
export { readJsonReport, ReportSyntaxError, type ReportPiece } from './report/read-json-report.js';
export { mergeReports, MergeInputError, type MergedReports, type MergeOptions, type ReportDocument } from './engine/merge.js';
export { runCli } from './cli/program.js';
export { VERSION } from './version.js';

import { buildRuleSet as build } from './config/load.js';
import { Engine as E } from './engine/engine.js';
import { readPlainText as read } from './documents/readers/text.js';
import type { DocumentResult as R } from './engine/finding.js';

/** Check one plain-text article with the built-in rules: the shortest way in. */
export async function checkText(text: string, options: { path?: string; site?: string; lang?: 'fa' | 'en' } = {}): Promise<R> {
  const engine = new E(await build({ extends: [], builtins: true, rules: {} }), options);
  return engine.check(read(options.path ?? '<text>', text));
}
