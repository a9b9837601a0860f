/**
 * @module store/reviewer-state-sql
 * SQL shared by the SQLite and PostgreSQL reviewer states (same table names and columns in
 * both schemas).
 */

/** The reviewer-state tables whose rows expire (`expires_ms`), hence are purged. */
export const EXPIRING_REVIEWER_TABLES = [
  "reviewer_revoked_sessions",
  "reviewer_session_cutoffs",
  "reviewer_used_tokens",
  "reviewer_sign_in_failures",
] as const;

/** Counts every reviewer-state row (`n`), the credential fingerprints included. */
export const REVIEWER_STATE_SIZE_SQL = `SELECT ${[
  ...EXPIRING_REVIEWER_TABLES,
  "reviewer_credentials",
]
  .map((t) => `(SELECT COUNT(*) FROM ${t})`)
  .join(" + ")} AS n`;
