import { readFileSync } from 'node:fs';
import { runCli } from '../src/cli/program.js';
import { buildRuleSet } from '../src/config/load.js';
import { Engine } from '../src/engine/engine.js';

/** Test data copied into the repository (see tests/fixtures/PROVENANCE.md): real pages, real agency copy, schemas. */
export const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
export const CORPUS = `${FIXTURES}corpus/`;
export const REFERENCE_PATH = `${CORPUS}titronline-irna-1399-04-18.txt`;
export const ROOT = new URL('../', import.meta.url).pathname;
export const reference = (): string => readFileSync(REFERENCE_PATH, 'utf8');

/** Line and column (1-based) of the first occurrence of `needle` in `text`, computed independently of manba. */
export function positionOf(text: string, needle: string, from = 0): { line: number; column: number } {
  const at = text.indexOf(needle, from);
  if (at === -1) throw new Error(`not in text: ${needle}`);
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return { line, column: at - (before.lastIndexOf('\n') + 1) + 1 };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI in-process, as a user would from `cwd`. */
export async function cli(args: string[], options: { cwd?: string; stdin?: string } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    cwd: options.cwd ?? ROOT,
    readStdin: async () => new TextEncoder().encode(options.stdin ?? ''),
    isTTY: false,
    env: {},
  });
  return { code, stdout, stderr };
}

/** `ruleId line:column` for every finding of a JSON report's documents, by path. */
export function findingsByPath(json: string): Record<string, string[]> {
  const report = JSON.parse(json) as { documents: { path: string; findings: { ruleId: string; line: number; column: number }[] }[] };
  return Object.fromEntries(report.documents.map((d) => [d.path, d.findings.map((f) => `${f.ruleId} ${f.line}:${f.column}`)]));
}

/** An engine with the built-in rules and no config, as a run with no manba.config.yaml has. */
export async function builtinEngine(): Promise<Engine> {
  return new Engine(await buildRuleSet({ extends: [], builtins: true, rules: {} }));
}
