import { isCalendarDate } from './calendar-date.js';
import { AppError } from './errors.js';

/**
 * The one way a query or path parameter is refused: 400 invalid_parameter naming it by its pointer.
 * The detail says the same as the message unless a fuller sentence (naming the value) is given.
 */
export function invalid(name: string, message: string, detail = `${name} ${message}.`): AppError {
  return new AppError('invalid_parameter', detail, { errors: [{ pointer: `/${name}`, message }] });
}

/** A cursor this API did not hand out, or one it did that reads on from nowhere it could have. */
export function unknownCursor(): AppError {
  return invalid('cursor', 'is not a cursor this API returned');
}

/** A real calendar date YYYY-MM-DD (years 0001–9999), or null when absent. */
export function parseDateParam(value: string | undefined, name: string): string | null {
  if (value === undefined) return null;
  if (!isCalendarDate(value)) throw invalid(name, 'must be a real calendar date YYYY-MM-DD');
  return value;
}

/** Both bounds of an inclusive date range; start after end is refused. */
export function parseDateRange(query: { start_date?: string; end_date?: string }): { startDate: string | null; endDate: string | null } {
  const startDate = parseDateParam(query.start_date, 'start_date');
  const endDate = parseDateParam(query.end_date, 'end_date');
  // ISO calendar dates of four-digit years order as text.
  if (startDate !== null && endDate !== null && startDate > endDate) {
    throw invalid('start_date', 'must not be after end_date', `start_date ${startDate} is after end_date ${endDate}.`);
  }
  return { startDate, endDate };
}

/** One of `allowed` as sent, or undefined when absent; any other value is refused with the values listed. */
export function parseEnumParam<T extends string>(value: string | undefined, name: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw invalid(name, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

/** `true` or `false` as sent in a query string; absent gives the default. */
export function parseBooleanParam(value: string | undefined, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalid(name, 'must be true or false');
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** A page size from 1 to 1000, default 100. */
export function parseLimitParam(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_PAGE_SIZE;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_PAGE_SIZE) throw invalid('limit', `must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  return Number(raw);
}

/** Cursors are opaque to clients: a tagged JSON value in base64url. A cursor this API did not make is refused. */
export function encodeCursor(tag: string, value: unknown): string {
  return Buffer.from(JSON.stringify([tag, value])).toString('base64url');
}

export function decodeCursor<T>(cursor: string, tag: string, isValid: (value: unknown) => value is T): T {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2 || decoded[0] !== tag || !isValid(decoded[1])) throw unknownCursor();
  return decoded[1];
}
