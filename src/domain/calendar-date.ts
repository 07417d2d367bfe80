const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A real calendar date `YYYY-MM-DD` that PostgreSQL can store: years 0001–9999 (there is no year 0),
 * months 1–12, and a day that month has (`2026-02-30` is not one).
 */
export function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= days;
}
