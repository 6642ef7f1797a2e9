/**
 * legal-text: a required legal text (the Article 74 notice) with named slots and accepted variants.
 * Checks: missing, altered (each difference named: slot, expected, found), position (not in the footer),
 * site (the site the text names is not the publishing site).
 */
import { compileTemplate, locateText, placeholdersOf, type CompiledTemplate, type Difference, type SlotSpec } from '../../text/legal-text.js';
import { parseNumericDate } from '../../text/dates.js';
import { fold, skeletonOf } from '../../text/fold.js';
import { OptionError, type FixProposal, type Messages, type NoFix, type RuleKind } from '../types.js';
import { messagesSchema } from './schema-parts.js';
import { endOfDocument, endOfFooter, inFooter } from './places.js';

interface Slot extends SlotSpec {
  label: Messages;
}

interface Options {
  name: Messages;
  text: string;
  slots: Record<string, Slot>;
  variants?: string[];
  minSimilarity?: number;
}

const CHANGE: Record<Difference['kind'], Messages> = {
  changed: { en: 'expected «{expected}», found «{found}»', fa: 'به جای «{expected}» آمده است «{found}»' },
  dropped: { en: '«{expected}» is missing', fa: '«{expected}» حذف شده است' },
  added: { en: '«{found}» was added', fa: '«{found}» افزوده شده است' },
  'cut-short': { en: 'the text is cut short: «{expected}» is missing at the end', fa: 'متن ناقص است: «{expected}» در پایان نیامده است' },
};
const WORDING: Messages = { en: 'wording', fa: 'عبارت' };
const NO_SITE: NoFix = { none: { en: 'the publishing site is not known (give --site, or site: in the config)', fa: 'سایت منتشرکننده معلوم نیست (‎--site یا site در پیکربندی را بدهید)' } };
const SHARED: NoFix = { none: { en: 'the notice shares its paragraph with other text', fa: 'اطلاعیه با متن دیگری در یک بند آمده است' } };

/** The sentence's closing punctuation right after a span: a fix replaces it with the span, so it is never doubled. */
function closingPunctuation(text: string, end: number): number {
  let k = end;
  while (k < text.length && /[.،؛!؟?]/u.test(text[k]!)) k++;
  return k;
}

