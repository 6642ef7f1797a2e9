/**
 * Jalali (Persian calendar) dates in bylines: «صدا و سیما چهارشنبه 21 آذر 1403 - 15:47», «ایستنا ۱۳۹۶/۰۹/۰۳ - ۲۲:۳۲»,
 * «تاریخ انتشار: ۱۶:۳۴ - ۱۹-۰۱-۱۳۹۳», «۱۴۰۴ مرداد ۶, دوشنبه ساعت ۱۵:۳۳» (ICU's fa-IR order) and the other forms in
 * docs/domain.md#dates. Matching runs on folded text (digits ASCII, Arabic yeh Persian, ZWNJ a
 * space), and offsets are mapped back to the raw line. Calendar arithmetic (validity, leap years, Gregorian
 * conversion) is jalaali-js's.
 */
import { isValidJalaaliDate, toGregorian } from 'jalaali-js';
import { fold, foldText, type FoldedText } from './fold.js';

export interface JalaliDate {
  year: number;
  month: number;
  day: number;
}

export interface BylineDate {
  jalali: JalaliDate;
  time?: { hour: number; minute: number };
  /** False for dates that do not exist: month 13, day 32, 31 مهر, 30 اسفند in a common year. */
  valid: boolean;
  /** The Gregorian date, YYYY-MM-DD, when valid. */
  iso?: string;
  /** The Gregorian date and time with Tehran's offset at that moment (+03:30, or +04:30 in summer time), when valid and timed. */
  isoDateTime?: string;
  /** The matched substring of the input (the date, and the time when one was found next to it). */
  text: string;
  /** Offsets of `text` in the input. */
  start: number;
  end: number;
}

/** Month names in calendar order, folded (آ → ا: «آذر» is matched as «اذر»). */
export const JALALI_MONTHS = ['فروردین', 'اردیبهشت', 'خرداد', 'تیر', 'مرداد', 'شهریور', 'مهر', 'آبان', 'آذر', 'دی', 'بهمن', 'اسفند'];
const FOLDED_MONTHS = JALALI_MONTHS.map((m) => fold(m));
const MONTH_NUMBER = new Map(FOLDED_MONTHS.map((m, i) => [m, i + 1]));

/** Longest first, so the alternation never stops at a shorter name. */
const MONTH = `(${[...FOLDED_MONTHS].sort((a, b) => b.length - a.length).join('|')})(?:\\s?ماه)?(?!\\p{L})`;
/** Years a byline can carry: 1200–1599. A Gregorian «2015-05-26» glued on, or «2024-04-25», is not one. */
const YEAR = '(1[2-5]\\d\\d)(?!\\d)';
const DAY = '(?<!\\d)(\\d{1,2})(?!\\d)';
const GAP = '[\\s,\\-/]*';

interface Pattern {
  re: RegExp;
  order: 'dmy' | 'ymd';
  named: boolean;
}

const PATTERNS: Pattern[] = [
  // «21 آذر 1403», «۱۰ فروردین - ۱۴۰۳», «۵ خرداد ۱۳۹۴»
  { re: new RegExp(`${DAY}${GAP}(?<!\\p{L})${MONTH}${GAP}${YEAR}`, 'gu'), order: 'dmy', named: true },
  // ICU: «۱۴۰۴ مرداد ۶»
  { re: new RegExp(`(?<!\\d)${YEAR}[\\s,]*(?<!\\p{L})${MONTH}[\\s,]*(\\d{1,2})(?!\\d)`, 'gu'), order: 'ymd', named: true },
  // «۱۳۹۶/۰۹/۰۳», «1404/2/26», «1393.12.25»
  { re: /(?<!\d)(1[2-5]\d\d)([/\-.])(\d{1,2})\2(\d{1,2})(?!\d)/gu, order: 'ymd', named: false },
  // «۱۹-۰۱-۱۳۹۳», «۳/۹/۱۳۴۸»
  { re: /(?<!\d)(\d{1,2})([/\-.])(\d{1,2})\2(1[2-5]\d\d)(?!\d)/gu, order: 'dmy', named: false },
];

