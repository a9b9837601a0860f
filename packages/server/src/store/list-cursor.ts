/**
 * @module store/list-cursor
 * The opaque cursor of the reviewer list (`GET /actions?cursor=`): the insertion sequence
 * of the last action on the previous page.
 */

/** Encodes an insertion sequence number as a list cursor. */
export function encodeListCursor(seq: number): string {
  return `c${seq.toString(36)}`;
}

/** Decodes a list cursor; `null` when absent. Throws `RangeError` when malformed. */
export function decodeListCursor(cursor: string | undefined): number | null {
  if (cursor === undefined) return null;
  if (!/^c[0-9a-z]{1,11}$/.test(cursor)) throw new RangeError("malformed cursor");
  return Number.parseInt(cursor.slice(1), 36);
}

/** True when `cursor` has the shape of a list cursor. */
export function isListCursor(cursor: string): boolean {
  return /^c[0-9a-z]{1,11}$/.test(cursor);
}
