/**
 * Splits an inclusive date range into whole calendar months, read from the monthly rollup, and the
 * days at its edges, read from the daily rollup. Open bounds are PostgreSQL's infinities.
 */
export interface RollupRanges {
  /** First days of the first and last whole month, or null when the range holds no whole month. */
  months: [string, string] | null;
  /** Up to two day ranges outside the whole months. */
  days: Array<[string, string]>;
}

const NEG_INF = '-infinity';
const POS_INF = 'infinity';

function parts(date: string): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return [y, m, d];
}

function format(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Days in a month; valid for every year the API accepts (Date.UTC maps 1–99 to 1901–1999, same leap rule). */
function daysIn(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** True when `a` is on or before `b`, compared as numbers: as strings, year 10000 would sort before 9999. */
function notAfter(a: string, b: string): boolean {
  const [ay, am, ad] = parts(a);
  const [by, bm, bd] = parts(b);
  return ay !== by ? ay < by : am !== bm ? am < bm : ad <= bd;
}

function nextMonth(y: number, m: number): [number, number] {
  return m === 12 ? [y + 1, 1] : [y, m + 1];
}

function previousMonth(y: number, m: number): [number, number] {
  return m === 1 ? [y - 1, 12] : [y, m - 1];
}

export function splitRange(start: string | null, end: string | null): RollupRanges {
  // The first whole month begins on `start` if it is a 1st, else the month after.
  let first: string = NEG_INF;
  if (start !== null) {
    const [y, m, d] = parts(start);
    const [fy, fm] = d === 1 ? [y, m] : nextMonth(y, m);
    first = format(fy, fm, 1);
  }
  // The last whole month ends on `end` if it is the month's last day, else the month before.
  let last: string = POS_INF;
  let beforeFirstYear = false;
  if (end !== null) {
    const [y, m, d] = parts(end);
    const [ly, lm] = d === daysIn(y, m) ? [y, m] : previousMonth(y, m);
    // The month before January of year 1 is no date PostgreSQL takes, and holds no transaction.
    beforeFirstYear = ly < 1;
    last = format(ly, lm, 1);
  }
  const hasMonths = !beforeFirstYear && (first === NEG_INF || last === POS_INF || notAfter(first, last));
  if (!hasMonths) return { months: null, days: [[start ?? NEG_INF, end ?? POS_INF]] };

  const days: Array<[string, string]> = [];
  if (start !== null && first !== start) {
    const [fy, fm] = parts(first);
    const [py, pm] = previousMonth(fy, fm);
    days.push([start, format(py, pm, daysIn(py, pm))]);
  }
  if (end !== null && last !== POS_INF) {
    const [ly, lm] = parts(last);
    const [ny, nm] = nextMonth(ly, lm);
    const afterLast = format(ny, nm, 1);
    if (notAfter(afterLast, end)) days.push([afterLast, end]);
  }
  return { months: [first, last], days };
}

/**
 * The query parameters of a split range, in order: the first and last whole month, then the two
 * edge-day ranges. A missing part is NULL, which compares with nothing and reads no rows.
 */
export function rangeParameters(ranges: RollupRanges): Array<string | null> {
  return [
    ranges.months?.[0] ?? null,
    ranges.months?.[1] ?? null,
    ranges.days[0]?.[0] ?? null,
    ranges.days[0]?.[1] ?? null,
    ranges.days[1]?.[0] ?? null,
    ranges.days[1]?.[1] ?? null,
  ];
}