export const legalText: RuleKind<Options> = {
  name: 'legal-text',
  summary: 'A required legal text with named slots (article number, date, site…) and accepted variants.',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'text', 'slots'],
    properties: {
      name: { ...messagesSchema, title: 'Name', description: 'What the text is called in messages, e.g. «اطلاعیه ماده ۷۴» / "Article 74 notice".' },
      text: {
        type: 'string',
        minLength: 20,
        title: 'Canonical text',
        description: 'The canonical wording. {name} marks a slot defined under slots; everything else must appear as written (after folding).',
      },
      slots: {
        type: 'object',
        title: 'Slots',
        description: 'The named parts of the text. A difference inside a slot is reported with the slot\'s label.',
        additionalProperties: {
          type: 'object',
          title: 'Slot',
          description: 'One named part of the text.',
          additionalProperties: false,
          required: ['type', 'label'],
          properties: {
            type: {
              type: 'string',
              enum: ['text', 'date', 'site', 'any'],
              title: 'Slot type',
              description: 'text: fixed words; date: a numeric date compared as a date (۱۳۸۲/۱۰/۱۷ = ۱۷-۱۰-۱۳۸۲); site: any words, compared with the publishing site by the site check; any: any words.',
            },
            value: { type: 'string', minLength: 1, title: 'Value', description: 'The canonical value, for text and date slots.' },
            accept: {
              type: 'array',
              title: 'Also accepted',
              description: 'Other values of a text slot that mean the same and are not reported, e.g. the law\'s name with «الکترونیکی».',
              items: { type: 'string', minLength: 1, title: 'Accepted value', description: 'One accepted value.' },
            },
            label: { ...messagesSchema, title: 'Label', description: 'What the slot is called in messages, e.g. "article number".' },
          },
        },
      },
      variants: {
        type: 'array',
        title: 'Accepted variants',
        description: 'Other full wordings that are accepted as they are (same slots), e.g. another site\'s notice.',
        items: { type: 'string', minLength: 20, title: 'Variant', description: 'One accepted wording.' },
      },
      minSimilarity: {
        type: 'number',
        minimum: 0.1,
        maximum: 1,
        default: 0.35,
        title: 'Minimum similarity',
        description: 'Share of the canonical text (0.1–1) a paragraph must share to count as an altered copy rather than no notice at all.',
      },
    },
  },
  checks: {
    missing: {
      summary: 'The text is not in the document.',
      placeholders: ['name'],
      message: { en: 'No {name} found. Add it to the footer, after the article.', fa: '{name} در متن نیست. آن را در پانویس، پس از متن خبر، بیاورید.' },
    },
    altered: {
      summary: 'The text is there but its words differ from the canonical text.',
      placeholders: ['name', 'what', 'change', 'expected', 'found'],
      message: { en: 'The {name} is altered ({what}): {change}. Use the canonical wording.', fa: '{name} تغییر کرده است ({what}): {change}. متن رسمی را به کار ببرید.' },
    },
    position: {
      summary: 'The text is not in the footer, after the article body.',
      placeholders: ['name'],
      message: { en: 'The {name} stands inside the article body. Move it to the footer, after the last paragraph.', fa: '{name} در میان متن خبر آمده است. آن را به پانویس، پس از آخرین بند، ببرید.' },
    },
    site: {
      summary: 'The site the text names is not the publishing site.',
      placeholders: ['name', 'expected', 'found', 'from'],
      message: {
        en: 'The {name} names the site «{found}», but the publishing site is «{expected}» ({from}). Put the publishing site\'s name in it.',
        fa: '{name} نام سایت را «{found}» آورده است، اما سایت منتشرکننده «{expected}» است ({from}). نام سایت منتشرکننده را بیاورید.',
      },
    },
  },
  compile(options) {
    const slots = options.slots;
    const texts = [options.text, ...(options.variants ?? [])];
    texts.forEach((text, k) => {
      const path = k === 0 ? ['text'] : ['variants', k - 1];
      for (const name of placeholdersOf(text)) {
        if (!slots[name]) throw new OptionError(path, `placeholder {${name}} is used but not defined under slots (defined: ${Object.keys(slots).join(', ') || 'none'})`);
      }
    });
    for (const [name, slot] of Object.entries(slots)) {
      if ((slot.type === 'text' || slot.type === 'date') && !slot.value) throw new OptionError(['slots', name], `slot ${name} of type ${slot.type} needs a value`);
      if (slot.accept && slot.type !== 'text') throw new OptionError(['slots', name, 'accept'], `slot ${name}: accept is for text slots only`);
      if ((slot.type === 'site' || slot.type === 'any') && slot.value) throw new OptionError(['slots', name, 'value'], `slot ${name} of type ${slot.type} accepts any words and takes no value`);
      if (slot.type === 'date' && !parseNumericDate(fold(slot.value!))) throw new OptionError(['slots', name, 'value'], `slot ${name}: «${slot.value}» is not a numeric date such as ۱۳۸۲/۱۰/۱۷`);
      if (!placeholdersOf(options.text).includes(name)) throw new OptionError(['slots', name], `slot ${name} is defined but the text never uses {${name}}`);
    }
    const templates: CompiledTemplate[] = texts.map((t, k) => compileTemplate(t, slots, k));
    const siteSlot = Object.keys(slots).find((n) => slots[n]!.type === 'site');
    const minSimilarity = options.minSimilarity ?? 0.35;
    // The expected site is the same in document after document: fold it once.
    let lastSite = '';
    let lastSiteSkeleton = '';
    const siteSkeleton = (site: string) => (site === lastSite ? lastSiteSkeleton : ((lastSite = site), (lastSiteSkeleton = skeletonOf(site))));
    const name = options.name;
    /** The canonical text with its slots filled: a fix writes it whole. */
    const canonical = (fillers: Record<string, string | undefined>): string | null => {
      let missing = false;
      const text = options.text.replace(/\{([a-zA-Z][\w-]*)\}/g, (_m, slot: string) => {
        const spec = slots[slot]!;
        const v = spec.type === 'text' || spec.type === 'date' ? spec.value : fillers[slot];
        if (!v) missing = true;
        return v ?? '';
      });
      return missing ? null : text.replace(/\s+/g, ' ').trim();
    };

    return {
      uses: ['attribution'],
      check(ctx, report) {
        const doc = ctx.document;
        const located = locateText(ctx.folded, templates, doc.blocks, minSimilarity);
        /** The site a fix writes: the publishing site when it is known, else the one the notice names. */
        const publishing = () => ctx.site ?? ctx.facts.attribution?.site?.name;
        if (!located) {
          const at = endOfDocument(doc);
          // Added as the last paragraph of the footer, naming the publishing site; without one, no fix.
          const fix = (): FixProposal | NoFix => {
            const site = publishing();
            if (siteSlot && !site) return NO_SITE;
            const text = canonical(siteSlot ? { [siteSlot]: site } : {});
            return text ? { edits: [{ op: 'insert-paragraph', ...endOfFooter(doc), text }] } : NO_SITE;
          };
          report({ check: 'missing', start: at, end: at, data: { name }, fix });
          return;
        }
        const captured = siteSlot ? located.captures[siteSlot] : undefined;
        const inTheFooter = inFooter(doc, located.start, ctx.scope === 'article');
        ctx.facts.notice = { start: located.start, end: located.end, inFooter: inTheFooter, ...(captured?.text ? { site: captured.text } : {}) };
        // The whole notice replaced by the canonical text, keeping the site it names when that site is right.
        const replaceEnd = closingPunctuation(doc.text, located.core.end);
        // What an altered copy holds where the site goes is a site's name only when no difference touches it: in
        // «…به اینکه پایگاه حاضر، مصداق…» («سایت» missing) it is «پایگاه حاضر», which names no site.
        const siteStands = !!captured && !located.differences.some((d) => d.start <= captured.end && d.end >= captured.start);
        const rewrite = (): FixProposal | NoFix => {
          const expected = publishing();
          const keep = captured?.text && (expected ? skeletonOf(captured.text) === siteSkeleton(expected) : siteStands) ? captured.text : undefined;
          const site = keep ?? expected;
          if (siteSlot && !site) return NO_SITE;
          const fillers: Record<string, string | undefined> = Object.fromEntries(Object.entries(located.captures).map(([k, v]) => [k, v.text]));
          if (siteSlot) fillers[siteSlot] = site;
          const text = canonical(fillers);
          return text ? { edits: [{ op: 'replace', start: located.core.start, end: replaceEnd, text }] } : NO_SITE;
        };
        for (const d of located.differences) {
          // A text cut short names every part it lacks: «site, liability clause».
          const what = d.missingSlots?.length ? joinLabels(d.missingSlots.map((n) => slots[n]!.label)) : d.slot ? slots[d.slot]!.label : WORDING;
          const change: Messages = { en: fill(CHANGE[d.kind].en, d), fa: fill(CHANGE[d.kind].fa, d) };
          report({
            check: 'altered',
            start: d.start,
            end: d.end,
            data: { name, what, change, expected: d.expected, found: d.found },
            evidence: { expected: d.expected, found: d.found },
            fix: rewrite,
          });
        }
        if (!inTheFooter) {
          // Moved as it stands (an altered copy is rewritten by its own fix): out of the body, after the last paragraph.
          const moved = doc.text.slice(located.core.start, replaceEnd).replace(/\s+/g, ' ').trim();
          const place = endOfFooter(doc);
          const fix: FixProposal | NoFix =
            doc.text.slice(located.start, located.end).trim() && place.after > replaceEnd
              ? { edits: [{ op: 'remove-paragraph', start: located.core.start, end: replaceEnd }, { op: 'insert-paragraph', ...place, text: moved }] }
              : SHARED;
          report({ check: 'position', start: located.start, end: located.end, data: { name }, fix });
        }
        if (siteSlot) {
          const expected = ctx.site ?? ctx.facts.attribution?.site?.name;
          const from: Messages = ctx.site ? { en: 'as set by site: in the config or --site', fa: 'طبق site در پیکربندی یا ‎--site' } : { en: 'as named in the attribution footer', fa: 'طبق سطر منبع خبر' };
          if (expected && captured && skeletonOf(captured.text) !== siteSkeleton(expected)) {
            report({
              check: 'site',
              start: captured.start,
              end: captured.end,
              data: { name, expected, found: captured.text, from },
              evidence: { expected, found: captured.text },
              // Only the site's name is replaced.
              fix: { edits: [{ op: 'replace', start: captured.start, end: captured.end, text: expected }] },
            });
          }
        }
      },
    };
  },
};

function joinLabels(labels: Messages[]): Messages {
  return { en: labels.map((l) => l.en).join(', '), fa: labels.map((l) => l.fa).join('، ') };
}

function fill(template: string, d: Difference): string {
  return template.replace('{expected}', d.expected).replace('{found}', d.found);
}
