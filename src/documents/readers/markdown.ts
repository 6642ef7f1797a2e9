/**
 * Markdown with YAML front matter. Front-matter fields become metadata (source, url, title, date, site); the
 * body is read as an article. Markdown syntax is blanked rather than removed — heading marks, list bullets,
 * quote marks, emphasis, link targets, images, inline HTML tags, and code blocks (never checked) turn into
 * spaces — so the text has the file's length and every offset is the file's own: positions need no map.
 */
import { lazyRequire } from '../../lazy.js';

const yaml = lazyRequire<typeof import('yaml')>('yaml');
import { LineIndex } from '../lines.js';
import type { DocumentMetadata } from '../model.js';
import { findDirectives } from '../directives.js';
import { structureDocument } from './text.js';
import { sameTextFile } from '../edits.js';
import type { Reader } from './types.js';

const blank = (s: string) => s.replace(/[^\r\n]/g, ' ');

export const markdownReader: Reader = {
  format: 'markdown',
  extensions: ['.md', '.markdown'],
  read(path, source) {
    const { text, metadata } = blankMarkdown(source);
    let lines: LineIndex | undefined;
    const lineIndex = () => (lines ??= new LineIndex(source));
    return [
      {
        ok: true,
        document: structureDocument({
          path,
          format: 'markdown',
          text,
          metadata,
          directives: findDirectives(source),
          locate: (offset) => lineIndex().position(offset),
          // Syntax is blanked in place: the text's offsets are the file's, and a fix is written as plain lines.
          file: sameTextFile(source, lineIndex),
        }),
      },
    ];
  },
};

export function blankMarkdown(source: string): { text: string; metadata: DocumentMetadata } {
  let text = source;
  let metadata: DocumentMetadata = {};
  const fm = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(source);
  if (fm) {
    metadata = frontMatter(fm[1]!);
    text = blank(fm[0]) + text.slice(fm[0].length);
  }
  // Fenced code blocks, then indented ones: code is never checked.
  text = text.replace(/^([ \t]{0,3})(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^\1?\2[ \t]*$|(?![\s\S]))/gm, blank);
  text = text.replace(/`[^`\n]+`/g, blank);
  // HTML comments other than manba directives, and inline tags.
  text = text.replace(/<!--(?![ \t]*manba-)[\s\S]*?-->/g, blank).replace(/<\/?[a-zA-Z][^>\n]*>/g, (tag) => (/^<!--/.test(tag) ? tag : blank(tag)));
  // Images entirely; links keep their text.
  text = text.replace(/!\[[^\]\n]*\]\([^)\n]*\)/g, blank);
  text = text.replace(/\[([^\]\n]*)\]\(([^)\n]*)\)/g, (_m, label: string, target: string) => ` ${label}${blank(`](${target})`)}`);
  // Line starts: headings, quotes, bullets, numbered items; setext underlines and rules.
  text = text.replace(/^([ \t]*)(#{1,6}[ \t]+|(?:>[ \t]?)+|[-*+][ \t]+|\d{1,9}[.)][ \t]+)/gm, (_m, lead: string, mark: string) => lead + blank(mark));
  text = text.replace(/^[ \t]*(?:=+|-{3,}|\*{3,}|_{3,})[ \t]*$/gm, blank);
  // Emphasis marks next to text.
  text = text.replace(/(\*{1,3}|_{2,3})(?=\S)|(?<=\S)(\*{1,3}|_{2,3})/g, blank);
  return { text, metadata };
}

function frontMatter(yamlText: string): DocumentMetadata {
  let data: unknown;
  try {
    data = yaml().parse(yamlText);
  } catch {
    return {}; // a front matter that is not YAML is left alone; the body is still checked
  }
  if (!data || typeof data !== 'object') return {};
  const d = data as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : typeof v === 'number' ? String(v) : undefined);
  const out: DocumentMetadata = {};
  const set = (key: keyof DocumentMetadata, ...names: string[]) => {
    for (const n of names) {
      const v = str(d[n]);
      if (v) {
        out[key] = v;
        return;
      }
    }
  };
  set('source', 'source', 'agency');
  set('url', 'url', 'canonical', 'link');
  set('title', 'title');
  set('published', 'date', 'published');
  set('site', 'site', 'site_name');
  return out;
}
