/**
 * Short fixed forms with captured names, such as «منبع خبر "{source}" است و …» or «منبع: {source}», compiled
 * into one regular expression over folded text. The form is folded like the document, a space in the form
 * matches any spacing (or none), and a word may be split by a space or ZWNJ in the document («تیتر آنلاین»).
 * The expression is built only from escaped literals and bounded classes, so it cannot backtrack badly.
 */
import { fold } from './fold.js';

export interface CompiledForm {
  form: string;
  regex: RegExp;
  placeholders: string[];
  /** The form's first letter, folded: a form is only tried where it occurs (found with native indexOf). */
  anchor: string;
}

const PLACEHOLDER = /\{([a-zA-Z][\w-]*)\}/g;
const NAME_MAX = 80;

export function compileForm(form: string): CompiledForm {
  const placeholders: string[] = [];
  let pattern = '';
  let last = 0;
  const matches = [...form.matchAll(PLACEHOLDER)];
  matches.forEach((m, k) => {
    pattern += literal(fold(form.slice(last, m.index)), k === 0);
    const name = m[1]!;
    placeholders.push(name);
    const isLast = k === matches.length - 1 && form.slice(m.index + m[0].length).trim() === '';
    // A trailing name runs to the end of its line; an inner one stops at a quote or the text that follows.
    pattern += isLast ? `(?<${name}>[^\\n"]{1,${NAME_MAX}})` : `(?<${name}>[^\\n"]{1,${NAME_MAX}}?)`;
    pattern += '\\s?';
    last = m.index + m[0].length;
  });
  pattern += literal(fold(form.slice(last)), matches.length === 0);
  // A form starts at a word boundary: «منبع:» must not match inside a longer word.
  // One letter: a word of the form may be split in the document («تیتر آنلاین»), so anchor on its first letter.
  const anchor = form.startsWith('{') ? '' : fold(form).slice(0, 1);
  return { form, regex: new RegExp(`(?<![\\p{L}\\p{N}])${pattern}`, 'dyu'), placeholders, anchor };
}

function literal(text: string, leading: boolean): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === ' ' || ch === '\n') {
      out += '\\s*';
      continue;
    }
    out += escape(ch);
    const next = text[i + 1];
    if (next !== undefined && next !== ' ') out += '\\s?';
  }
  // Quotes and colons are often followed by a line break (Titr layout B: «منبع خبر "⏎اقتصادنیوز"»).
  if (!leading && out.length) out = '\\s?' + out;
  return out.endsWith('\\s*') ? out : out + '\\s?';
}

function escape(ch: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(ch) ? `\\${ch}` : ch;
}

export interface FormMatch {
  /** Folded range of the whole match. */
  start: number;
  end: number;
  captures: Record<string, { start: number; end: number }>;
}

/** All matches of the forms in folded text, in order of position (the first form wins a tie). */
export function matchForms(folded: string, forms: CompiledForm[]): FormMatch[] {
  const out: FormMatch[] = [];
  for (const f of forms) {
    for (let at = folded.indexOf(f.anchor); at !== -1; at = folded.indexOf(f.anchor, at + 1)) {
      f.regex.lastIndex = at; // sticky: try the form only here
      const m = f.regex.exec(folded);
      if (!m) continue;
      const captures: FormMatch['captures'] = {};
      for (const name of f.placeholders) {
        const g = m.indices?.groups?.[name];
        if (!g) continue;
        let [s, e] = g;
        while (e > s && /[\s.,;:)(\-"']/.test(folded[e - 1]!)) e--; // «فارس.» names فارس
        while (s < e && /[\s"']/.test(folded[s]!)) s++;
        if (e > s) captures[name] = { start: s, end: e };
      }
      out.push({ start: m.index, end: m.index + m[0].length, captures });
      at = Math.max(at, m.index + m[0].length - 1);
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
