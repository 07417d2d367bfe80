import { AppError } from './errors.js';

/** Page sizes of every list (contract §5, §15): 1–1000, 100 when absent. */
export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;

/** A `limit` query value as sent, or the default page size; anything else is `invalid_parameter`. */
export function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_PAGE;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_PAGE) {
    throw new AppError('invalid_parameter', `limit must be a whole number from 1 to ${MAX_PAGE}.`, { errors: [{ pointer: '/limit', message: `must be 1–${MAX_PAGE}` }] });
  }
  return Number(raw);
}

// Cursors are opaque to clients; inside they are the sort key of the last item seen, as text.
export function encodeCursor(position: string): string {
  return Buffer.from(position).toString('base64url');
}

/** The captured parts of a cursor whose decoded text matches `shape`; any other cursor is `invalid_parameter`. */
export function decodeCursor(cursor: string, shape: RegExp): string[] {
  const match = shape.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new AppError('invalid_parameter', 'cursor is not one this API returned.', { errors: [{ pointer: '/cursor', message: 'is not a valid cursor' }] });
  return match.slice(1).map((part) => part ?? '');
}

/** One page out of `limit + 1` rows fetched: the extra row only says that another page exists. */
export function pageOf<T>(rows: T[], limit: number, cursorOf: (last: T) => string): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null };
}
