import { isLeapJalaaliYear } from 'jalaali-js';
import { describe, expect, it, vi } from 'vitest';
import { bylineDateIn, isFuture, parseBylineDate, type BylineDate } from '../src/text/jalali.js';
import { foldText } from '../src/text/fold.js';

interface Case {
  input: string;
  jalali: [number, number, number];
  time?: [number, number];
  /** Tehran's UTC offset at that date and time (IANA Asia/Tehran), written out by hand for each timed case. */
  offset?: string;
  iso: string;
  text: string;
  /** The weekday the byline itself states (0 = Sunday … 6 = Saturday), checked against the Gregorian date. */
  weekday?: number;
}

// Every byline form in docs/domain.md#dates.
const CASES: Case[] = [
  { input: 'صدا و سیما چهارشنبه 21 آذر 1403 - 15:47', jalali: [1403, 9, 21], offset: '+03:30', time: [15, 47], iso: '2024-12-11', text: '21 آذر 1403 - 15:47', weekday: 3 },
  { input: 'خبرگزاری تسنیم چهارشنبه 30 تیر 1400 - 20:21', jalali: [1400, 4, 30], offset: '+04:30', time: [20, 21], iso: '2021-07-21', text: '30 تیر 1400 - 20:21', weekday: 3 },
  { input: 'همشهری آنلاین سه شنبه 12 فروردین 1404 - 21:21', jalali: [1404, 1, 12], offset: '+03:30', time: [21, 21], iso: '2025-04-01', text: '12 فروردین 1404 - 21:21', weekday: 2 },
  { input: 'همشهری آنلاین سه\u200cشنبه 12 فروردین 1404 - 21:21', jalali: [1404, 1, 12], offset: '+03:30', time: [21, 21], iso: '2025-04-01', text: '12 فروردین 1404 - 21:21', weekday: 2 },
  { input: 'ایستنا ۱۳۹۶/۰۹/۰۳ - ۲۲:۳۲', jalali: [1396, 9, 3], offset: '+03:30', time: [22, 32], iso: '2017-11-24', text: '۱۳۹۶/۰۹/۰۳ - ۲۲:۳۲' },
  { input: 'تاریخ انتشار: ۶ شهریور ۱۳۹۹ | کد خبر: ۲۹۱۱۲۸۹۵', jalali: [1399, 6, 6], iso: '2020-08-27', text: '۶ شهریور ۱۳۹۹' },
  { input: '08 شهریور 1401 - 20:43', jalali: [1401, 6, 8], offset: '+04:30', time: [20, 43], iso: '2022-08-30', text: '08 شهریور 1401 - 20:43' },
  { input: 'امروز : جمعه - ۱۰ فروردین - ۱۴۰۳', jalali: [1403, 1, 10], iso: '2024-03-29', text: '۱۰ فروردین - ۱۴۰۳', weekday: 5 },
  { input: '۸ بهمن ۱۴۰۴ - ۱۷:۰۳', jalali: [1404, 11, 8], offset: '+03:30', time: [17, 3], iso: '2026-01-28', text: '۸ بهمن ۱۴۰۴ - ۱۷:۰۳' },
  { input: '۲۴ اسفند ۱۳۹۸ - ۱۰:۰۶', jalali: [1398, 12, 24], offset: '+03:30', time: [10, 6], iso: '2020-03-14', text: '۲۴ اسفند ۱۳۹۸ - ۱۰:۰۶' },
  { input: 'تاریخ انتشار: ۱۶:۳۴ - ۱۹-۰۱-۱۳۹۳', jalali: [1393, 1, 19], offset: '+04:30', time: [16, 34], iso: '2014-04-08', text: '۱۶:۳۴ - ۱۹-۰۱-۱۳۹۳' },
  { input: '۲۵ ارديبهشت ۱۴۰۳ - ۰۹:۵۰', jalali: [1403, 2, 25], offset: '+03:30', time: [9, 50], iso: '2024-05-14', text: '۲۵ ارديبهشت ۱۴۰۳ - ۰۹:۵۰' },
  { input: '۲۹ تير ۱۴۰۰', jalali: [1400, 4, 29], iso: '2021-07-20', text: '۲۹ تير ۱۴۰۰' },
  { input: '17:00 / 02 فروردين 1401', jalali: [1401, 1, 2], offset: '+04:30', time: [17, 0], iso: '2022-03-22', text: '17:00 / 02 فروردين 1401' },
  { input: 'شنبه 1404/09/29 ساعت 11:55', jalali: [1404, 9, 29], offset: '+03:30', time: [11, 55], iso: '2025-12-20', text: '1404/09/29 ساعت 11:55', weekday: 6 },
  { input: 'تاریخ انتشار : ۱۳۹۳/۱۲/۲۵', jalali: [1393, 12, 25], iso: '2015-03-16', text: '۱۳۹۳/۱۲/۲۵' },
  { input: 'جمعه ۱۴۰۴/۲/۲۶', jalali: [1404, 2, 26], iso: '2025-05-16', text: '۱۴۰۴/۲/۲۶', weekday: 5 },
  { input: '۱۴۰۴ مرداد ۶, دوشنبه ساعت ۱۵:۳۳', jalali: [1404, 5, 6], offset: '+03:30', time: [15, 33], iso: '2025-07-28', text: '۱۴۰۴ مرداد ۶, دوشنبه ساعت ۱۵:۳۳', weekday: 1 },
  // The glued Gregorian date is the same day: an independent check of the conversion.
  { input: 'سه شنبه، 5 خرداد 1394 ساعت 10:502015-05-26', jalali: [1394, 3, 5], iso: '2015-05-26', offset: '+04:30', time: [10, 50], text: '5 خرداد 1394 ساعت 10:50', weekday: 2 },
  // Mixed digit scripts, Arabic kaf/yeh, «ماه» after the month, «آ» written with madda.
  { input: '۱۴0۳/۳/۳0', jalali: [1403, 3, 30], iso: '2024-06-19', text: '۱۴0۳/۳/۳0' },
  { input: 'يكشنبه ۳ آبان ماه ۱۴۰۲', jalali: [1402, 8, 3], iso: '2023-10-25', text: '۳ آبان ماه ۱۴۰۲' },
];

