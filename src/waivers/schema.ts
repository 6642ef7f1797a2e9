export const WAIVER_FILE_SCHEMA_ID = 'https://manba.dev/schemas/waivers.schema.json';

/** ISO (2027-03-20) or Jalali (1405/08/29, or 1405-08-29 with a year before 1500), Persian digits allowed. */
const DATE_PATTERN = '^[0-9۰-۹]{4}[-/][0-9۰-۹]{1,2}[-/][0-9۰-۹]{1,2}$';

const date = (title: string, description: string) => ({ type: 'string', pattern: DATE_PATTERN, title, description });

/** The JSON Schema of a waiver file (named by `waivers:` in manba.config.yaml). */
export const waiverFileSchema: Record<string, unknown> = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: WAIVER_FILE_SCHEMA_ID,
  title: 'manba waivers',
  description:
    'Approved exceptions: findings of a rule that the legal desk accepts for some documents, with who approved them and until when. manba only reads this file.',
  type: 'object',
  additionalProperties: false,
  required: ['waivers'],
  properties: {
    $schema: { type: 'string', title: 'Schema', description: 'The JSON Schema this file follows, for editors.' },
    waivers: {
      type: 'array',
      title: 'Waivers',
      description: 'The approved exceptions. A finding covered by an active waiver is reported as waived and does not fail the run.',
      items: {
        type: 'object',
        title: 'Waiver',
        description: 'One approved exception: which findings it covers (a rule, and at least one of paths, urls, outlet, sha256: all that are given must match), why, who approved it, when, and until when.',
        additionalProperties: false,
        required: ['rule', 'reason', 'approvedBy', 'approved', 'expires'],
        properties: {
          id: { type: 'string', minLength: 1, title: 'Id', description: 'A name for the waiver (a ticket number, say), shown in reports and by manba waivers list.' },
          rule: {
            type: 'string',
            minLength: 1,
            title: 'Rule',
            description: 'The rule id (notice/missing) or family (notice) whose findings the waiver covers.',
          },
          paths: {
            type: 'array',
            minItems: 1,
            title: 'Paths',
            description: 'Globs of document paths, relative to the folder of the config file that names this waiver file (archive/1398/**).',
            items: { type: 'string', minLength: 1, title: 'Glob', description: 'A glob, e.g. archive/1398/**.' },
          },
          urls: {
            type: 'array',
            minItems: 1,
            title: 'URLs',
            description: 'Patterns of the URLs documents were published at (the url of a JSON or feed item, a page named by URL); * matches any run of characters.',
            items: { type: 'string', minLength: 1, title: 'URL pattern', description: 'e.g. https://www.example.ir/news/1398/*' },
          },
          outlet: { type: 'string', minLength: 1, title: 'Outlet', description: 'The registry id of the source outlet (as manba sources list shows it): documents attributed to it.' },
          sha256: { type: 'string', pattern: '^[0-9a-fA-F]{64}$', title: 'Document digest', description: "The SHA-256 of one document's bytes, as reports give it: the waiver ends when the document changes." },
          reason: { type: 'string', minLength: 1, title: 'Reason', description: 'Why the exception is accepted.' },
          approvedBy: { type: 'string', minLength: 1, title: 'Approved by', description: 'Who approved the exception (a person or a role).' },
          approved: date('Approved', 'When it was approved: an ISO date (2026-11-20) or a Jalali one (1405/08/29).'),
          expires: date('Expires', 'The last day it applies: an ISO date (2027-03-20) or a Jalali one (1405/12/29). From the next day it waives nothing and is reported as waiver/expired.'),
        },
      },
    },
  },
};
