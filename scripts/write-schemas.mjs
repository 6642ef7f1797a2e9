// Writes what is generated from the code, so it cannot drift: the JSON Schemas editors use
// (rules/schemas/*.schema.json) and the rule-kind reference (docs/rule-kinds.md).
// tests/schemas.test.ts fails when these files are stale.
import { writeFileSync } from 'node:fs';
import { configSchema, ruleFileSchema, ruleKindsReference, waiverFileSchema } from '../dist/index.js';

const root = new URL('../', import.meta.url);
writeFileSync(new URL('rules/schemas/rule-file.schema.json', root), JSON.stringify(ruleFileSchema(), null, 2) + '\n');
writeFileSync(new URL('rules/schemas/config.schema.json', root), JSON.stringify(configSchema, null, 2) + '\n');
writeFileSync(new URL('rules/schemas/waivers.schema.json', root), JSON.stringify(waiverFileSchema, null, 2) + '\n');
writeFileSync(new URL('docs/rule-kinds.md', root), ruleKindsReference() + '\n');
console.log('wrote rules/schemas/rule-file.schema.json, rules/schemas/config.schema.json, rules/schemas/waivers.schema.json, docs/rule-kinds.md');