/** The Jalali date of an ISO Gregorian date by ICU's Persian calendar, independent of jalaali-js. */
function icuJalali(iso: string): [number, number, number] {
  const parts = new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', { timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(new Date(`${iso}T00:00:00Z`));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return [get('year'), get('month'), get('day')];
}

describe('parseBylineDate: every byline form', () => {
  it.each(CASES)('$input', (c) => {
    const d = parseBylineDate(c.input)!;
    expect(d).not.toBeNull();
    const [year, month, day] = c.jalali;
    const pad = (n: number) => String(n).padStart(2, '0');
    const expected: BylineDate = {
      jalali: { year, month, day },
      valid: true,
      iso: c.iso,
      text: c.text,
      start: c.input.indexOf(c.text),
      end: c.input.indexOf(c.text) + c.text.length,
      ...(c.time ? { time: { hour: c.time[0], minute: c.time[1] }, isoDateTime: `${c.iso}T${pad(c.time[0])}:${pad(c.time[1])}:00${c.offset!}` } : {}),
    };
    expect(d).toEqual(expected);
    expect(c.input.slice(d.start, d.end)).toBe(d.text);
    expect(icuJalali(c.iso)).toEqual(c.jalali);
    if (c.weekday !== undefined) expect(new Date(`${c.iso}T00:00:00Z`).getUTCDay()).toBe(c.weekday);
  });
});

