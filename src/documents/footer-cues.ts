/**
 * How a plain-text footer line begins. Plain text has no markup for "footer", so the reader marks the trailing
 * run of lines that start like republisher footers do (docs/domain.md#attribution). The patterns accept
 * both Arabic and Persian yeh/kaf and any spacing, since this runs before folding.
 */
const Y = '[یيى]';
const K = '[کك]';
const S = '[\\s\\u200c\\u200d]*';
const cues = [
  `منبع`,
  `با${S}استناد`,
  `انتها${Y}${S}پ${Y}ام`,
  `انتها${Y}${S}متن`,
  `\\(${S}ادامه${S}\\)`,
  `ادامه${S}خبر`,
  `${K}د${S}خبر`,
  `تار${Y}خ${S}انتشار`,
  `source\\s*:`,
];
export const FOOTER_CUE = new RegExp(`^[\\s\\u200c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069*•\\-–—]*(?:${cues.join('|')})`, 'iu');
