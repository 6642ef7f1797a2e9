import { checkstyleReporter } from './checkstyle.js';
import { compactReporter } from './compact.js';
import { csvReporter } from './csv.js';
import { githubReporter } from './github.js';
import { htmlReporter } from './html.js';
import { jsonReporter } from './json.js';
import { jsonlReporter } from './jsonl.js';
import { junitReporter } from './junit.js';
import { sarifReporter } from './sarif.js';
import { stylishReporter } from './stylish.js';
import type { Reporter } from './types.js';

/** Every output format. A new format is a new file beside this one and one entry here. */
export const reporters: readonly Reporter[] = [
  stylishReporter,
  jsonReporter,
  jsonlReporter,
  compactReporter,
  sarifReporter,
  junitReporter,
  githubReporter,
  checkstyleReporter,
  htmlReporter,
  csvReporter,
];

export function reporterNamed(name: string): Reporter | undefined {
  return reporters.find((r) => r.name === name);
}

export type { Report, Reporter, ReporterDefinition, ReporterOptions } from './types.js';
export { defineReporter } from './types.js';
