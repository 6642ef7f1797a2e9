export const CONFIG_SCHEMA_ID = 'https://manba.dev/schemas/config.schema.json';

/** The JSON Schema of manba.config.yaml. */
export const configSchema: Record<string, unknown> = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: CONFIG_SCHEMA_ID,
  title: 'manba configuration',
  description: 'manba.config.yaml: which site publishes, which rules run and how severe they are, and which extra rule files to load.',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string', title: 'Schema', description: 'The JSON Schema this file follows, for editors.' },
    site: {
      type: 'string',
      minLength: 1,
      title: 'Publishing site',
      description: 'The name the publishing site goes by in its notice, e.g. «تیترآنلاین». The notice/site check compares the notice with it; without it, with the site the attribution footer names.',
    },
    scope: {
      type: 'string',
      enum: ['page', 'article'],
      default: 'page',
      title: 'Where the footer may stand',
      description: "page (default): the attribution and the notice may stand in the article's footer or in the page's own footer (HTML <footer>); article: they must stand in the article itself.",
    },
    lang: { type: 'string', enum: ['fa', 'en'], title: 'Language', description: 'The language of messages in reports (fa or en).' },
    extends: {
      type: 'array',
      title: 'Extra rules',
      description: 'Rules to load besides the built-in ones (see builtins): rule files and folders relative to this config file, installed npm packages (manba-rules-<name>, <name> for short, or a scoped name), or built-in sets (manba:recommended, manba:article74, manba:attribution, manba:byline).',
      items: { type: 'string', minLength: 1, title: 'Rule source', description: 'A rule file or folder (./house.yaml, ./rules/), a package (acme, manba-rules-acme, @acme/manba-rules), or a built-in set (manba:article74).' },
    },
    ignorePatterns: {
      type: 'array',
      title: 'Ignored paths',
      description: 'Patterns in gitignore syntax (relative to this config file) of files never to check, besides those in a .manbaignore file beside the config.',
      items: { type: 'string', minLength: 1, title: 'Pattern', description: 'e.g. archive/drafts/ or *.draft.txt (gitignore syntax)' },
    },
    overrides: {
      type: 'array',
      title: 'Overrides by path',
      description: 'Settings for some files only: where several match a file, the last one wins.',
      items: {
        type: 'object',
        title: 'Override',
        description: 'The files it applies to, and what it changes for them.',
        additionalProperties: false,
        required: ['files'],
        properties: {
          files: { type: 'array', minItems: 1, title: 'Files', description: 'Globs relative to this config file, e.g. sites/zendegi/**.', items: { type: 'string', minLength: 1, title: 'Glob', description: 'A glob.' } },
          rules: {
            type: 'object',
            title: 'Rule settings',
            description: 'Severity by rule id for these files.',
            additionalProperties: { type: 'string', enum: ['off', 'warn', 'warning', 'error'], title: 'Setting', description: 'off, warn (or warning), or error.' },
          },
          site: { type: 'string', minLength: 1, title: 'Publishing site', description: 'The publishing site for these files.' },
          scope: { type: 'string', enum: ['page', 'article'], title: 'Where the footer may stand', description: 'As scope at the top level, for these files.' },
        },
      },
    },
    maxFileSize: { type: 'integer', minimum: 1, title: 'Largest file', description: 'Files larger than this many bytes are not read (a finding says so); default 20971520 (20 MB). JSONL streams and is not limited.' },
    encoding: { type: 'string', enum: ['utf-8', 'utf-16le', 'utf-16be', 'windows-1256'], title: 'Encoding', description: 'Read every file in this encoding instead of detecting it (UTF-8, UTF-16 with BOM, Windows-1256).' },
    read: {
      type: 'object',
      title: 'Readers',
      description: 'How formats are read.',
      additionalProperties: false,
      properties: {
        json: {
          type: 'object',
          title: 'JSON and JSONL',
          description: 'CMS exports: which fields hold which part of an article.',
          additionalProperties: false,
          properties: {
            array: { type: 'string', title: 'Array field', description: 'For a top-level object, the field holding the array of articles (default: the first array of objects).' },
            fields: {
              type: 'object',
              title: 'Fields',
              description: 'Field names (or lists of names to try) for title, body, source, url, published, id and site; defaults cover common CMS names.',
              additionalProperties: false,
              properties: Object.fromEntries(
                ['title', 'body', 'source', 'url', 'published', 'id', 'site'].map((k) => [
                  k,
                  { title: k, description: `The field that holds the article's ${k}.`, anyOf: [{ type: 'string', title: 'Field', description: 'One field name (a.b for a nested one).' }, { type: 'array', title: 'Fields', description: 'Field names to try in order.', items: { type: 'string', title: 'Field', description: 'A field name.' } }] },
                ]),
              ),
            },
          },
        },
        html: {
          type: 'object',
          title: 'HTML',
          description: 'How HTML pages are read.',
          additionalProperties: false,
          properties: { selector: { type: 'string', title: 'Content selector', description: 'CSS selector of the article element (default: article, else main, else body).' } },
        },
      },
    },
    sources: {
      type: 'array',
      title: 'Outlet registry files',
      description: 'Registry files (like rules/sources.yaml) that add outlets or override built-in ones by id, relative to this config file.',
      items: { type: 'string', minLength: 1, title: 'Registry file', description: 'A path to a registry file (YAML).' },
    },
    waivers: {
      type: 'string',
      minLength: 1,
      title: 'Waiver file',
      description: 'A YAML file of approved exceptions (rule, what it covers, reason, approvedBy, approved, expires), relative to this config file; see rules/schemas/waivers.schema.json. manba only reads it.',
    },
    builtins: { type: 'boolean', default: true, title: 'Built-in rules', description: 'Load manba:recommended, the built-in rules (default true). Set false to run only what extends names.' },
    rules: {
      type: 'object',
      title: 'Rule settings',
      description: 'Severity by rule id (e.g. notice/altered): off, warn or error.',
      additionalProperties: { type: 'string', enum: ['off', 'warn', 'warning', 'error'], title: 'Setting', description: 'off: do not run; warn (or warning): report as a warning; error: report as an error (fails the run).' },
    },
  },
};
