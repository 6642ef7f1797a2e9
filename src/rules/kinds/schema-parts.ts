/** Schema pieces shared by rule kinds' option schemas and the rule-file schema. */
export const messagesSchema = {
  type: 'object',
  title: 'Messages',
  description: 'Text in Persian (fa) and English (en). Both are required: the user picks the language of reports.',
  additionalProperties: false,
  required: ['fa', 'en'],
  properties: {
    fa: { type: 'string', minLength: 1, title: 'Persian', description: 'The Persian text.' },
    en: { type: 'string', minLength: 1, title: 'English', description: 'The English text.' },
  },
} as const;

export const scopeSchema = {
  type: 'string',
  enum: ['document', 'footer'],
  title: 'Scope',
  description: 'Where to look: the whole document, or only its footer (the trailing footer lines, or the page footer).',
} as const;