/** «15:47»; the minutes stop after two digits, so «10:502015-05-26» is 10:50. */
const TIME = /(?<!\d)([01]?\d|2[0-3]):([0-5]\d)(?::[0-5]\d(?!\d))?/gu;
const WEEKDAY = '(?:(?:یک|دو|سه|چهار|پنج)\\s?شنبه|شنبه|جمعه)';
/** What may stand between a date and the time after it: « - », « ساعت », «, دوشنبه ساعت ». */
const GAP_AFTER = new RegExp(`^(?:[\\s,;\\-|/@]|ساعت|${WEEKDAY})*$`, 'u');
/** What may stand between a time and the date after it: « - », « / ». */
const GAP_BEFORE = /^[\s,;\-|/]*$/u;
const MAX_GAP = 30;

interface Found {
  date: JalaliDate;
  start: number;
  end: number;
}

function firstDate(folded: string): Found | null {
  let best: Found | null = null;
  for (const p of PATTERNS) {
    p.re.lastIndex = 0;
    const m = p.re.exec(folded);
    if (!m || (best && m.index >= best.start)) continue;
    let date: JalaliDate;
    if (p.named) {
      const month = MONTH_NUMBER.get(m[2]!)!;
      date = p.order === 'dmy' ? { year: Number(m[3]), month, day: Number(m[1]) } : { year: Number(m[1]), month, day: Number(m[3]) };
    } else {
      date = p.order === 'ymd' ? { year: Number(m[1]), month: Number(m[3]), day: Number(m[4]) } : { year: Number(m[4]), month: Number(m[3]), day: Number(m[1]) };
    }
    best = { date, start: m.index, end: m.index + m[0].length };
  }
  return best;
}

