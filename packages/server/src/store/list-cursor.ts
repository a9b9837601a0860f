/**
 * @module store/list-cursor
 * The opaque cursor of the reviewer list (`GET /actions?cursor=`): the insertion sequence
 * of the last action on the previous page.
 */
import { ErrorCode, SafeguardsError } from "@safeguards/core";

/** Encodes an insertion sequence number as a list cursor. */
export function encodeListCursor(seq: number): string {
  return `c${seq.toString(36)}`;
}

/**
 * Decodes a list cursor; `null` when absent. Throws a `SafeguardsError`
 * (`SAFEGUARDS_INVALID_ARGUMENT`) when malformed.
 */
export function decodeListCursor(cursor: string | undefined): number | null {
  if (cursor === undefined) return null;
  if (!isListCursor(cursor)) {
    throw new SafeguardsError(
      ErrorCode.INVALID_ARGUMENT,
      "Malformed list cursor; pass nextCursor from the previous page",
    );
  }
  return Number.parseInt(cursor.slice(1), 36);
}

/** True when `cursor` has the shape of a list cursor. */
export function isListCursor(cursor: string): boolean {
  return /^c[0-9a-z]{1,11}$/.test(cursor);
}
