/**
 * attribution: the footer line that names the outlet a story came from («منبع خبر "ایرنا" است …», «منبع: X»).
 * Checks: missing (no attribution), mismatch (it names another outlet than the article declares as its origin).
 * It also provides the attribution (source, and the site when the form names one) to other rules.
 */
import { compileForm, matchForms } from '../../text/form.js';
import { findDeclaredSources, type DeclaredWhere } from '../../sources/declared.js';
import { isUrl, sameOutlet } from '../../sources/compare.js';
import { displayOf } from '../../text/legal-text.js';
import { OptionError, type FixProposal, type Messages, type NoFix, type RuleKind } from '../types.js';
import type { Outlet, Registry } from '../../sources/registry.js';
import { scopeSchema } from './schema-parts.js';
import { endOfDocument, endOfFooter, inScope } from './places.js';

interface Options {
  forms: string[];
  scope?: 'document' | 'footer';
  line?: string;
}

/** The attribution line a fix writes, as Titr Online prints it. */
export const DEFAULT_ATTRIBUTION_LINE = 'منبع خبر "{source}" است و موتور جستجوگر خبر {site} در قبال محتوای آن هیچ مسئولیتی ندارد.';

const NO_SOURCE: NoFix = {
  none: {
    en: 'the article does not say where it came from (no byline, dateline, lead, front matter or source field names an outlet), and manba never guesses a source',
    fa: 'خبر نمی‌گوید از کجا آمده است (سطر منبع، سرخط، لید، فراداده یا فیلد منبع نامی نمی‌برد) و manba منبعی را حدس نمی‌زند',
  },
};
const NO_SITE: NoFix = { none: { en: 'the publishing site is not known (give --site, or site: in the config)', fa: 'سایت منتشرکننده معلوم نیست (‎--site یا site در پیکربندی را بدهید)' } };

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
      line: {
        type: 'string',
        minLength: 3,
        default: DEFAULT_ATTRIBUTION_LINE,
        title: 'Line a fix writes',
        description:
          'The attribution line `manba check --fix` adds when none is found and the article declares its source: {source} is the declared outlet, {site} the publishing site (--site or site: in the config, else the site the notice names). Without a declared source, or without a site when the line names one, there is no fix.',
      },
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
    const line = options.line ?? DEFAULT_ATTRIBUTION_LINE;
    const linePlaceholders = compileForm(line).placeholders;
    if (!linePlaceholders.includes('source')) throw new OptionError(['line'], `line «${line}» has no {source} placeholder: the line a fix writes must name the outlet`);
    const unknownInLine = linePlaceholders.find((p) => p !== 'source' && p !== 'site');
    if (unknownInLine) throw new OptionError(['line'], `line «${line}» uses {${unknownInLine}}; it knows {source} and {site}`);

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
          // A line naming the outlet the article itself declares, before the notice (after the last paragraph when
          // the notice is not in the footer). Settled after every rule ran: the notice's place and site are known then.
          const fix = (facts: typeof ctx.facts): FixProposal | NoFix => {
            const origin = declared[0];
            if (!origin) return NO_SOURCE;
            const site = ctx.site ?? facts.notice?.site;
            if (linePlaceholders.includes('site') && !site) return NO_SITE;
            const text = line.replace(/\{source\}/g, displayOf(origin.name)).replace(/\{site\}/g, site ?? '');
            const notice = facts.notice;
            return { edits: [notice?.inFooter ? { op: 'insert-paragraph', before: notice.start, text } : { op: 'insert-paragraph', ...endOfFooter(doc), text }] };
          };
          report({ check: 'missing', start: at, end: at, data: { suggestion: `«منبع: ${name}»` }, fix });
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
          // Only a suggestion: which outlet is right is for a person to decide.
          fix: { edits: [{ op: 'replace', start: s, end: e, text: displayOf(origin.name) }], suggestion: true },
        });
      },
    };
  },
};
