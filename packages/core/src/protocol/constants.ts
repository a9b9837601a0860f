/**
 * @module protocol/constants
 * Values of PROTOCOL.md that client and inbox must agree on, beside the schemas.
 */

/** Most decisions in one `GET /decisions` answer; the client asks again with the new cursor. */
export const DECISIONS_PAGE_SIZE = 100;

/**
 * `since` value of `GET /decisions` that means "after the latest decision so far": the inbox
 * answers at once with no decisions and the current cursor, so a fresh client takes the
 * current position without replaying the key's history.
 */
export const SINCE_NOW = "now";
