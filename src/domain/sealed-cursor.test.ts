import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NO_SECOND, openCursor, sealCursors } from './sealed-cursor.js';

const key = randomBytes(16);

describe('sealed cursors', () => {
  it('when places are sealed, then each opens with the same key and kind to the place it names, and the same place seals the same', () => {
    const places: Array<[number, number]> = [
      [0, 0],
      [1, NO_SECOND],
      [2 ** 40 + 7, 123_456_789],
    ];
    const cursors = sealCursors(key, 'changes', places);
    expect(cursors.map((cursor) => openCursor(key, 'changes', cursor))).toEqual(places);
    expect(sealCursors(key, 'changes', [places[2] as [number, number]])).toEqual([cursors[2]]);
    for (const cursor of cursors) expect(cursor).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('when a cursor is opened with another key, as another kind, altered, or is not one at all, then it names no place', () => {
    const [cursor] = sealCursors(key, 'deliveries', [[42, 0]]) as [string];
    expect(openCursor(randomBytes(16), 'deliveries', cursor)).toBeUndefined();
    expect(openCursor(key, 'changes', cursor)).toBeUndefined();
    const altered = `${cursor.slice(0, 5)}${cursor[5] === 'A' ? 'B' : 'A'}${cursor.slice(6)}`;
    expect(openCursor(key, 'deliveries', altered)).toBeUndefined();
    for (const other of ['', 'nonsense', `${cursor}A`, 'WyJjaGFuZ2VzIiwxMjM0XQ']) expect(openCursor(key, 'deliveries', other)).toBeUndefined();
  });

  it('when a number does not fit in 48 bits, then it is not sealed', () => {
    expect(() => sealCursors(key, 'changes', [[2 ** 48, 0]])).toThrow(RangeError);
    expect(() => sealCursors(key, 'changes', [[-1, 0]])).toThrow(RangeError);
  });
});
