/**
 * In-document suppressions, for the legitimate exception, as ESLint's disable comments:
 *   <!-- manba-disable notice/position -- the notice is in the sidebar on this site -->   (HTML, Markdown, text)
 *   # manba-disable-next-line attribution/mismatch -- reason                               (a text line)
 *   <!-- manba-enable notice/position -->
 * `manba-disable` runs to the matching `manba-enable` or the end; `-next-line` covers the next line. No rule ids
 * means every rule. The reason after `--` is mandatory: a suppression without one is itself a finding.
 * Directive lines are not part of the article: readers leave them out of the blocks.
 */
export type DirectiveKind = 'disable' | 'enable' | 'disable-next-line';

export interface Directive {
  kind: DirectiveKind;
  /** Rule ids (`notice/position`) or families (`notice`); empty for all. */
  ids: string[];
  reason?: string;
  /** Offsets of the directive in the document text, and its 1-based line. */
  start: number;
  end: number;
  line: number;
}

const DIRECTIVE = /^[ \t]*(?:<!--|#|\/\/)[ \t]*manba-(disable-next-line|disable|enable)\b([^\n]*?)(?:-->)?[ \t]*\r?$/gm;

export function findDirectives(text: string): Directive[] {
  if (!text.includes('manba-')) return [];
  const out: Directive[] = [];
  DIRECTIVE.lastIndex = 0;
  for (let m = DIRECTIVE.exec(text); m; m = DIRECTIVE.exec(text)) {
    const [idsPart, reasonPart] = splitReason(m[2]!);
    const ids = idsPart.split(/[\s,]+/).filter(Boolean);
    const reason = reasonPart?.trim();
    out.push({
      kind: m[1] as DirectiveKind,
      ids,
      ...(reason ? { reason } : {}),
      start: m.index,
      end: m.index + m[0].length,
      line: text.slice(0, m.index).split('\n').length,
    });
  }
  return out;
}

function splitReason(rest: string): [string, string | undefined] {
  const k = rest.indexOf('--');
  return k === -1 ? [rest, undefined] : [rest.slice(0, k), rest.slice(k + 2)];
}

/** Whether a directive names a rule id: by its full id, or by its family (`notice` covers `notice/site`). */
export function directiveCovers(d: Directive, ruleId: string): boolean {
  return d.ids.length === 0 || d.ids.some((id) => id === ruleId || ruleId.startsWith(`${id}/`));
}