describe('bylineDateIn: the byline of a document folded once', () => {
  // The line sits between a title with a date of its own, Arabic yeh and a ZWNJ, and a paragraph that opens with a
  // time: only the line's own date and time count, at the document's offsets.
  it.each(CASES)('$input', (c) => {
    const before = 'عنوان خبر\u200cها درباره ۱۲ مهر ۱۴۰۲ با يك نکته\n';
    const text = `${before}${c.input}\n\n۱۰:۱۵ به گزارش ایرنا، جلسه برگزار شد.`;
    const alone = parseBylineDate(c.input)!;
    const d = bylineDateIn(foldText(text), before.length, before.length + c.input.length);
    expect(d).toEqual({ ...alone, start: alone.start + before.length, end: alone.end + before.length });
    expect(text.slice(d!.start, d!.end)).toBe(c.text);
  });
});

describe('validity', () => {
  it('30 اسفند exists only in leap years, by the library’s rule', () => {
    // What jalaali-js says, checked against ICU's Persian calendar rather than assumed.
    expect(isLeapJalaaliYear(1403)).toBe(true);
    expect(isLeapJalaaliYear(1402)).toBe(false);
    expect(icuJalali('2025-03-20')).toEqual([1403, 12, 30]);
    expect(icuJalali('2024-03-20')).toEqual([1403, 1, 1]); // the day after 1402/12/29

    expect(parseBylineDate('۱۴۰۳/۱۲/۳۰')).toMatchObject({ jalali: { year: 1403, month: 12, day: 30 }, valid: true, iso: '2025-03-20' });
    const common = parseBylineDate('30 اسفند 1402 - 10:00')!;
    expect(common).toMatchObject({ jalali: { year: 1402, month: 12, day: 30 }, valid: false, time: { hour: 10, minute: 0 } });
    expect(common.iso).toBeUndefined();
    expect(common.isoDateTime).toBeUndefined();
    for (let y = 1390; y <= 1410; y++) {
      expect(parseBylineDate(`30 اسفند ${y}`)?.valid, String(y)).toBe(isLeapJalaaliYear(y));
    }
  });

  it('impossible months and days are parsed but not valid', () => {
    expect(parseBylineDate('1400/13/01')).toEqual({ jalali: { year: 1400, month: 13, day: 1 }, valid: false, text: '1400/13/01', start: 0, end: 10 });
    expect(parseBylineDate('32 تیر 1400')).toMatchObject({ jalali: { year: 1400, month: 4, day: 32 }, valid: false });
    expect(parseBylineDate('31 شهریور 1400')).toMatchObject({ jalali: { year: 1400, month: 6, day: 31 }, valid: true, iso: '2021-09-22' });
    for (let month = 7; month <= 11; month++) {
      expect(parseBylineDate(`1402/${month}/31`)?.valid, String(month)).toBe(false);
      expect(parseBylineDate(`1402/${month}/30`)?.valid, String(month)).toBe(true);
    }
    expect(parseBylineDate('31 مهر 1402')).toMatchObject({ jalali: { year: 1402, month: 7, day: 31 }, valid: false });
    expect(parseBylineDate('00 مهر 1402')).toMatchObject({ valid: false });
  });
});

describe('no date', () => {
  it.each([
    'garbage',
    '',
    'خبرگزاری مهر',
    'مهر ۱۴۰۳', // a month name with no day is not a date
    'خبرگزاری مهر - ۱۵:۴۷',
    'کد خبر: ۲۹۱۱۲۸۹۵',
    '13920124001255',
    '2024-04-25@07:23:31 GMT', // a Gregorian crawl stamp
    'یکشنبه ۰۳ تیرساعت ۰۲:۱۴Jun 2024 23', // no Jalali year
    '12/10/17',
  ])('%s → null', (input) => {
    expect(parseBylineDate(input)).toBeNull();
  });

  it('never throws', () => {
    expect(parseBylineDate(undefined as unknown as string)).toBeNull();
    expect(parseBylineDate('۱'.repeat(10_000))).toBeNull();
  });

  it('«مهر» next to a day and year is the month, not the agency', () => {
    expect(parseBylineDate('خبرگزاری مهر ۱۲ مهر ۱۴۰۳ - ۰۸:۱۵')).toMatchObject({ jalali: { year: 1403, month: 7, day: 12 }, time: { hour: 8, minute: 15 }, text: '۱۲ مهر ۱۴۰۳ - ۰۸:۱۵', start: 13 });
  });

  it('a time not next to the date is not its time', () => {
    const d = parseBylineDate('۶ شهریور ۱۳۹۹ | بازدید ۱۲ | ۱۰:۳۰')!;
    expect(d.time).toBeUndefined();
    expect(d.text).toBe('۶ شهریور ۱۳۹۹');
  });
});

