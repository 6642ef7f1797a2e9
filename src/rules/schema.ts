/**
 * The JSON Schema of rule files, built from the rule kinds so that it cannot drift from the code: each kind's
 * options schema is attached under an if/then on `kind`. `npm run schemas` writes it to rules/schemas/ for editors.
 */
import { ruleKinds } from './kinds/index.js';
import { messagesSchema } from './kinds/schema-parts.js';

export const RULE_FILE_SCHEMA_ID = 'https://manba.dev/schemas/rule-file.schema.json';

/** A rule test's document: inline text or a file, optional replacements and site (valid and invalid cases alike). */
const testDocumentProperties = {
  name: { type: 'string', title: 'Name', description: 'What the case shows, printed by `manba rules test`.' },
  text: { type: 'string', title: 'Text', description: 'The document, as plain text. Give text or file.' },
  file: { type: 'string', title: 'File', description: 'A document file, relative to this rule file. Give text or file.' },
  replace: {
    type: 'object',
    title: 'Replacements',
    description: 'Text to replace in the document before checking, e.g. {"ماده ۷۴": "ماده ۷۵"}: a variant of a file without a copy of it.',
    additionalProperties: { type: 'string', title: 'Replacement', description: 'The text that replaces the key.' },
  },
  site: { type: 'string', title: 'Site', description: 'The publishing site for this case, as `site:` in a config.' },
};

export function ruleFileSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: RULE_FILE_SCHEMA_ID,
    title: 'manba rule file',
    description: 'Rules for manba, the checker for republished Persian news. Each rule has a kind (what it looks for) and checks (what it reports, as <id>/<check>).',
    type: 'object',
    additionalProperties: false,
    required: ['rules'],
    properties: {
      $schema: { type: 'string', title: 'Schema', description: 'The JSON Schema this file follows, for editors.' },
      rules: { type: 'array', title: 'Rules', description: 'The rules this file defines.', items: { $ref: '#/definitions/rule' } },
    },
    definitions: {
      rule: {
        type: 'object',
        title: 'Rule',
        description: 'One rule: a kind with its options, and the checks it reports.',
        additionalProperties: false,
        required: ['id', 'kind', 'options', 'checks'],
        properties: {
          id: {
            type: 'string',
            pattern: '^[a-z][a-z0-9-]*(?:/[a-z][a-z0-9-]*)*$',
            title: 'Rule id',
            description: 'Lower-case id, e.g. "notice". Findings are reported as <id>/<check>, e.g. "notice/altered"; users turn them on and off by that name.',
          },
          kind: { type: 'string', enum: ruleKinds.map((k) => k.name), title: 'Kind', description: `What the rule looks for: ${ruleKinds.map((k) => `${k.name} (${k.summary})`).join('; ')}` },
          title: { ...messagesSchema, title: 'Title', description: 'A one-line description, shown by `manba rules list`.' },
          description: { ...messagesSchema, title: 'Description', description: 'What the rule checks and why, shown by `manba rules explain`.' },
          legalBasis: { ...messagesSchema, title: 'Legal basis', description: 'The law the rule rests on, if any.' },
          options: { type: 'object', title: 'Options', description: 'The kind\'s options; see the kind\'s reference in docs/writing-rules.md.' },
          tests: {
            type: 'object',
            title: 'Tests',
            description: 'Documents this rule must pass (valid) and fail with exactly the listed findings (invalid); `manba rules test` runs them.',
            additionalProperties: false,
            properties: {
              valid: { type: 'array', title: 'Valid documents', description: 'Documents that must give no finding of this rule.', items: { $ref: '#/definitions/testDocument' } },
              invalid: { type: 'array', title: 'Invalid documents', description: 'Documents that must give exactly the listed findings of this rule.', items: { $ref: '#/definitions/invalidTest' } },
            },
          },
          checks: {
            type: 'object',
            title: 'Checks',
            description: 'The checks to report, by name (the kind says which exist), each with a severity and optionally its own message.',
            minProperties: 1,
            additionalProperties: { $ref: '#/definitions/check' },
          },
        },
        allOf: ruleKinds.map((k) => ({
          if: { properties: { kind: { const: k.name } }, required: ['kind'] },
          then: {
            properties: {
              options: { title: `${k.name} options`, description: k.summary, ...k.optionsSchema },
              checks: {
                title: `${k.name} checks`,
                description: Object.entries(k.checks).map(([n, c]) => `${n}: ${c.summary}`).join(' '),
                propertyNames: { enum: Object.keys(k.checks), title: 'Check name', description: `Checks of ${k.name}: ${Object.keys(k.checks).join(', ')}` },
              },
            },
          },
        })),
      },
      testDocument: {
        type: 'object',
        title: 'Test document',
        description: 'A document for a rule test: inline text, or a file relative to the rule file.',
        additionalProperties: false,
        properties: testDocumentProperties,
      },
      invalidTest: {
        type: 'object',
        title: 'Invalid test document',
        description: 'A document and the findings of this rule it must give, no more and no fewer.',
        additionalProperties: false,
        required: ['errors'],
        properties: {
          ...testDocumentProperties,
          errors: {
            type: 'array',
            minItems: 1,
            title: 'Expected findings',
            description: 'The findings of this rule the document must give.',
            items: {
              type: 'object',
              title: 'Expected finding',
              description: 'A finding: its rule id, and optionally where it is and part of its message.',
              additionalProperties: false,
              required: ['ruleId'],
              properties: {
                ruleId: { type: 'string', title: 'Rule id', description: 'The finding\'s id, e.g. notice/altered.' },
                line: { type: 'integer', minimum: 1, title: 'Line', description: '1-based line of the finding.' },
                column: { type: 'integer', minimum: 1, title: 'Column', description: '1-based column of the finding.' },
                message: { type: 'string', title: 'Message contains', description: 'Text the message (in English) must contain.' },
              },
            },
          },
        },
      },
      check: {
        type: 'object',
        title: 'Check',
        description: 'How one check reports.',
        additionalProperties: false,
        required: ['severity'],
        properties: {
          severity: { type: 'string', enum: ['error', 'warning', 'warn', 'off'], title: 'Severity', description: 'error fails the run (exit 1); warning (or warn) is reported; off is not run.' },
          message: { ...messagesSchema, title: 'Message', description: 'The message in both languages; {placeholders} are filled from what the check found.' },
        },
      },
    },
  };
}
