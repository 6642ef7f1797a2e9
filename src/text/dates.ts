/** Numeric Jalali dates in the orders sites write them: «۱۳۸۲/۱۰/۱۷», «1382-10-17», «۱۷-۱۰-۱۳۸۲», «۱۴0۳/۳/۳0». */
export interface NumericDate {
  year: number;
  month: number;
  day: number;
}

/** Parse a folded date (ASCII digits). The four-digit part is the year, first (Y/M/D) or last (D/M/Y). */
export function parseNumericDate(folded: string): NumericDate | null {
  const m = /^\s*(\d{1,4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,4})\s*$/.exec(folded);
  if (!m) return null;
  const [a, b, c] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const yearFirst = m[1]!.length === 4 || a > 31;
  const yearLast = m[3]!.length === 4 || c > 31;
  if (yearFirst === yearLast) return null; // «12/10/17»: no way to tell the order
  const date = yearFirst ? { year: a, month: b, day: c } : { year: c, month: b, day: a };
  if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > 31) return null;
  return date;
}

export function sameDate(x: NumericDate, y: NumericDate): boolean {
  return x.year === y.year && x.month === y.month && x.day === y.day;
}

export function formatDate(d: NumericDate): string {
  return `${d.year}/${String(d.month).padStart(2, '0')}/${String(d.day).padStart(2, '0')}`;
}
