/**
 * YAML data files (rules, config, registry) parsed with positions and validated with ajv. Every problem is
 * reported at the key or value it concerns, as file:line:column, with a hint where one helps.
 */
import { createRequire } from 'node:module';
import type { Ajv as AjvInstance, ErrorObject, ValidateFunction } from 'ajv';
import type { Document as YamlDocument, Node } from 'yaml';
import { lazyRequire } from '../lazy.js';
import { snapshotOf } from './builtin-snapshot.js';

// Loaded on first parse: a worker thread given the main thread's rules parses no YAML at all.
const yaml = lazyRequire<typeof import('yaml')>('yaml');
import { didYouMean, type FileProblem } from './problems.js';

export type YamlPath = (string | number)[];

export interface ParsedYaml {
  file: string;
  data: unknown;
  /** Position of the value at a path, or of the key itself when `key` is true. */
  spot(path: YamlPath, key?: boolean): { line: number; column: number };
}

// Ajv is loaded on first validation: a check run with only the built-in files validates nothing.
let ajv: AjvInstance | undefined;
const compiled = new Map<unknown, ValidateFunction>();

function validatorFor(schema: Record<string, unknown>): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    if (!ajv) {
      const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
      ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    }
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

/**
 * Parse YAML text. Syntax errors and alias bombs come back as problems, never as exceptions. A built-in file
 * unchanged since the build comes from the build's snapshot (positions included) instead.
 */
export function parseYaml(file: string, text: string): { parsed?: ParsedYaml; problems: FileProblem[] } {
  const entry = snapshotOf(file, text);
  if (entry) {
    let full: ParsedYaml | undefined;
    const spot = (path: YamlPath, key = false) => {
      const at = entry.spots[JSON.stringify(path) + (key ? '#key' : '')];
      // A path the file does not have (reported at its parent) needs the real parse; it never happens on a check.
      return at ? { line: at[0], column: at[1] } : (full ??= parseYamlText(file, text).parsed!).spot(path, key);
    };
    return { parsed: { file, data: JSON.parse(entry.json) as unknown, spot }, problems: [] };
  }
  return parseYamlText(file, text);
}

/** Parse YAML text with the YAML library, always (what the build's snapshot is made from). */
export function parseYamlText(file: string, text: string): { parsed?: ParsedYaml; problems: FileProblem[] } {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: FileProblem[] = doc.errors.map((e) => {
    const pos = lineCounter.linePos(e.pos[0]);
    return { file, line: pos.line, column: pos.col, message: `YAML syntax: ${e.message.split('\n')[0]}` };
  });
  if (problems.length) return { problems };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { problems: [{ file, line: 1, column: 1, message: `YAML: ${(err as Error).message} (aliases expand too much; is this an alias bomb?)` }] };
  }
  const spot = (path: YamlPath, key = false) => {
    const node = nodeAt(doc, path, key);
    const offset = node?.range?.[0] ?? 0;
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  return { parsed: { file, data, spot }, problems: [] };
}

function nodeAt(doc: YamlDocument, path: YamlPath, key: boolean): Node | undefined {
  const { isMap, isPair, isScalar } = yaml();
  // Walk down as far as the path exists: a missing key is reported at its parent.
  let node: unknown = doc.contents;
  let parent: unknown = node;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return node as Node;
      if (last && key) return pair.key as Node;
      parent = node;
      node = pair.value ?? pair.key;
    } else if (node && typeof node === 'object' && 'items' in node && Array.isArray((node as { items: unknown[] }).items)) {
      const item = (node as { items: unknown[] }).items[Number(seg)];
      if (item === undefined) return node as Node;
      parent = node;
      node = item;
    } else {
      return (node ?? parent) as Node;
    }
  }
  return node as Node;
}

/** Validate parsed data against a schema; every error becomes a positioned problem. */
export function validateYaml(parsed: ParsedYaml, schema: Record<string, unknown>): FileProblem[] {
  const validate = validatorFor(schema);
  if (validate(parsed.data)) return [];
  const seen = new Set<string>();
  const problems: FileProblem[] = [];
  for (const e of validate.errors ?? []) {
    const p = describeError(parsed, e);
    if (!p) continue;
    const key = `${p.line}:${p.column}:${p.message}`;
    if (!seen.has(key)) problems.push(p);
    seen.add(key);
  }
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

export function pointerToPath(pointer: string): YamlPath {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describeError(parsed: ParsedYaml, e: ErrorObject): FileProblem | null {
  if (e.keyword === 'if' || e.keyword === '$ref') return null;
  const path = pointerToPath(e.instancePath);
  const where = path.length ? path.join('.') : 'the file';
  const at = (p: YamlPath, key = false) => ({ file: parsed.file, ...parsed.spot(p, key) });
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys(((e.parentSchema as { properties?: object }).properties ?? {}) as object);
      const guess = didYouMean(name, allowed);
      return { ...at([...path, name], true), message: `unknown key "${name}" in ${where}`, hint: guess ? `did you mean "${guess}"?` : allowed.length ? `allowed: ${allowed.join(', ')}` : undefined };
    }
    case 'required': {
      const name = (e.params as { missingProperty: string }).missingProperty;
      return { ...at(path), message: `${where} is missing the required key "${name}"` };
    }
    case 'enum': {
      const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
      const pn = (e as ErrorObject & { propertyName?: string }).propertyName;
      if (pn !== undefined) {
        const guess = didYouMean(pn, allowed);
        return { ...at([...path, pn], true), message: `unknown name "${pn}" in ${where}; expected one of: ${allowed.join(', ')}`, hint: guess ? `did you mean "${guess}"?` : undefined };
      }
      const guess = didYouMean(String(e.data), allowed);
      return { ...at(path), message: `${where}: "${String(e.data)}" is not one of: ${allowed.join(', ')}`, hint: guess ? `did you mean "${guess}"?` : undefined };
    }
    case 'propertyNames':
      return null; // the nested error names the key
    case 'type':
      return { ...at(path), message: `${where} must be ${(e.params as { type: string }).type}, not ${describeType(e.data)}` };
    case 'const':
      return { ...at(path), message: `${where} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}` };
    default:
      return { ...at(path), message: `${where} ${e.message ?? 'is invalid'}` };
  }
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}
