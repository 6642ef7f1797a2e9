// Writes the JSON Schemas that editors use (rules/schemas/*.schema.json) from the code that validates with
// them, so the two cannot drift. tests/schemas.test.ts fails when these files are stale.
import { writeFileSync } from 'node:fs';
import { configSchema, ruleFileSchema } from '../dist/index.js';

const out = new URL('../rules/schemas/', import.meta.url);
writeFileSync(new URL('rule-file.schema.json', out), JSON.stringify(ruleFileSchema(), null, 2) + '\n');
writeFileSync(new URL('config.schema.json', out), JSON.stringify(configSchema, null, 2) + '\n');
console.log('wrote rules/schemas/rule-file.schema.json and rules/schemas/config.schema.json');
