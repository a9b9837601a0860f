/**
 * @module util/iso-time
 * The inbox's one way to write a time on the wire and in the store: ISO 8601 in UTC with
 * milliseconds (`2026-01-01T00:00:00.000Z`).
 */

/** `value` (ms since the epoch, or a date string) as an ISO 8601 UTC time. */
export const isoTime = (value: string | number): string => new Date(value).toISOString();
