/**
 * Short fixed forms with captured names, such as «منبع خبر "{source}" است و …» or «منبع: {source}», compiled
 * into one regular expression over folded text. The form is folded like the document, a space in the form
 * matches any spacing (or none), and a word may be split by a space or ZWNJ in the document («تیتر آنلاین»).
 * The expression is built only from escaped literals and bounded classes, so it cannot backtrack badly.
 */
import { fold, type FoldedText } from './fold.js';

export interface CompiledForm {
  form: string;
  regex: RegExp;
  placeholders: string[];
  /**
   * The form's first letters, folded (at most three, so a word split by a ZWNJ later on still matches): the
   * form is tried only where they occur, found with native indexOf. Empty for a form that starts with a
   * placeholder, which is tried everywhere.
   */
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
    const before = fold(form.slice(last, m.index));
    pattern += literal(before, k === 0);
    // A name may be quoted where the form does not quote it: «منبع: «ایرنا»» names ایرنا.
    if (!before.endsWith('"')) pattern += '"?\\s?';
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
  const anchor = (/^[\p{L}\p{N}]+/u.exec(fold(form))?.[0] ?? '').slice(0, 3);
  // Anchored forms are tried only where their start occurs (sticky); one without a fixed start is searched once.
  return { form, regex: new RegExp(`(?<![\\p{L}\\p{N}])${pattern}`, anchor ? 'dyu' : 'dgu'), placeholders, anchor };
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

/** All matches of the forms in a folded document, in order of position (the first form wins a tie). */
export function matchForms(doc: FoldedText, forms: CompiledForm[]): FormMatch[] {
  const folded = doc.text;
  const out: FormMatch[] = [];
  // Forms that start alike («منبع خبر…», «منبع:») share one search for where they may start.
  const starts = new Map<string, number[]>();
  const startsOf = (anchor: string): number[] => {
    let list = starts.get(anchor);
    if (!list) {
      list = [];
      for (let at = folded.indexOf(anchor); at !== -1; at = folded.indexOf(anchor, at + 1)) list.push(at);
      starts.set(anchor, list);
    }
    return list;
  };
  const take = (m: RegExpExecArray, f: CompiledForm) => {
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
  };
  for (const f of forms) {
    f.regex.lastIndex = 0;
    if (!f.anchor) {
      for (let m = f.regex.exec(folded); m; m = f.regex.exec(folded)) {
        take(m, f);
        if (m[0].length === 0) f.regex.lastIndex++;
      }
      continue;
    }
    let lastEnd = -1;
    for (const at of startsOf(f.anchor)) {
      if (at < lastEnd) continue;
      f.regex.lastIndex = at; // sticky: try the form only here
      const m = f.regex.exec(folded);
      if (!m) continue;
      take(m, f);
      lastEnd = m.index + m[0].length;
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
