import { decodeCursor, unknownCursor } from '../domain/query-params.js';
import { NO_SECOND, openCursor, sealCursors } from '../domain/sealed-cursor.js';
import type { FeedPosition } from './change.repository.js';
import type { CursorKeys } from './cursor-keys.js';

const TAG = 'changes';
const isPosition = (value: unknown): boolean => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
/** A commit's position alone (after all of it), or a commit's position and a change id within it. */
const isCursorValue = (value: unknown): value is number | [number, number] =>
  isPosition(value) || (Array.isArray(value) && value.length === 2 && value.every(isPosition));

/**
 * The feed cursors that read the changes after each of `positions`, sealed with the integration's
 * key (domain/sealed-cursor.ts); `{ seq: 0, id: 0 }` reads from the first change kept.
 */
export function encodeChangeCursors(key: Buffer, positions: readonly FeedPosition[]): string[] {
  return sealCursors(key, 'changes', positions.map((position) => [position.seq, Number.isFinite(position.id) ? position.id : NO_SECOND]));
}

export function encodeChangeCursor(key: Buffer, position: FeedPosition): string {
  return encodeChangeCursors(key, [position])[0] as string;
}

/** The place after a whole commit: what a cursor of a commit's position alone reads on from. */
export function afterCommit(seq: number): FeedPosition {
  return { seq, id: Infinity };
}

/**
 * The place a cursor of this integration's names. A cursor of the form handed out before cursors
 * were sealed (base64url JSON) is read when it is one the API could have handed out (CursorKeys.acceptsUnsealed).
 */
export async function decodeChangeCursor(keys: CursorKeys, integrationId: number, cursor: string): Promise<FeedPosition> {
  const sealed = openCursor(await keys.keyOf(integrationId), 'changes', cursor);
  if (sealed) return { seq: sealed[0], id: sealed[1] === NO_SECOND ? Infinity : sealed[1] };
  const value = decodeCursor(cursor, TAG, isCursorValue);
  const position = typeof value === 'number' ? afterCommit(value) : { seq: value[0], id: value[1] };
  if (!(await keys.acceptsUnsealed('changes', integrationId, position.seq))) throw unknownCursor();
  return position;
}
