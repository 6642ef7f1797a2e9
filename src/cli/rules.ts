/** `manba rules validate | test | list | explain`: for the people who write and maintain rule files. */
import { existsSync, readFileSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import { lazyRequire } from '../lazy.js';
import { buildRuleSet, findConfig, loadConfig, type Config, type RuleSet } from '../config/load.js';
import { BUILTIN_RULE_FILES, loadRules } from '../rules/load.js';
import { ConfigError, formatProblem, type FileProblem } from '../rules/problems.js';
import { runRuleTests } from '../rules/tests.js';
import { problemKind } from '../documents/problems.js';
import type { Lang, Messages } from '../rules/types.js';
import { compileTemplate, type SlotSpec } from '../text/legal-text.js';
import { EXIT, UsageError, type CliIO } from './io.js';

type FileKind = 'rules' | 'config' | 'registry';

/** What a YAML file is, from its name and top-level keys. */
function kindOf(file: string): FileKind {
  if (/^manba\.config\.ya?ml$/i.test(basename(file))) return 'config';
  let data: unknown;
  try {
    data = lazyRequire<typeof import('yaml')>('yaml')().parse(readFileSync(file, 'utf8'));
  } catch {
    return 'rules'; // the rule-file loader reports the syntax error with its position
  }
  if (data && typeof data === 'object' && 'outlets' in data) return 'registry';
  if (data && typeof data === 'object' && Array.isArray((data as { rules?: unknown }).rules)) return 'rules';
  return 'config';
}

async function problemsOf(run: () => Promise<unknown>): Promise<FileProblem[]> {
  try {
    await run();
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

export async function validateCommand(files: string[], io: CliIO): Promise<number> {
  const targets = files.length ? files.map((f) => resolve(io.cwd, f)) : [...(findConfig(io.cwd) ? [findConfig(io.cwd)!] : []), ...BUILTIN_RULE_FILES];
  const missing = targets.filter((f) => !existsSync(f));
  if (missing.length) throw new UsageError(`no such file: ${missing.map((f) => relative(io.cwd, f)).join(', ')}`);
  const ruleFiles = targets.filter((f) => kindOf(f) === 'rules');
  const problems: FileProblem[] = [];
  if (ruleFiles.length) problems.push(...(await problemsOf(() => loadRules(ruleFiles))));
  for (const f of targets.filter((t) => kindOf(t) === 'config')) problems.push(...(await problemsOf(async () => buildRuleSet(await loadConfig(f)))));
  for (const f of targets.filter((t) => kindOf(t) === 'registry')) problems.push(...(await problemsOf(() => validateRegistry(f))));
  for (const p of problems) io.stderr(`${formatProblem({ ...p, file: relative(io.cwd, p.file) || p.file })}\n`);
  const names = targets.map((t) => relative(io.cwd, t) || t);
  if (problems.length) {
    io.stderr(`✖ ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${names.length} file${names.length === 1 ? '' : 's'}\n`);
    return EXIT.usage;
  }
  io.stdout(`✓ ${names.length} file${names.length === 1 ? '' : 's'} valid: ${names.join(', ')}\n`);
  return EXIT.clean;
}

/** Registry files are validated by the sources module, loaded lazily so rule authors need nothing else. */
async function validateRegistry(file: string): Promise<void> {
  const { loadRegistry } = await import('../sources/registry.js');
  await loadRegistry([file]);
}

export async function testCommand(files: string[], opts: { builtins?: boolean }, io: CliIO): Promise<number> {
  const targets = files.length ? files.map((f) => resolve(io.cwd, f)) : [...BUILTIN_RULE_FILES];
  const missing = targets.filter((f) => !existsSync(f));
  if (missing.length) throw new UsageError(`no such file: ${missing.map((f) => relative(io.cwd, f)).join(', ')}`);
  const builtins = opts.builtins ?? !targets.every((t) => BUILTIN_RULE_FILES.includes(t));
  const results = await runRuleTests(targets, { builtins });
  let current = '';
  for (const r of results) {
    if (r.case.ruleFile !== current) {
      current = r.case.ruleFile;
      io.stdout(`${relative(io.cwd, current) || current}\n`);
    }
    const where = `${relative(io.cwd, r.case.spot.file)}:${r.case.spot.line}:${r.case.spot.column}`;
    io.stdout(`  ${r.passed ? '✓' : '✗'} ${r.case.name}${r.passed ? '' : `  (${where})`}\n`);
    for (const d of r.diff) io.stdout(`      ${d}\n`);
  }
  const failed = results.filter((r) => !r.passed).length;
  io.stdout(`${results.length - failed} passed, ${failed} failed\n`);
  if (results.length === 0) io.stderr('manba: these rule files have no tests: add tests: to a rule, or a <name>.tests/ folder beside the file\n');
  return failed ? EXIT.findings : EXIT.clean;
}

async function ruleSetFor(opts: { config?: string }, io: CliIO): Promise<{ config: Config; ruleSet: RuleSet }> {
  const file = opts.config ? resolve(io.cwd, opts.config) : findConfig(io.cwd);
  const config: Config = file ? await loadConfig(file) : { extends: [], builtins: true, rules: {} };
  return { config, ruleSet: await buildRuleSet(config) };
}

export async function listCommand(opts: { config?: string; format?: string; lang?: string }, io: CliIO): Promise<number> {
  const { ruleSet } = await ruleSetFor(opts, io);
  const lang = (opts.lang ?? 'en') as Lang;
  const rows = ruleSet.rules.flatMap((r) =>
    [...r.checks.values()].map((c) => ({
      id: c.id,
      severity: ruleSet.severities.get(c.id) ?? c.severity,
      kind: r.kind.name,
      description: c.summary,
      rule: r.definition.title?.[lang] ?? '',
      file: relative(io.cwd, r.definition.spot.file),
    })),
  );
  if (opts.format === 'json') {
    io.stdout(JSON.stringify(rows, null, 2) + '\n');
    return EXIT.clean;
  }
  if (opts.format && opts.format !== 'table') throw new UsageError(`unknown format "${opts.format}"; known: table, json`);
  const w = (k: 'id' | 'severity' | 'kind') => Math.max(k.length, ...rows.map((r) => r[k].length));
  io.stdout(`${'id'.padEnd(w('id'))}  ${'severity'.padEnd(w('severity'))}  ${'kind'.padEnd(w('kind'))}  description\n`);
  for (const r of rows) io.stdout(`${r.id.padEnd(w('id'))}  ${r.severity.padEnd(w('severity'))}  ${r.kind.padEnd(w('kind'))}  ${r.description}\n`);
  return EXIT.clean;
}

export async function explainCommand(id: string, opts: { config?: string; lang?: string }, io: CliIO): Promise<number> {
  const { ruleSet } = await ruleSetFor(opts, io);
  const lang = (opts.lang ?? 'en') as Lang;
  const rule = ruleSet.rules.find((r) => [...r.checks.values()].some((c) => c.id === id) || r.definition.id === id);
  const problem = problemKind(id);
  if (!rule && problem) {
    io.stdout(`${id}  (a document that cannot be read or fetched; always an error, not set in the config)\n\nReported when ${problem.summary[lang]}.\n`);
    return EXIT.clean;
  }
  if (!rule) {
    const ids = ruleSet.rules.flatMap((r) => [...r.checks.values()].map((c) => c.id));
    throw new UsageError(`no rule "${id}"; known: ${ids.join(', ')}`);
  }
  const def = rule.definition;
  const checks = [...rule.checks.values()].filter((c) => c.id === id || def.id === id);
  const out: string[] = [];
  const t = (m: Messages | undefined) => (m ? m[lang] : undefined);
  out.push(`${checks.map((c) => c.id).join(', ')}  (kind ${rule.kind.name}, defined at ${relative(io.cwd, def.spot.file)}:${def.spot.line})`, '');
  if (def.title) out.push(t(def.title)!, '');
  out.push('What it checks:');
  for (const c of checks) out.push(`  ${c.id} (${ruleSet.severities.get(c.id)}): ${c.summary}`);
  if (def.description) out.push('', t(def.description)!);
  if (def.legalBasis) out.push('', `Why (legal basis): ${t(def.legalBasis)}`);
  const canonical = canonicalText(rule.kind.name, def.options);
  if (canonical) out.push('', canonical);
  const valid = def.tests?.valid?.[0];
  const invalid = def.tests?.invalid?.[0];
  if (valid) out.push('', `Passes: ${describeTest(valid)}`);
  if (invalid) out.push('', `Fails: ${describeTest(invalid)} → ${invalid.errors.map((e) => `${e.ruleId}${e.line ? ` ${e.line}:${e.column}` : ''}`).join(', ')}`);
  out.push('', 'Configure (manba.config.yaml):', '  rules:');
  for (const c of checks) out.push(`    ${c.id}: warn   # off | warn | error`);
  io.stdout(out.join('\n') + '\n');
  return EXIT.clean;
}

function canonicalText(kind: string, options: Record<string, unknown>): string | undefined {
  if (kind === 'legal-text') {
    const o = options as { text: string; slots: Record<string, SlotSpec>; variants?: string[] };
    const lines = [`Canonical text:\n  ${compileTemplate(o.text, o.slots).display}`];
    for (const v of o.variants ?? []) lines.push(`Also accepted:\n  ${compileTemplate(v, o.slots).display}`);
    return lines.join('\n');
  }
  if (kind === 'attribution') return `Accepted forms:\n${(options.forms as string[]).map((f) => `  ${f}`).join('\n')}`;
  if (kind === 'pattern') return `Pattern (RE2, on folded text): ${String(options.pattern)} (${String(options.mode)})`;
  return undefined;
}

function describeTest(t: { name?: string; file?: string; text?: string; replace?: Record<string, string> }): string {
  const what = t.file ? t.file : `«${(t.text ?? '').replace(/\s+/g, ' ').slice(0, 60)}…»`;
  const changes = t.replace ? ` with ${Object.entries(t.replace).map(([a, b]) => `«${a}» → «${b}»`).join(', ')}` : '';
  return `${t.name ? `${t.name}: ` : ''}${what}${changes}`;
}
