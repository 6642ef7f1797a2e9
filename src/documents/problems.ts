/**
 * The findings a document gets when it cannot be read (`input/*`) or, from the web, fetched (`fetch/*`). They are
 * not rules: no rule file defines them, they are always errors and the config cannot turn them off. They are
 * known ids all the same: `manba rules explain` explains them, the config says why they cannot be set, and a
 * suppression comment naming one is not an unknown rule.
 */
import type { Messages } from '../rules/types.js';

export interface ProblemKind {
  id: string;
  summary: Messages;
}

export const PROBLEM_KINDS: readonly ProblemKind[] = [
  { id: 'input/not-found', summary: { en: 'a path names no file, a folder holds no documents, or a glob matches nothing', fa: 'مسیری به هیچ پرونده‌ای نمی‌رسد، پوشه‌ای سندی ندارد یا الگویی با چیزی جور نمی‌شود' } },
  { id: 'input/empty', summary: { en: 'the document holds no article text', fa: 'سند متن خبری ندارد' } },
  { id: 'input/binary', summary: { en: 'the file is binary (a NUL byte in its first 8 KiB)', fa: 'پرونده دودویی است' } },
  { id: 'input/encoding', summary: { en: 'the document is not in an encoding manba reads, or not in the one it declares', fa: 'سند در رمزگذاری‌ای نیست که manba می‌خواند یا اعلام کرده است' } },
  { id: 'input/unreadable', summary: { en: 'the file or folder cannot be read', fa: 'پرونده یا پوشه خواندنی نیست' } },
  { id: 'input/too-large', summary: { en: 'the file is larger than the size limit', fa: 'پرونده از حد اندازه بزرگ‌تر است' } },
  { id: 'input/malformed', summary: { en: 'JSON, a JSONL line, a feed, a sitemap or a WARC file is not well-formed', fa: 'ساختار JSON، خوراک، نقشه سایت یا WARC درست نیست' } },
  { id: 'input/unsupported', summary: { en: 'manba cannot read the document as its name or type says', fa: 'manba سند را به قالبی که نامش می‌گوید نمی‌خواند' } },
  { id: 'input/no-body', summary: { en: 'an article in a JSON export has no field holding its text', fa: 'خبری در خروجی JSON فیلد متن ندارد' } },
  { id: 'input/no-articles', summary: { en: 'a JSON export holds something other than article objects', fa: 'خروجی JSON چیزی جز خبر دارد' } },
  { id: 'input/timeout', summary: { en: 'checking the document took longer than --timeout on a worker thread', fa: 'بررسی سند بیش از زمان مجاز طول کشید' } },
  { id: 'input/crash', summary: { en: 'checking the document failed with an error in manba (a rule failed, or the worker thread checking it crashed); the rest of the run went on', fa: 'بررسی سند با خطایی در manba متوقف شد (قاعده‌ای خطا داد یا رشته کاری از کار افتاد)؛ بقیه اجرا ادامه یافت' } },
  { id: 'fetch/robots', summary: { en: "the site's robots.txt disallows the page for manba's user agent (or cannot be read, which per RFC 9309 disallows the site); it was not fetched", fa: 'robots.txt سایت دریافت صفحه را اجازه نمی‌دهد؛ صفحه دریافت نشد' } },
  { id: 'fetch/http', summary: { en: 'the server answered with an error status (named in the message), after retries for 429 and 5xx, or gave no HTTP answer', fa: 'کارساز با وضعیت خطا پاسخ داد (در پیام آمده است) یا پاسخی نداد' } },
  { id: 'fetch/timeout', summary: { en: 'the page did not arrive within the request timeout (--timeout)', fa: 'صفحه در زمان مجاز درخواست نرسید' } },
  { id: 'fetch/too-large', summary: { en: 'the page, decompressed, is larger than --max-size (default 5 MB); it was not read past that', fa: 'صفحه پس از باز شدن از حد اندازه بزرگ‌تر است' } },
  { id: 'fetch/redirects', summary: { en: 'the page redirects in a loop, more than 5 times, off the crawl\'s hosts, or to a URL that is not http: or https:', fa: 'صفحه بیش از حد، در حلقه یا به نشانی بیرون از دامنه‌های خزش تغییر مسیر می‌دهد' } },
  { id: 'fetch/not-html', summary: { en: 'the URL is not an HTML page (a PDF, an image, …); manba checks HTML pages', fa: 'نشانی صفحه HTML نیست' } },
];

const byId = new Map(PROBLEM_KINDS.map((k) => [k.id, k]));

/** An error inside manba as an `input/crash` finding names it: its kind and its message. */
export function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

export function problemKind(id: string): ProblemKind | undefined {
  return byId.get(id);
}

/** Whether an id names a problem finding (or its family, `fetch`), which the config cannot set. */
export function isProblemId(id: string): boolean {
  return byId.has(id) || id === 'input' || id === 'fetch' || /^(input|fetch)\//.test(id);
}
