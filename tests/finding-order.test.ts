import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byPosition, type Finding } from '../src/engine/finding.js';
import { ruleFileSchema } from '../src/rules/schema.js';

const at = (ruleId: string, line = 3, column = 20) => ({ ruleId, line, column }) as Finding;

describe('byPosition', () => {
  it('orders by line, then column, then rule id', () => {
    const sorted = [at('notice/missing'), at('attribution/missing'), at('a', 3, 21), at('z', 2, 40)].sort(byPosition);
    expect(sorted.map((f) => `${f.line}:${f.column} ${f.ruleId}`)).toEqual(['2:40 z', '3:20 attribution/missing', '3:20 notice/missing', '3:21 a']);
  });

  it('orders rule ids as the collation does, on the characters the rule-file schema allows', () => {
    // The rule-file schema's own pattern: a rule id of findings is that id, «/», then a check's name of that form.
    const schema = ruleFileSchema() as { definitions: { rule: { properties: { id: { pattern: string } } } } };
    const id = fc.stringMatching(new RegExp(schema.definitions.rule.properties.id.pattern));
    fc.assert(
      fc.property(id, id, (a, b) => {
        expect(Math.sign(byPosition(at(a), at(b)))).toBe(Math.sign(a.localeCompare(b)));
      }),
      { numRuns: 5000 },
    );
  });
});
