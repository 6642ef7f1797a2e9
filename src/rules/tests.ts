/**
 * Rules tested by their own examples, as ESLint's RuleTester and Semgrep's --test do. Two sources of cases:
 * - `tests:` in a rule file: `valid` documents give no finding of the rule; `invalid` ones give exactly the
 *   listed findings (rule id, and line, column, message text where given).
 * - fixtures: a folder `<rule file name>.tests/` beside the rule file; each document's first line says what it
 *   must give: `# expect: notice/altered 25:19, notice/site` (or `<!-- expect: … -->`), or `# expect: none`.
 *   The expect line is blanked before checking, so line numbers stay those of the file.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { buildRuleSet, type RuleSet } from '../config/load.js';
import { readerForPath } from '../documents/readers/index.js';
import { textReader } from '../documents/readers/text.js';
import { Engine } from '../engine/engine.js';
import type { Finding } from '../engine/finding.js';
import type { ExpectedFinding, SourceSpot, TestDocument } from './types.js';

export interface RuleTestCase {
  /** The rule file the case belongs to. */
  ruleFile: string;
  /** What the case is called in the report. */
  name: string;
  kind: 'valid' | 'invalid' | 'fixture';
  spot: SourceSpot;
  /** The finding ids the case is about (a rule's checks, or every check of the rule file for fixtures). */
  ids: Set<string>;
  expected: ExpectedFinding[];
  document?: { path: string; text: string };
  site?: string;
  /** Set when the case could not be built (a missing file, a bad expect line). */
  error?: string;
}

export interface RuleTestResult {
  case: RuleTestCase;
  passed: boolean;
  actual: Finding[];
  /** Lines saying what differs, empty when passed. */
  diff: string[];
}

