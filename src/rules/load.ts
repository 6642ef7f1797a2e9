/**
 * Loading rule files: parse with positions, validate against the rule-file schema, check what a schema
 * cannot (message placeholders, duplicate ids), and compile each rule once through its kind.
 * Rule files are data: nothing in them is ever executed.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { kindNamed } from './kinds/index.js';
import { ConfigError, type FileProblem } from './problems.js';
import { ruleFileSchema } from './schema.js';
import { OptionError, type Checker, type CheckLevel, type Messages, type RuleDefinition, type RuleKind, type TestDocument } from './types.js';
import { parseYaml, validateYaml, type YamlPath } from './yaml-file.js';

/** The folder of built-in rule files, the registry and the schemas (package root /rules). */
export const BUILTIN_RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));
export const BUILTIN_RULE_FILES = ['attribution.yaml', 'article74.yaml', 'byline.yaml'].map((f) => BUILTIN_RULES_DIR + f);

export interface CompiledCheck {
  /** `<rule id>/<check>`, e.g. notice/altered. */
  id: string;
  severity: CheckLevel;
  message: Messages;
  summary: string;
}

export interface CompiledRule {
  definition: RuleDefinition;
  kind: RuleKind;
  checker: Checker;
  checks: Map<string, CompiledCheck>;
}

interface LoadedFile {
  definitions: RuleDefinition[];
  locate: Map<RuleDefinition, (path: YamlPath, key?: boolean) => { line: number; column: number }>;
}

const schema = ruleFileSchema();

async function loadFile(file: string, problems: FileProblem[], trusted: boolean): Promise<LoadedFile> {
  const out: LoadedFile = { definitions: [], locate: new Map() };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    problems.push({ file, line: 1, column: 1, message: `cannot read rule file: ${(err as Error).message}` });
    return out;
  }
  const { parsed, problems: syntax } = parseYaml(file, text);
  problems.push(...syntax);
  if (!parsed) return out;
  const invalid = trusted ? [] : validateYaml(parsed, schema);
  problems.push(...invalid);
  if (invalid.length) return out;
  const rules = (parsed.data as { rules: Omit<RuleDefinition, 'spot'>[] }).rules;
  const checkTestDocument = (t: TestDocument, path: YamlPath) => {
    if ((t.text === undefined) === (t.file === undefined)) problems.push({ file, ...parsed.spot(path), message: `a test document needs exactly one of text or file` });
  };
  rules.forEach((r, i) => {
    const def: RuleDefinition = {
      ...r,
      options: r.options ?? {},
      spot: { file, ...parsed.spot(['rules', i, 'id']) },
      locate: (path) => ({ file, ...parsed.spot(['rules', i, ...path]) }),
    };
    r.tests?.valid?.forEach((t, k) => checkTestDocument(t, ['rules', i, 'tests', 'valid', k]));
    r.tests?.invalid?.forEach((t, k) => checkTestDocument(t, ['rules', i, 'tests', 'invalid', k]));
    out.definitions.push(def);
    out.locate.set(def, (path, key) => parsed.spot(['rules', i, ...path], key));
  });
  return out;
}

/**
 * Load and compile rule files. Throws ConfigError listing every problem in every file; nothing half-loads.
 * With `trustBuiltins` (a check run), the built-in files are not validated against the schema: they ship with
 * manba and the test suite validates them (`manba rules validate` still does), and compiling the schema's
 * validator took a fifth of a run's start.
 */
export async function loadRules(files: readonly string[], options: { trustBuiltins?: boolean } = {}): Promise<CompiledRule[]> {
  const problems: FileProblem[] = [];
  const loaded = await Promise.all(files.map((f) => loadFile(f, problems, Boolean(options.trustBuiltins) && BUILTIN_RULE_FILES.includes(f))));
  const compiledRules: CompiledRule[] = [];
  const ids = new Map<string, RuleDefinition>();
  for (const file of loaded) {
    for (const def of file.definitions) {
      const locate = file.locate.get(def)!;
      const compiled = compileDefinition(def, (path, key = false) => ({ file: def.spot.file, ...locate(path, key) }), ids, problems);
      if (compiled) compiledRules.push(compiled);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return compiledRules;
}

type Locate = (path: YamlPath, key?: boolean) => { file: string; line: number; column: number };

/** Compile one loaded definition through its kind; problems (duplicate ids, placeholders, options) are collected. */
function compileDefinition(def: RuleDefinition, at: Locate, ids: Map<string, RuleDefinition>, problems: FileProblem[]): CompiledRule | undefined {
  const kind = kindNamed(def.kind)!; // the schema's enum guarantees it
  const checks = new Map<string, CompiledCheck>();
  for (const [name, check] of Object.entries(def.checks)) {
    const spec = kind.checks[name]!;
    const id = `${def.id}/${name}`;
    const earlier = ids.get(id);
    if (earlier) {
      problems.push({ ...at(['id']), message: `duplicate rule id ${id}: already defined at ${earlier.spot.file}:${earlier.spot.line}:${earlier.spot.column}` });
      continue;
    }
    ids.set(id, def);
    const message = check.message ?? spec.message;
    for (const lang of ['fa', 'en'] as const) {
      for (const m of message[lang].matchAll(/\{([\w-]+)\}/g)) {
        if (!spec.placeholders.includes(m[1]!)) {
          problems.push({ ...at(['checks', name, 'message', lang]), message: `message uses {${m[1]}}, which ${kind.name}/${name} does not provide`, hint: `available: ${spec.placeholders.map((p) => `{${p}}`).join(' ')}` });
        }
      }
    }
    checks.set(name, { id, severity: check.severity === 'warn' ? 'warning' : check.severity, message, summary: spec.summary });
  }
  try {
    return { definition: def, kind, checker: kind.compile(def.options, def), checks };
  } catch (err) {
    if (!(err instanceof OptionError)) throw err;
    problems.push({ ...at(['options', ...err.path]), message: `rule ${def.id}: options.${err.path.join('.')}: ${err.message}` });
  }
  return undefined;
}

/**
 * Compile rule definitions the main thread has already loaded and validated (a worker thread gets them as plain
 * data instead of parsing the YAML files again). Positions are the rules' own spots.
 */
export function compileLoadedRules(definitions: readonly RuleDefinition[]): CompiledRule[] {
  const problems: FileProblem[] = [];
  const ids = new Map<string, RuleDefinition>();
  const out: CompiledRule[] = [];
  for (const def of definitions) {
    const compiled = compileDefinition(def, () => def.spot, ids, problems);
    if (compiled) out.push(compiled);
  }
  if (problems.length) throw new ConfigError(problems);
  return out;
}
