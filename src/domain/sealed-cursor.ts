import { createCipheriv, createDecipheriv } from 'node:crypto';

/**
 * Cursors that name a place in a sequence every integration shares (the change feed's commit
 * positions, webhook deliveries' numbers), sealed with the integration's own key so that the
 * numbers inside do not show how fast the other integrations write.
 *
 * A cursor is one AES-128 block, encrypted alone (a pseudorandom permutation of 128 bits, so no
 * IV and no mode is needed) and written as 22 base64url characters: the kind of list (1 byte), two
 * 48-bit numbers, and 3 fixed bytes. A string that opens to other fixed bytes, or to another
 * kind, was not handed out with this key (one chance in 2^32 for a made-up one). Sealing is
 * deterministic: the same place gives the same cursor, so an answer at the end of the feed hands
 * back the cursor it was given.
 */
export type SealedCursorKind = 'changes' | 'deliveries';

/** The second number of a place that has none (the place after a whole commit). */
export const NO_SECOND = 2 ** 48 - 1;
const KIND_BYTE: Record<SealedCursorKind, number> = { changes: 1, deliveries: 2 };
const MAGIC = [0x4c, 0x63, 0x72];
const BLOCK = 16;
const SEALED_FORM = /^[A-Za-z0-9_-]{22}$/;

/** The cursors of `places` (pairs of numbers from 0 to NO_SECOND), all sealed in one cipher call. */
export function sealCursors(key: Buffer, kind: SealedCursorKind, places: ReadonlyArray<readonly [number, number]>): string[] {
  const blocks = Buffer.alloc(places.length * BLOCK);
  places.forEach(([first, second], i) => {
    if (!fits(first) || !fits(second)) throw new RangeError(`a cursor holds numbers from 0 to 2^48 - 1, not ${first}, ${second}`);
    const at = i * BLOCK;
    blocks[at] = KIND_BYTE[kind];
    blocks.writeUIntBE(first, at + 1, 6);
    blocks.writeUIntBE(second, at + 7, 6);
    blocks.set(MAGIC, at + 13);
  });
  const cipher = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
  const sealed = Buffer.concat([cipher.update(blocks), cipher.final()]);
  return places.map((_, i) => sealed.subarray(i * BLOCK, (i + 1) * BLOCK).toString('base64url'));
}

/** The place a cursor sealed with `key` for this kind of list names; undefined for any other string. */
export function openCursor(key: Buffer, kind: SealedCursorKind, cursor: string): [number, number] | undefined {
  if (!SEALED_FORM.test(cursor)) return undefined;
  const decipher = createDecipheriv('aes-128-ecb', key, null).setAutoPadding(false);
  const block = Buffer.concat([decipher.update(Buffer.from(cursor, 'base64url')), decipher.final()]);
  if (block.length !== BLOCK || block[0] !== KIND_BYTE[kind] || MAGIC.some((byte, i) => block[13 + i] !== byte)) return undefined;
  return [block.readUIntBE(1, 6), block.readUIntBE(7, 6)];
}

function fits(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0 && n <= NO_SECOND;
}
