import { decodeCursor, encodeCursor } from '../domain/query-params.js';

const TAG = 'changes';
const isSeq = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** The feed cursor that reads the changes after position `seq` (0: from the first change kept). */
export function encodeChangeCursor(seq: number): string {
  return encodeCursor(TAG, seq);
}

export function decodeChangeCursor(cursor: string): number {
  return decodeCursor(cursor, TAG, isSeq);
}
