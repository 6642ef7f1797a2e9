/**
 * pattern: a required or forbidden regular expression, run on the folded text (Persian yeh/kaf, ASCII digits,
 * one space for any spacing). Patterns run on RE2 semantics (re2js): linear time, so no rule file can hang a check.
 */
import type { RE2JS } from 're2js';
import { lazyRequire } from '../../lazy.js';

const re2js = lazyRequire<typeof import('re2js')>('re2js');
import { OptionError, type RuleKind } from '../types.js';
import { scopeSchema } from './schema-parts.js';
import { endOfDocument, inScope } from './places.js';
import { fold } from '../../text/fold.js';

interface Options {
  pattern: string;
  mode: 'required' | 'forbidden';
  ignoreCase?: boolean;
  scope?: 'document' | 'footer';
}

export const pattern: RuleKind<Options> = {
  name: 'pattern',
  summary: 'A regular expression (RE2 syntax) that must, or must not, match the folded text.',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['pattern', 'mode'],
    properties: {
      pattern: { type: 'string', minLength: 1, title: 'Pattern', description: 'An RE2 regular expression, matched against the folded text (write Persian letters and ASCII digits; any spacing is one space).' },
      mode: { type: 'string', enum: ['required', 'forbidden'], title: 'Mode', description: 'required: report when nothing matches; forbidden: report every match.' },
      ignoreCase: { type: 'boolean', default: false, title: 'Ignore case', description: 'Match Latin letters in either case.' },
      scope: { ...scopeSchema, default: 'document' },
    },
  },
  checks: {
    missing: { summary: 'A required pattern does not match.', placeholders: ['pattern'], message: { en: 'Required text not found (pattern {pattern}).', fa: 'متن لازم پیدا نشد (الگوی {pattern}).' } },
    found: { summary: 'A forbidden pattern matches.', placeholders: ['pattern', 'found'], message: { en: 'Forbidden text «{found}» (pattern {pattern}).', fa: 'متن ممنوع «{found}» (الگوی {pattern}).' } },
  },
  compile(options) {
    let re: RE2JS;
    try {
      // The pattern's own letters are folded too, so «ي» in a rule file still finds «ی».
      const { RE2JS: re2 } = re2js();
      re = re2.compile(foldPatternLetters(options.pattern), options.ignoreCase ? re2.CASE_INSENSITIVE : 0);
    } catch (err) {
      throw new OptionError(['pattern'], `invalid pattern: ${(err as Error).message}`);
    }
    const scope = options.scope ?? 'document';
    return {
      check(ctx, report) {
        const { folded, document: doc } = ctx;
        const m = re.matcher(folded.text);
        let any = false;
        while (m.find()) {
          const [s, e] = folded.toOriginal(m.start(), m.end());
          if (!inScope(doc, scope, s)) continue;
          any = true;
          if (options.mode === 'forbidden') report({ check: 'found', start: s, end: e, data: { pattern: options.pattern, found: folded.original.slice(s, e) } });
          else break;
          if (m.end() === m.start()) break;
        }
        if (!any && options.mode === 'required') {
          const at = endOfDocument(doc);
          report({ check: 'missing', start: at, end: at, data: { pattern: options.pattern } });
        }
      },
    };
  },
};

/**
 * Fold the Persian/Arabic letters and digits of a pattern (and quote styles), never ASCII: `\S`, `\p{L}` and
 * other syntax must stay exactly as written.
 */
function foldPatternLetters(p: string): string {
  return [...p].map((ch) => (ch.charCodeAt(0) > 0x7f ? fold(ch) || ch : ch)).join('');
}
