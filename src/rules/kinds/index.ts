import type { RuleKind } from '../types.js';
import { attribution } from './attribution.js';
import { bylineDate } from './byline-date.js';
import { legalText } from './legal-text.js';
import { pattern } from './pattern.js';

/** Every rule kind. A new kind is a new file beside this one and one entry here. */
export const ruleKinds: readonly RuleKind[] = [legalText, attribution, bylineDate, pattern];

export function kindNamed(name: string): RuleKind | undefined {
  return ruleKinds.find((k) => k.name === name);
}
