import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/schema.js';
import { ruleFileSchema } from '../src/rules/schema.js';
import { ruleKindsReference } from '../src/rules/reference.js';
import { ROOT } from './helpers.js';

const published = (name: string) => JSON.parse(readFileSync(`${ROOT}rules/schemas/${name}`, 'utf8')) as Record<string, unknown>;

/** Every property schema, with its JSON path, so we can demand a title and a description on each. */
function propertySchemas(schema: unknown, path = '#'): [string, Record<string, unknown>][] {
  if (!schema || typeof schema !== 'object') return [];
  const s = schema as Record<string, unknown>;
  const out: [string, Record<string, unknown>][] = [];
  for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, unknown>)) {
    out.push([`${path}/properties/${k}`, v as Record<string, unknown>], ...propertySchemas(v, `${path}/properties/${k}`));
  }
  for (const key of ['items', 'additionalProperties']) if (s[key] && typeof s[key] === 'object') out.push(...propertySchemas(s[key], `${path}/${key}`));
  for (const [k, v] of Object.entries((s.definitions ?? {}) as Record<string, unknown>)) out.push(...propertySchemas(v, `${path}/definitions/${k}`));
  for (const [i, v] of ((s.allOf ?? []) as unknown[]).entries()) out.push(...propertySchemas((v as { then?: unknown }).then, `${path}/allOf/${i}/then`));
  return out;
}

describe('published JSON Schemas', () => {
  it('rules/schemas/*.schema.json are what the code validates with (run npm run schemas if this fails)', () => {
    expect(published('rule-file.schema.json')).toEqual(ruleFileSchema());
    expect(published('config.schema.json')).toEqual(configSchema);
  });

  it('docs/rule-kinds.md is generated from the kinds (run npm run schemas if this fails)', () => {
    expect(readFileSync(`${ROOT}docs/rule-kinds.md`, 'utf8')).toBe(ruleKindsReference() + '\n');
  });

  for (const [name, schema] of [['rule-file', ruleFileSchema()], ['config', configSchema], ['sources', published('sources.schema.json')]] as const) {
    it(`${name} schema has an $id, compiles, and gives every property a title and a description`, () => {
      expect(schema.$id).toMatch(/^https:\/\/manba\.dev\/schemas\//);
      expect(() => new Ajv({ strict: false }).compile(schema)).not.toThrow();
      const missing = propertySchemas(schema)
        .filter(([, s]) => !s.title || !s.description)
        .map(([p]) => p);
      expect(missing).toEqual([]);
    });
  }
});
