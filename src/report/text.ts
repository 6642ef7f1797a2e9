/** Small text helpers shared by the machine-readable reporters (paths of items, XML escaping). */

/**
 * The file a document lives in: the path before the first `#` (`feed.xml#https://x/1#top` → `feed.xml`).
 * Positions of an item inside a file are positions in that file, so formats that point tools at files use this.
 */
export function filePart(path: string): string {
  const hash = path.indexOf('#');
  return hash === -1 ? path : path.slice(0, hash);
}

/** The item id after the first `#`, or undefined for a whole file. */
export function itemPart(path: string): string | undefined {
  const hash = path.indexOf('#');
  return hash === -1 ? undefined : path.slice(hash + 1);
}

/** Characters XML 1.0 does not allow at all (not even as character references), and lone surrogates. */
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escape for XML text or a quoted attribute value; drops characters XML 1.0 cannot carry. */
export function escapeXml(s: string, attribute = false): string {
  const out = s
    .replace(XML_INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
  // An attribute value's tabs and line breaks would be normalized to spaces by a parser unless written as references.
  return attribute ? out.replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;') : out;
}

/** One line: line breaks (and the blanks around them) become a single space. */
export function oneLine(s: string): string {
  return s.replace(/[ \t]*(?:\r\n|[\r\n\u2028\u2029])[ \t]*/g, ' ');
}
