import { jsonReporter } from './json.js';
import { stylishReporter } from './stylish.js';
import type { Reporter } from './types.js';

/** Every output format. A new format is a new file beside this one and one entry here. */
export const reporters: readonly Reporter[] = [stylishReporter, jsonReporter];

export function reporterNamed(name: string): Reporter | undefined {
  return reporters.find((r) => r.name === name);
}

export type { Report, Reporter, ReporterOptions } from './types.js';
