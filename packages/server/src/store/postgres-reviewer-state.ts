/**
 * @module store/postgres-reviewer-state
 * The {@link ReviewerStateStore} of the PostgreSQL store, on its Pool (tables of migration
 * 4). Using a token is one `INSERT ... ON CONFLICT DO NOTHING`, so exactly one of any number
 * of concurrent uses, in any instance, inserts the row. A counter update runs in one
 * transaction under a transaction-level advisory lock per key (taken in ascending order, so
 * two updates never deadlock), which makes read, decide and write atomic across instances
 * even for counters that do not exist yet. Counter keys are stored as their SHA-256
 * (PostgreSQL text cannot hold the NUL a sign-in name may carry, and the names people tried
 * are not kept in clear). Recording credentials is serialised by one advisory lock, so
 * instances starting together compare against each other's writes.
 */
import { createHash } from "node:crypto";
import type pg from "pg";
import { inTransaction } from "./postgres-transaction.js";
import type { ReviewerStateStore, SignInCounter } from "./reviewer-state.js";
import { EXPIRING_REVIEWER_TABLES, REVIEWER_STATE_SIZE_SQL } from "./reviewer-state-sql.js";

/** First key of the reviewer state's advisory locks (distinct from the other namespaces). */
const REVIEWER_STATE_LOCK_NAMESPACE = 0x5afe_0003;
/** Second key of the lock held while recording credentials (counter keys hash elsewhere). */
const CREDENTIALS_LOCK_KEY = 0;

interface CounterRow {
  key: string;
  failures: number;
  locked_until_ms: string;
  expires_ms: string;
}

const digestOf = (key: string) => createHash("sha256").update(key).digest();
/** A counter's row key: its key's SHA-256. */
const rowKeyOf = (key: string) => digestOf(key).toString("base64url");
/** A counter key's advisory-lock key: 31 bits of its SHA-256, never the credentials' key. */
const lockKeyOf = (key: string) => (digestOf(key).readUInt32BE(0) >>> 1) + 1;

const CUTOFF_SQL = `INSERT INTO reviewer_session_cutoffs (reviewer, before_ms, expires_ms)
  VALUES ($1, $2, $3) ON CONFLICT (reviewer) DO UPDATE SET
    before_ms = GREATEST(reviewer_session_cutoffs.before_ms, excluded.before_ms),
    expires_ms = GREATEST(reviewer_session_cutoffs.expires_ms, excluded.expires_ms)`;