describe('isFuture', () => {
  const timed = parseBylineDate('۸ بهمن ۱۴۰۴ - ۱۷:۰۳')!; // 2026-01-28 17:03 Tehran = 13:33 UTC
  const dated = parseBylineDate('جمعه ۱۴۰۴/۲/۲۶')!; // 2025-05-16, from 20:30 UTC the day before

  it('a timed date is compared at its minute, Tehran time', () => {
    expect(isFuture(timed, new Date('2026-01-28T13:32:59Z'))).toBe(true);
    expect(isFuture(timed, new Date('2026-01-28T13:33:00Z'))).toBe(false);
    expect(isFuture(timed, new Date('2027-01-01T00:00:00Z'))).toBe(false);
  });

  it('a date without time is in the future only before its day starts in Tehran', () => {
    expect(isFuture(dated, new Date('2025-05-15T20:29:59Z'))).toBe(true);
    expect(isFuture(dated, new Date('2025-05-15T20:30:00Z'))).toBe(false);
    expect(isFuture(dated, new Date('2025-05-16T23:00:00Z'))).toBe(false);
  });

  it('gives the same answer whatever day the previous question was asked on', async () => {
    // A date days before now is answered without parsing; one near now is compared at its minute. A fresh module,
    // so that the first question of this test is its first.
    vi.resetModules();
    const fresh = await import('../src/text/jalali.js');
    const timed = fresh.parseBylineDate('۸ بهمن ۱۴۰۴ - ۱۷:۰۳')!;
    const nows = ['2026-01-31T00:00:00Z', '2026-01-28T13:32:59Z', '2026-01-30T00:00:00Z', '2026-01-28T13:33:00Z', '2026-01-26T00:00:00Z'];
    expect(nows.map((n) => fresh.isFuture(timed, new Date(n)))).toEqual([false, true, false, false, true]);
  });

  it('an invalid date is never in the future', () => {
    expect(isFuture(parseBylineDate('1499/13/01')!, new Date('2000-01-01T00:00:00Z'))).toBe(false);
  });
});

describe('Tehran offset in isoDateTime', () => {
  // Iran's clocks as published (IANA Asia/Tehran): summer time from 2 Farvardin 00:00 to the end of 30 Shahrivar,
  // none in 1385–1386, the last summer time in 1401; in 1370 it began on 13 Ordibehesht.
  it.each([
    [[1399, 4, 18], [12, 0], '+04:30'],
    [[1399, 1, 1], [12, 0], '+03:30'],
    [[1399, 1, 2], [0, 30], '+04:30'], // a time the clocks skipped: the offset after the change
    [[1399, 6, 30], [23, 30], '+04:30'], // a time the clocks showed twice: the earlier one
    [[1399, 6, 30], [23, 0], '+04:30'],
    [[1399, 6, 31], [12, 0], '+03:30'],
    [[1399, 7, 1], [12, 0], '+03:30'],
    [[1386, 4, 18], [12, 0], '+03:30'],
    [[1401, 4, 18], [12, 0], '+04:30'],
    [[1401, 6, 31], [12, 0], '+03:30'],
    [[1402, 4, 18], [12, 0], '+03:30'],
    [[1370, 1, 5], [12, 0], '+03:30'],
    [[1370, 2, 15], [12, 0], '+04:30'],
  ] as const)('%j at %j is %s', async ([year, month, day], [hour, minute], offset) => {
    const { tehranOffset } = await import('../src/text/jalali.js');
    expect(tehranOffset({ year, month, day }, { hour, minute })).toBe(offset);
  });
});
