/**
 * Whether two written names name the same outlet, without a registry: compared as folded word sequences,
 * ignoring generic words («خبرگزاری», «روزنامه», «گروه ورزشی …»), and accepting one name inside the other
 * («گروه ورزشی خبرگزاری صدا و سیما» names «صدا و سیما»).
 */
import { fold, skeletonOf } from '../text/fold.js';

const GENERIC = new Set(['خبرگزاری', 'روزنامه', 'پایگاه', 'خبری', 'سایت', 'وبسایت', 'پایگاه خبری', 'گروه', 'اخبار', 'شبکه', 'news', 'agency']);

function words(name: string): string[] {
  return fold(name)
    .split(/[\s"'«»()\-:،,.]+/u)
    .map((w) => skeletonOf(w))
    .filter((w) => w.length > 0);
}

function core(ws: string[]): string[] {
  return ws.filter((w) => !GENERIC.has(w));
}

function containsRun(hay: string[], needle: string[]): boolean {
  if (needle.length === 0 || needle.length > hay.length) return false;
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let k = 0; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
    return true;
  }
  return false;
}

export function isUrl(name: string): boolean {
  return /^(?:https?:\/\/|www\.)/i.test(name.trim());
}

export function sameOutlet(a: string, b: string): boolean {
  if (skeletonOf(a) === skeletonOf(b)) return true;
  const wa = core(words(a));
  const wb = core(words(b));
  if (wa.length === 0 || wb.length === 0) return false;
  if (wa.join('') === wb.join('')) return true;
  return containsRun(wa, wb) || containsRun(wb, wa);
}
