/**
 * attribution: the footer line that names the outlet a story came from («منبع خبر "ایرنا" است …», «منبع: X»).
 * Checks: missing (no attribution), mismatch (it names another outlet than the article declares as its origin).
 * It also provides the attribution (source, and the site when the form names one) to other rules.
 */
import { compileForm, matchForms } from '../../text/form.js';
import { findDeclaredSources, type DeclaredWhere } from '../../sources/declared.js';
import { isUrl, sameOutlet } from '../../sources/compare.js';
import { displayOf } from '../../text/legal-text.js';
import { OptionError, type Messages, type RuleKind } from '../types.js';
import { scopeSchema } from './schema-parts.js';
import { endOfDocument, inScope } from './places.js';

interface Options {
  forms: string[];
  scope?: 'document' | 'footer';
}

const WHERE: Record<DeclaredWhere, Messages> = {
  metadata: { en: 'in the metadata', fa: 'در فراداده' },
  byline: { en: 'in the byline', fa: 'در سطر نام منبع و تاریخ' },
  dateline: { en: 'in the dateline', fa: 'در سرخط خبر' },
  'lead-prefix': { en: 'at the start of the lead', fa: 'در آغاز لید' },
  lead: { en: 'in the lead', fa: 'در لید' },
};

export const attribution: RuleKind<Options> = {
  name: 'attribution',
  summary: 'A source attribution that names the outlet, compared with the origin the article declares.',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['forms'],
    properties: {
      forms: {
        type: 'array',
        minItems: 1,
        title: 'Attribution forms',
        description: 'The ways an attribution is written. {source} captures the outlet\'s name (required); {site} captures the republishing site, when the form names it.',
        items: { type: 'string', minLength: 3, title: 'Form', description: 'One form, e.g. «منبع: {source}».' },
      },
      scope: { ...scopeSchema, default: 'document' },
    },
  },
  checks: {
    missing: {
      summary: 'No attribution names the source.',
      placeholders: ['suggestion'],
      message: { en: 'No source attribution. Add a footer line naming the outlet the story came from, e.g. {suggestion}.', fa: 'منبع خبر ذکر نشده است. در پانویس نام رسانه‌ای را که خبر از آن آمده است بیاورید، مانند {suggestion}.' },
    },
    mismatch: {
      summary: 'The attribution names another outlet than the one the article names as its origin.',
      placeholders: ['attributed', 'declared', 'where', 'line'],
      message: {
        en: 'The attribution names «{attributed}», but the article names «{declared}» as its origin ({where}, line {line}). Name «{declared}» in the attribution.',
        fa: 'در سطر منبع «{attributed}» آمده است، اما خبر از «{declared}» است ({where}، سطر {line}). در سطر منبع «{declared}» را بیاورید.',
      },
    },
  },
  compile(options) {
    const forms = options.forms.map((form, k) => {
      const compiled = compileForm(form);
      if (!compiled.placeholders.includes('source')) throw new OptionError(['forms', k], `form «${form}» has no {source} placeholder: an attribution must name the outlet`);
      const unknown = compiled.placeholders.find((p) => p !== 'source' && p !== 'site');
      if (unknown) throw new OptionError(['forms', k], `form «${form}» uses {${unknown}}; forms know {source} and {site}`);
      return compiled;
    });
    const scope = options.scope ?? 'document';

    return {
      provides: ['attribution'],
      check(ctx, report) {
        const { document: doc, folded } = ctx;
        const matches = matchForms(folded, forms).filter((m) => m.captures.source && inScope(doc, scope, folded.toOriginal(m.start, m.end)[0]));
        const declared = findDeclaredSources(ctx);
        // Prefer the last attribution: the footer's, not a «منبع:» quoted in the body.
        const found = matches[matches.length - 1];
        if (!found) {
          const at = endOfDocument(doc);
          const name = declared[0] ? displayOf(declared[0].name) : 'X';
          report({ check: 'missing', start: at, end: at, data: { suggestion: `«منبع: ${name}»` } });
          return;
        }
        const [s, e] = folded.toOriginal(found.captures.source!.start, found.captures.source!.end);
        const source = displayOf(folded.original.slice(s, e));
        const site = found.captures.site ? folded.toOriginal(found.captures.site.start, found.captures.site.end) : undefined;
        ctx.facts.attribution = {
          source,
          start: s,
          end: e,
          ...(site ? { site: { name: displayOf(folded.original.slice(site[0], site[1])), start: site[0], end: site[1] } } : {}),
        };
        const origin = declared[0];
        if (!origin || isUrl(source) || isUrl(origin.name)) return; // a URL needs the registry to compare
        if (sameOutlet(source, origin.name)) return;
        report({
          check: 'mismatch',
          start: s,
          end: e,
          data: { attributed: source, declared: displayOf(origin.name), where: WHERE[origin.where], line: String(doc.locate(origin.start).line) },
          evidence: { expected: displayOf(origin.name), found: source },
        });
      },
    };
  },
};
