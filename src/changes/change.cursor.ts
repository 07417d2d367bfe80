import { decodeCursor, encodeCursor } from '../domain/query-params.js';
import type { FeedPosition } from './change.repository.js';

const TAG = 'changes';
const isPosition = (value: unknown): boolean => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
/** A commit's position alone (after all of it), or a commit's position and a change id within it. */
const isCursorValue = (value: unknown): value is number | [number, number] =>
  isPosition(value) || (Array.isArray(value) && value.length === 2 && value.every(isPosition));

/** The feed cursor that reads the changes after `position`; `{ seq: 0, id: 0 }` reads from the first change kept. */
export function encodeChangeCursor(position: FeedPosition): string {
  return encodeCursor(TAG, Number.isFinite(position.id) ? [position.seq, position.id] : position.seq);
}

/** The place after a whole commit: what a cursor of a commit's position alone reads on from. */
export function afterCommit(seq: number): FeedPosition {
  return { seq, id: Infinity };
}

export function decodeChangeCursor(cursor: string): FeedPosition {
  const value = decodeCursor(cursor, TAG, isCursorValue);
  return typeof value === 'number' ? afterCommit(value) : { seq: value[0], id: value[1] };
}
