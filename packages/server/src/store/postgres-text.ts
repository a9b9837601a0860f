/**
 * @module store/postgres-text
 * What PostgreSQL's `text` cannot hold, for every PostgreSQL store file.
 */

/**
 * PostgreSQL text cannot hold U+0000 (the query fails), and no stored id or agent id holds
 * one, so a lookup key with it matches nothing (a hostile URL must not cause a 500).
 */
export const unstorable = (value: string | undefined) => value?.includes("\u0000") === true;
