/**
 * The reference of every rule kind, generated from the kinds' own option schemas and checks, so the docs
 * cannot drift from the code. `npm run schemas` writes it to docs/rule-kinds.md; a test keeps it current.
 */
import { ruleKinds } from './kinds/index.js';

type Schema = { type?: string | string[]; title?: string; description?: string; enum?: unknown[]; default?: unknown; minimum?: number; maximum?: number; items?: Schema; properties?: Record<string, Schema>; additionalProperties?: Schema | boolean; required?: string[] };

export function ruleKindsReference(): string {
  const out: string[] = [
    '# Rule kinds: reference',
    '',
    '<!-- Generated from src/rules/kinds/*.ts by `npm run schemas`; do not edit by hand. -->',
    '',
    'Every rule in a rule file has a `kind`. The kind decides which `options` the rule takes (checked when the',
    'file is loaded, with the position of any bad option) and which `checks` it can report, as `<rule id>/<check>`.',
    'See [writing-rules.md](writing-rules.md) for a guide.',
    '',
  ];
  for (const kind of ruleKinds) {
    out.push(`## \`${kind.name}\``, '', kind.summary, '', '### Options', '');
    out.push(...optionRows(kind.optionsSchema as Schema, ''));
    out.push('', '### Checks', '', '| check | reported when | message placeholders | default message (en) |', '|---|---|---|---|');
    for (const [name, c] of Object.entries(kind.checks)) {
      out.push(`| \`${name}\` | ${c.summary} | ${c.placeholders.map((p) => `\`{${p}}\``).join(' ')} | ${c.message.en.replace(/\|/g, '\\|')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

function typeOf(s: Schema): string {
  if (s.enum) return s.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (s.type === 'array') return `list of ${s.items ? typeOf(s.items) : 'values'}`;
  if (s.type === 'object' && s.properties && !s.additionalProperties) return 'mapping';
  if (s.type === 'object' && typeof s.additionalProperties === 'object') return `mapping of name → ${typeOf(s.additionalProperties)}`;
  return String(s.type ?? 'any');
}

function optionRows(schema: Schema, prefix: string): string[] {
  const rows: string[] = [];
  if (!prefix) rows.push('| option | type | required | default | description |', '|---|---|---|---|---|');
  for (const [name, p] of Object.entries(schema.properties ?? {})) {
    const key = prefix ? `${prefix}.${name}` : name;
    const range = p.minimum !== undefined || p.maximum !== undefined ? ` (${p.minimum ?? ''}–${p.maximum ?? ''})` : '';
    rows.push(`| \`${key}\` | ${typeOf(p)}${range} | ${(schema.required ?? []).includes(name) ? 'yes' : 'no'} | ${p.default !== undefined ? `\`${JSON.stringify(p.default)}\`` : ''} | ${(p.description ?? '').replace(/\|/g, '\\|')} |`);
    const isMessages = Object.keys(p.properties ?? {}).sort().join(',') === 'en,fa';
    if (p.properties && !isMessages) rows.push(...optionRows(p, key));
    const inner = typeof p.additionalProperties === 'object' ? p.additionalProperties : undefined;
    if (inner?.properties) rows.push(...optionRows(inner, `${key}.<name>`));
  }
  return rows;
}