/** Creates the reviewer state over the store's Pool (migrated by the store's `init()`). */
export function createPostgresReviewerState(pool: pg.Pool): ReviewerStateStore {
  return {
    async revokeSession(sessionId, expiresAt) {
      await pool.query(
        `INSERT INTO reviewer_revoked_sessions (session_id, expires_ms) VALUES ($1, $2)
         ON CONFLICT (session_id) DO UPDATE SET expires_ms =
           GREATEST(reviewer_revoked_sessions.expires_ms, excluded.expires_ms)`,
        [sessionId, expiresAt],
      );
    },
    async endSessions(reviewer, before, keepUntil) {
      await pool.query(CUTOFF_SQL, [reviewer, before, keepUntil]);
    },
    async sessionEnded(session) {
      const { rows } = await pool.query<{ ended: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM reviewer_revoked_sessions WHERE session_id = $1)
             OR EXISTS (SELECT 1 FROM reviewer_session_cutoffs
                        WHERE reviewer = $2 AND before_ms > $3) AS ended`,
        [session.id, session.reviewer, session.issuedAt],
      );
      return rows[0]?.ended === true;
    },
    recordCredentials(fingerprints, now, keepUntil) {
      return inTransaction(pool, async (client) => {
        await client.query("SELECT pg_advisory_xact_lock($1, $2)", [
          REVIEWER_STATE_LOCK_NAMESPACE,
          CREDENTIALS_LOCK_KEY,
        ]);
        const { rows } = await client.query<{ reviewer: string; fingerprint: string }>(
          "SELECT reviewer, fingerprint FROM reviewer_credentials",
        );
        const changed = rows.filter((r) => fingerprints[r.reviewer] !== r.fingerprint);
        for (const { reviewer } of changed) {
          await client.query(CUTOFF_SQL, [reviewer, now, keepUntil]);
          if (!Object.hasOwn(fingerprints, reviewer))
            await client.query("DELETE FROM reviewer_credentials WHERE reviewer = $1", [reviewer]);
        }
        const entries = Object.entries(fingerprints);
        if (entries.length > 0)
          await client.query(
            `INSERT INTO reviewer_credentials (reviewer, fingerprint)
             SELECT * FROM unnest($1::text[], $2::text[])
             ON CONFLICT (reviewer) DO UPDATE SET fingerprint = excluded.fingerprint`,
            [entries.map(([r]) => r), entries.map(([, f]) => f)],
          );
        return changed.map((r) => r.reviewer);
      });
    },
    async useToken(tokenId, expiresAt) {
      const { rowCount } = await pool.query(
        `INSERT INTO reviewer_used_tokens (token_id, expires_ms) VALUES ($1, $2)
         ON CONFLICT (token_id) DO NOTHING`,
        [tokenId, expiresAt],
      );
      return rowCount === 1;
    },
    async tokenUsed(tokenId) {
      const { rowCount } = await pool.query(
        "SELECT 1 FROM reviewer_used_tokens WHERE token_id = $1",
        [tokenId],
      );
      return (rowCount ?? 0) > 0;
    },
    async releaseToken(tokenId) {
      await pool.query("DELETE FROM reviewer_used_tokens WHERE token_id = $1", [tokenId]);
    },
    updateSignInCounters(keys, now, change) {
      return inTransaction(pool, async (client) => {
        const locks = [...new Set(keys.map(lockKeyOf))].sort((a, b) => a - b);
        for (const lock of locks)
          await client.query("SELECT pg_advisory_xact_lock($1, $2)", [
            REVIEWER_STATE_LOCK_NAMESPACE,
            lock,
          ]);
        const keyOf = new Map(keys.map((k) => [rowKeyOf(k), k]));
        const { rows } = await client.query<CounterRow>(
          `SELECT * FROM reviewer_sign_in_failures WHERE key = ANY($1::text[]) AND expires_ms > $2`,
          [[...keyOf.keys()], now],
        );
        const current = new Map<string, SignInCounter>(
          rows.map((r) => [
            keyOf.get(r.key) ?? r.key,
            {
              failures: r.failures,
              lockedUntil: Number(r.locked_until_ms),
              expiresAt: Number(r.expires_ms),
            },
          ]),
        );
        const { result, changes } = change(current);
        for (const [key, c] of changes) {
          if (!c) {
            await client.query("DELETE FROM reviewer_sign_in_failures WHERE key = $1", [
              rowKeyOf(key),
            ]);
            continue;
          }
          await client.query(
            `INSERT INTO reviewer_sign_in_failures (key, failures, locked_until_ms, expires_ms)
             VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO UPDATE SET failures = excluded.failures,
               locked_until_ms = excluded.locked_until_ms, expires_ms = excluded.expires_ms`,
            [rowKeyOf(key), c.failures, c.lockedUntil, c.expiresAt],
          );
        }
        return result;
      });
    },
    async purge(now) {
      let n = 0;
      for (const table of EXPIRING_REVIEWER_TABLES) {
        const { rowCount } = await pool.query(`DELETE FROM ${table} WHERE expires_ms <= $1`, [now]);
        n += rowCount ?? 0;
      }
      return n;
    },
    async size() {
      const { rows } = await pool.query<{ n: string }>(REVIEWER_STATE_SIZE_SQL);
      return Number(rows[0]?.n ?? 0);
    },
  };
}