/** The time next to a date: after it (the usual place), else just before it («۱۶:۳۴ - ۱۹-۰۱-۱۳۹۳»). */
function timeNear(folded: string, date: Found): { hour: number; minute: number; start: number; end: number } | undefined {
  let before: { hour: number; minute: number; start: number; end: number } | undefined;
  TIME.lastIndex = 0;
  for (let m = TIME.exec(folded); m; m = TIME.exec(folded)) {
    const t = { hour: Number(m[1]), minute: Number(m[2]), start: m.index, end: m.index + m[0].length };
    if (t.start >= date.end) {
      const gap = folded.slice(date.end, t.start);
      if (gap.length <= MAX_GAP && GAP_AFTER.test(gap)) return t;
      break;
    }
    if (t.end <= date.start) {
      const gap = folded.slice(t.end, date.start);
      if (gap.length <= MAX_GAP && GAP_BEFORE.test(gap)) before = t;
    }
  }
  return before;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Whether a Jalali date exists (jalaali-js's month lengths and leap-year rule). */
export function isValidJalali(d: JalaliDate): boolean {
  try {
    return Number.isInteger(d.year) && Number.isInteger(d.month) && Number.isInteger(d.day) && isValidJalaaliDate(d.year, d.month, d.day);
  } catch {
    return false;
  }
}

/** The Gregorian YYYY-MM-DD of a valid Jalali date, else undefined. */
export function jalaliToIso(d: JalaliDate): string | undefined {
  if (!isValidJalali(d)) return undefined;
  try {
    const g = toGregorian(d.year, d.month, d.day);
    return `${pad(g.gy, 4)}-${pad(g.gm)}-${pad(g.gd)}`;
  } catch {
    return undefined;
  }
}

/**
 * The first Jalali date in a byline line (raw text), with the time next to it if there is one. Null when the
 * line has no date; never throws. An impossible date (1400/13/01, 31 مهر) is returned with `valid: false`.
 */
export function parseBylineDate(text: string): BylineDate | null {
  if (typeof text !== 'string' || text.length === 0) return null;
  try {
    return bylineDateIn(foldText(text), 0, text.length);
  } catch {
    return null;
  }
}

/**
 * parseBylineDate on the part [start, end) of a text already folded, such as a document folded once for all its
 * rules: no second fold. Offsets (`start`, `end` of the result) are the whole text's.
 */
export function bylineDateIn(folded: FoldedText, start: number, end: number): BylineDate | null {
  try {
    const base = folded.foldedAt(start);
    const line = folded.text.slice(base, folded.foldedAt(end));
    const date = firstDate(line);
    if (!date) return null;
    const time = timeNear(line, date);
    const from = time ? Math.min(time.start, date.start) : date.start;
    const to = time ? Math.max(time.end, date.end) : date.end;
    const [s, e] = folded.toOriginal(base + from, base + to);
    const iso = jalaliToIso(date.date);
    const out: BylineDate = { jalali: date.date, valid: iso !== undefined, text: folded.original.slice(s, e), start: s, end: e };
    if (time) out.time = { hour: time.hour, minute: time.minute };
    if (iso) {
      out.iso = iso;
      if (time) out.isoDateTime = `${iso}T${pad(time.hour)}:${pad(time.minute)}:00${tehranOffset(date.date, time)}`;
    }
    return out;
  } catch {
    return null;
  }
}

/** Made at its first use, not as the module loads: the first use of ICU costs some 25 ms. */
let tehranZone: Intl.DateTimeFormat | undefined;
/** Tehran's UTC offset at an instant, from the IANA time-zone data Node's ICU ships (summer time included). */
function offsetMinutesAt(utcMs: number): number {
  tehranZone ??= new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Tehran', timeZoneName: 'longOffset' });
  const name = tehranZone.formatToParts(utcMs).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT+03:30';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 210;
}

/**
 * Tehran's UTC offset at a wall-clock time on a Jalali date (midnight when no time is given), as "+04:30".
 * Iran's summer time changed often (none in 1385–1386, start dates moved in the 1370s, abolished after 1401),
 * so the IANA data decides rather than a rule of our own (docs/domain.md#dates).
 */
export function tehranOffset(d: JalaliDate, time: { hour: number; minute: number } = { hour: 0, minute: 0 }): string {
  const g = toGregorian(d.year, d.month, d.day);
  const midnight = Date.UTC(g.gy, g.gm - 1, g.gd);
  const wall = midnight + (time.hour * 60 + time.minute) * 60_000;
  // Asking ICU costs microseconds: a day whose clocks do not change (all but two a year, at most) is asked once.
  let whole = steadyDays.get(midnight);
  if (whole === undefined) {
    if (steadyDays.size >= 50_000) steadyDays.clear();
    const before = offsetMinutesAt(midnight - DAY_MS);
    steadyDays.set(midnight, (whole = before === offsetMinutesAt(midnight + 2 * DAY_MS) ? before : null));
  }
  return formatOffset(whole ?? offsetOnChangeDay(wall));
}
const DAY_MS = 86_400_000;
/** Per wall-clock midnight (as UTC ms): the day's one offset, or null when the clocks change that day. */
const steadyDays = new Map<number, number | null>();

/**
 * On a day the clocks change, as Temporal's "compatible" choice: a wall time that occurs twice (the hour repeated
 * in autumn) takes the earlier instant, one that never occurs (the hour skipped in spring) the offset after.
 */
function offsetOnChangeDay(wall: number): number {
  const before = offsetMinutesAt(wall - DAY_MS);
  const after = offsetMinutesAt(wall + DAY_MS);
  return offsetMinutesAt(wall - before * 60_000) === before ? before : after;
}

function formatOffset(offset: number): string {
  const abs = Math.abs(offset);
  return `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * Whether a byline date lies after `now`. A timed date is compared at its minute (Tehran's offset then); a date
 * without a time is in the future only from the next day on (its midnight in Tehran is after `now`).
 * An invalid date is never in the future.
 */
export function isFuture(d: BylineDate, now: Date): boolean {
  if (!d.valid || !d.iso) return false;
  // A date two days or more before now's UTC date is past at any time of it and any offset: no date to parse, as
  // for nearly every article of an archive.
  if (d.iso < twoDaysBefore(now)) return false;
  const at = d.isoDateTime ?? `${d.iso}T00:00:00${tehranOffset(d.jalali)}`;
  return Date.parse(at) > now.getTime();
}

let lastDay = NaN;
let lastTwoDaysBefore = '';
/** The UTC date (YYYY-MM-DD) two days before `now`, kept while `now` stays in the same UTC day. */
function twoDaysBefore(now: Date): string {
  const day = Math.floor(now.getTime() / DAY_MS);
  if (day !== lastDay) {
    lastDay = day;
    lastTwoDaysBefore = new Date((day - 2) * DAY_MS).toISOString().slice(0, 10);
  }
  return lastTwoDaysBefore;
}
