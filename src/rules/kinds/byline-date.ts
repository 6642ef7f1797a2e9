/**
 * byline-date: the Jalali date in the article's byline (parsed with jalaali-js through text/jalali.ts).
 * Checks: date-invalid (not a real date: month 13, 31 مهر, 30 اسفند in a common year), date-future (after the check's date).
 * The parsed date (Jalali and ISO) is kept in the document's facts, for audits.
 */
import { bylineDateIn, isFuture } from '../../text/jalali.js';
import type { RuleKind } from '../types.js';

type Options = Record<string, never>;

export const bylineDate: RuleKind<Options> = {
  name: 'byline-date',
  summary: "The byline's Jalali date is a real date, and not in the future.",
  optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
  checks: {
    'date-invalid': {
      summary: "The byline's Jalali date does not exist.",
      placeholders: ['date'],
      message: { en: 'The byline date «{date}» is not a real Jalali date. Correct the day or month.', fa: 'تاریخ «{date}» در سطر تاریخ خبر تاریخ درستی نیست. روز یا ماه را درست کنید.' },
    },
    'date-future': {
      summary: "The byline's date is later than the date of the check.",
      placeholders: ['date', 'iso'],
      message: { en: 'The byline date «{date}» ({iso}) is in the future.', fa: 'تاریخ «{date}» ({iso}) در سطر تاریخ خبر در آینده است.' },
    },
  },
  compile() {
    return {
      check(ctx, report) {
        const doc = ctx.document;
        // The byline block, or else the first lines (a byline the reader could not tell by its shape).
        const block = doc.blocks.find((b) => b.kind === 'byline');
        const candidates = block ? [block] : doc.blocks.slice(0, 3);
        for (const b of candidates) {
          // On the document's own folded text: the line is not folded a second time.
          const date = bylineDateIn(ctx.folded, b.start, b.end);
          if (!date) continue;
          ctx.facts.bylineDate = date;
          const { start, end } = date;
          if (!date.valid) report({ check: 'date-invalid', start, end, data: { date: date.text } });
          else if (isFuture(date, ctx.now)) report({ check: 'date-future', start, end, data: { date: date.text, iso: date.isoDateTime ?? date.iso ?? '' } });
          return;
        }
      },
    };
  },
};
