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
import type { Outlet, Registry } from '../../sources/registry.js';
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
  'end-marker': { en: 'in the end marker', fa: 'در نشانه پایان خبر' },
};

const NOT_ALLOWED: Messages = { en: 'the outlet does not allow republication', fa: 'این رسانه اجازه بازنشر نمی‌دهد' };
const LINK_REQUIRED: Messages = { en: 'a link to the original story is required and the article has none', fa: 'پیوند به خبر اصلی لازم است و در متن نیست' };

/** Terms the registry states for the outlet that the article breaks. Unknown terms are never reported. */
function brokenTerms(outlet: Outlet, folded: string, registry: Registry): Messages[] {
  const broken: Messages[] = [];
  if (outlet.terms.republication === 'not-allowed') broken.push(NOT_ALLOWED);
  if (outlet.terms.linkRequired === 'yes') {
    const links = folded.match(/(?:https?:\/\/)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?:\/[^\s"]*)?/g) ?? [];
    const linked = links.some((l) => registry.byHost(l.replace(/^https?:\/\//, '').split('/')[0]!)?.id === outlet.id);
    if (!linked) broken.push(LINK_REQUIRED);
  }
  return broken;
}

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
      summary: 'The attribution names another outlet than the one the article names as its origin (resolved through the outlet registry).',
      placeholders: ['attributed', 'declared', 'where', 'line'],
      message: {
        en: 'The attribution names «{attributed}», but the article names «{declared}» as its origin ({where}, line {line}). Name «{declared}» in the attribution.',
        fa: 'در سطر منبع «{attributed}» آمده است، اما خبر از «{declared}» است ({where}، سطر {line}). در سطر منبع «{declared}» را بیاورید.',
      },
    },
    'unknown-source': {
      summary: 'The attribution names an outlet the registry does not know.',
      placeholders: ['source', 'suggestions'],
      message: {
        en: 'The attributed source «{source}» is not in the outlet registry{suggestions}. Check the name, or add the outlet to a sources: file.',
        fa: 'منبع «{source}» در فهرست رسانه‌ها نیست{suggestions}. نام را بررسی کنید یا رسانه را به فایل sources بیفزایید.',
      },
    },
    terms: {
      summary: "The outlet's republication terms in the registry are broken (republication not allowed; a required link to the original absent).",
      placeholders: ['outlet', 'term', 'notes'],
      message: {
        en: '«{outlet}»: {term} (registry: {notes}).',
        fa: '«{outlet}»: {term} (فهرست رسانه‌ها: {notes}).',
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
        const matches = matchForms(folded, forms).filter((m) => m.captures.source && inScope(doc, scope, folded.toOriginal(m.start, m.end)[0], ctx.scope === 'article'));
        const declared = findDeclaredSources(ctx);
        const registry = ctx.registry;
        ctx.facts.declared = declared.map((d) => {
          const o = registry.resolve(d.name);
          return o ? { ...d, outlet: o.id } : d;
        });
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
        const outlet = registry.resolve(source);
        if (outlet) ctx.facts.attribution.outlet = outlet.id;

        if (!outlet) {
          const near = registry.closest(source, 3).map((o) => o.name.fa);
          const suggestions: Messages = near.length ? { en: ` (did you mean ${near.map((n) => `«${n}»`).join(', ')}?)`, fa: ` (شاید ${near.map((n) => `«${n}»`).join('، ')})` } : { en: '', fa: '' };
          report({ check: 'unknown-source', start: s, end: e, data: { source, suggestions } });
        } else {
          for (const broken of brokenTerms(outlet, folded.text, registry)) report({ check: 'terms', start: s, end: e, data: { outlet: outlet.name.fa, term: broken, notes: { en: outlet.terms.notes, fa: outlet.terms.notes } } }); // the registry's words, not found text: never shortened
        }

        // Compare with the origin: through the registry when both names resolve, by folded name when neither does.
        const origin = ctx.facts.declared[0];
        if (!origin) return;
        const originOutlet = origin.outlet ? registry.byId(origin.outlet) : undefined;
        if (outlet && originOutlet) {
          if (outlet.id === originOutlet.id) return;
        } else if (outlet || originOutlet || isUrl(source) || isUrl(origin.name) || sameOutlet(source, origin.name)) {
          return; // one side unknown (reported as unknown-source), or the same name
        }
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