const EXPECT = /^\s*(?:#|<!--)\s*expect:\s*(.*?)\s*(?:-->)?\s*$/;

/** Run the tests of the given rule files. `builtins` adds the built-in rules (for user rules that use their facts). */
export async function runRuleTests(ruleFiles: readonly string[], options: { builtins: boolean }): Promise<RuleTestResult[]> {
  const files = ruleFiles.map((f) => resolve(f));
  const ruleSet = await buildRuleSet({ extends: files, builtins: options.builtins, rules: {} });
  const cases = files.flatMap((f) => casesOf(f, ruleSet));
  const engines = new Map<string, Engine>();
  const engineFor = (site: string | undefined) => {
    const key = site ?? '';
    if (!engines.has(key)) engines.set(key, new Engine(ruleSet, { lang: 'en', ...(site ? { site } : {}) }));
    return engines.get(key)!;
  };
  return cases.map((c) => {
    if (c.error || !c.document) return { case: c, passed: false, actual: [], diff: [c.error ?? 'no document'] };
    const reader = readerForPath(c.document.path) ?? textReader;
    const actual = reader
      .read(c.document.path, c.document.text, {})
      .flatMap((r) => (r.ok ? engineFor(c.site).check(r.document).findings : []))
      .filter((f) => c.ids.has(f.ruleId));
    const diff = compare(c.expected, actual);
    return { case: c, passed: diff.length === 0, actual, diff };
  });
}

function casesOf(ruleFile: string, ruleSet: RuleSet): RuleTestCase[] {
  const cases: RuleTestCase[] = [];
  const dir = dirname(ruleFile);
  const rulesHere = ruleSet.rules.filter((r) => r.definition.spot.file === ruleFile);
  for (const rule of rulesHere) {
    const def = rule.definition;
    const ids = new Set([...rule.checks.values()].map((c) => c.id));
    const at = (path: (string | number)[]) => def.locate?.(['tests', ...path]) ?? def.spot;
    def.tests?.valid?.forEach((t, k) => cases.push(build(ruleFile, dir, t, 'valid', `${def.id} valid #${k + 1}`, at(['valid', k]), ids, [])));
    def.tests?.invalid?.forEach((t, k) => cases.push(build(ruleFile, dir, t, 'invalid', `${def.id} invalid #${k + 1}`, at(['invalid', k]), ids, t.errors)));
  }
  const fixtures = join(dir, `${basename(ruleFile).replace(/\.ya?ml$/i, '')}.tests`);
  if (existsSync(fixtures)) {
    const ids = new Set(rulesHere.flatMap((r) => [...r.checks.values()].map((c) => c.id)));
    for (const name of readdirSync(fixtures).sort()) {
      const path = join(fixtures, name);
      const text = readFileSync(path, 'utf8');
      const spot = { file: path, line: 1, column: 1 };
      const parsed = parseExpect(text);
      if ('error' in parsed) cases.push({ ruleFile, name: relative(dir, path), kind: 'fixture', spot, ids, expected: [], error: parsed.error });
      else cases.push({ ruleFile, name: relative(dir, path), kind: 'fixture', spot, ids, expected: parsed.expected, document: { path, text: parsed.text } });
    }
  }
  return cases;
}

function build(ruleFile: string, dir: string, t: TestDocument, kind: 'valid' | 'invalid', fallback: string, spot: SourceSpot, ids: Set<string>, expected: ExpectedFinding[]): RuleTestCase {
  const base: RuleTestCase = { ruleFile, name: t.name ? `${fallback}: ${t.name}` : fallback, kind, spot, ids, expected, ...(t.site ? { site: t.site } : {}) };
  let text: string;
  let path: string;
  if (t.file !== undefined) {
    path = resolve(dir, t.file);
    if (!existsSync(path)) return { ...base, error: `test file not found: ${t.file} (relative to ${relative(process.cwd(), ruleFile)})` };
    const parsed = parseExpect(readFileSync(path, 'utf8'));
    text = 'error' in parsed ? readFileSync(path, 'utf8') : parsed.text; // a fixture used as a base: its expect line is blanked
  } else {
    path = `${ruleFile}#${fallback.replace(/\s+/g, '-')}.txt`;
    text = t.text ?? '';
  }
  for (const [from, to] of Object.entries(t.replace ?? {})) {
    if (!text.includes(from)) return { ...base, error: `replace: «${from}» is not in the document, so the case would not test what it says` };
    text = text.split(from).join(to);
  }
  return { ...base, document: { path, text } };
}

/** The expected findings from a fixture's first line, and the text with that line blanked. */
export function parseExpect(text: string): { expected: ExpectedFinding[]; text: string } | { error: string } {
  const nl = text.indexOf('\n');
  const first = nl === -1 ? text : text.slice(0, nl);
  const m = EXPECT.exec(first.replace(/\r$/, ''));
  if (!m) return { error: 'the first line must say what the document gives: "# expect: <rule id> [line:column], …" or "# expect: none"' };
  const spec = m[1]!.trim();
  const expected: ExpectedFinding[] = [];
  if (spec !== 'none') {
    for (const item of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
      const parts = /^([a-z][\w/-]*)(?:\s+(\d+):(\d+))?$/.exec(item);
      if (!parts) return { error: `cannot read "${item}" in the expect line: write <rule id> or <rule id> <line>:<column>` };
      expected.push({ ruleId: parts[1]!, ...(parts[2] ? { line: Number(parts[2]), column: Number(parts[3]) } : {}) });
    }
  }
  return { expected, text: ' '.repeat(first.length) + (nl === -1 ? '' : text.slice(nl)) };
}

/** Every expected finding must match a distinct actual one, and no actual finding may be left over. */
function compare(expected: ExpectedFinding[], actual: Finding[]): string[] {
  const left = [...actual];
  const diff: string[] = [];
  for (const e of expected) {
    const k = left.findIndex((a) => a.ruleId === e.ruleId && (e.line === undefined || a.line === e.line) && (e.column === undefined || a.column === e.column) && (e.message === undefined || a.messages.en.includes(e.message)));
    if (k === -1) diff.push(`- expected ${describeExpected(e)}`);
    else left.splice(k, 1);
  }
  for (const a of left) diff.push(`+ unexpected ${a.ruleId} ${a.line}:${a.column} ${a.messages.en}`);
  return diff;
}

function describeExpected(e: ExpectedFinding): string {
  return `${e.ruleId}${e.line !== undefined ? ` ${e.line}:${e.column ?? '?'}` : ''}${e.message ? ` with «${e.message}»` : ''}`;
}
