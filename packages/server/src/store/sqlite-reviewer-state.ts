/**
 * @module store/sqlite-reviewer-state
 * The {@link ReviewerStateStore} of the SQLite store, on its connection and its group
 * commit (tables of schema version 5, `sqlite-schema.ts`). Every write runs in the shared
 * `BEGIN IMMEDIATE` transaction, so it is atomic across the processes on one file: a token
 * insert that finds the token already there wrote nothing, and a counter update reads and
 * writes its rows with no other writer in between.
 */
import type Database from "better-sqlite3";
import type { ReviewerStateStore, SignInCounter } from "./reviewer-state.js";
import { EXPIRING_REVIEWER_TABLES, REVIEWER_STATE_SIZE_SQL } from "./reviewer-state-sql.js";
import type { GroupCommit } from "./sqlite-group-commit.js";

interface CounterRow {
  key: string;
  failures: number;
  locked_until_ms: number;
  expires_ms: number;
}

/** Creates the reviewer state over an open, migrated database and its group commit. */
export function createSqliteReviewerState(
  db: Database.Database,
  groupCommit: GroupCommit,
): ReviewerStateStore {
  const q = {
    revoke: db.prepare<[string, number]>(
      `INSERT INTO reviewer_revoked_sessions (session_id, expires_ms) VALUES (?, ?)
       ON CONFLICT (session_id) DO UPDATE SET expires_ms = MAX(expires_ms, excluded.expires_ms)`,
    ),
    cutoff: db.prepare<[string, number, number]>(
      `INSERT INTO reviewer_session_cutoffs (reviewer, before_ms, expires_ms) VALUES (?, ?, ?)
       ON CONFLICT (reviewer) DO UPDATE SET before_ms = MAX(before_ms, excluded.before_ms),
         expires_ms = MAX(expires_ms, excluded.expires_ms)`,
    ),
    ended: db.prepare<[string, string, number], { ended: number }>(
      `SELECT EXISTS (SELECT 1 FROM reviewer_revoked_sessions WHERE session_id = ?)
           OR EXISTS (SELECT 1 FROM reviewer_session_cutoffs WHERE reviewer = ? AND before_ms > ?)
         AS ended`,
    ),
    credentials: db.prepare<[], { reviewer: string; fingerprint: string }>(
      "SELECT reviewer, fingerprint FROM reviewer_credentials",
    ),
    setCredential: db.prepare<[string, string]>(
      `INSERT INTO reviewer_credentials (reviewer, fingerprint) VALUES (?, ?)
       ON CONFLICT (reviewer) DO UPDATE SET fingerprint = excluded.fingerprint`,
    ),
    dropCredential: db.prepare<[string]>("DELETE FROM reviewer_credentials WHERE reviewer = ?"),
    useToken: db.prepare<[string, number]>(
      `INSERT INTO reviewer_used_tokens (token_id, expires_ms) VALUES (?, ?)
       ON CONFLICT (token_id) DO NOTHING`,
    ),
    tokenUsed: db.prepare<[string], { one: number }>(
      "SELECT 1 AS one FROM reviewer_used_tokens WHERE token_id = ?",
    ),
    releaseToken: db.prepare<[string]>("DELETE FROM reviewer_used_tokens WHERE token_id = ?"),
    counter: db.prepare<[string, number], CounterRow>(
      "SELECT * FROM reviewer_sign_in_failures WHERE key = ? AND expires_ms > ?",
    ),
    setCounter: db.prepare<[string, number, number, number]>(
      `INSERT INTO reviewer_sign_in_failures (key, failures, locked_until_ms, expires_ms)
       VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET failures = excluded.failures,
         locked_until_ms = excluded.locked_until_ms, expires_ms = excluded.expires_ms`,
    ),
    dropCounter: db.prepare<[string]>("DELETE FROM reviewer_sign_in_failures WHERE key = ?"),
    purge: EXPIRING_REVIEWER_TABLES.map((t) =>
      db.prepare<[number]>(`DELETE FROM ${t} WHERE expires_ms <= ?`),
    ),
    size: db.prepare<[], { n: number }>(REVIEWER_STATE_SIZE_SQL),
  };
  const single = { singleStatement: true };

  return {
    revokeSession(sessionId, expiresAt) {
      return groupCommit.run(() => void q.revoke.run(sessionId, expiresAt), single);
    },
    endSessions(reviewer, before, keepUntil) {
      return groupCommit.run(() => void q.cutoff.run(reviewer, before, keepUntil), single);
    },
    async sessionEnded(session) {
      return q.ended.get(session.id, session.reviewer, session.issuedAt)?.ended === 1;
    },
    recordCredentials(fingerprints, now, keepUntil) {
      return groupCommit.run(() => {
        const changed: string[] = [];
        for (const { reviewer, fingerprint } of q.credentials.all()) {
          if (fingerprints[reviewer] === fingerprint) continue;
          changed.push(reviewer);
          q.cutoff.run(reviewer, now, keepUntil);
          if (!Object.hasOwn(fingerprints, reviewer)) q.dropCredential.run(reviewer);
        }
        for (const [reviewer, fingerprint] of Object.entries(fingerprints))
          q.setCredential.run(reviewer, fingerprint);
        return changed;
      });
    },
    useToken(tokenId, expiresAt) {
      return groupCommit.run(() => q.useToken.run(tokenId, expiresAt).changes === 1, single);
    },
    async tokenUsed(tokenId) {
      return q.tokenUsed.get(tokenId) !== undefined;
    },
    async releaseToken(tokenId) {
      await groupCommit.run(() => {
        q.releaseToken.run(tokenId);
      }, single);
    },
    updateSignInCounters(keys, now, change) {
      return groupCommit.run(() => {
        const current = new Map<string, SignInCounter>();
        for (const key of keys) {
          const row = q.counter.get(key, now);
          if (row)
            current.set(key, {
              failures: row.failures,
              lockedUntil: row.locked_until_ms,
              expiresAt: row.expires_ms,
            });
        }
        const { result, changes } = change(current);
        for (const [key, c] of changes) {
          if (c) q.setCounter.run(key, c.failures, c.lockedUntil, c.expiresAt);
          else q.dropCounter.run(key);
        }
        return result;
      });
    },
    purge(now) {
      return groupCommit.run(() => q.purge.reduce((n, stmt) => n + stmt.run(now).changes, 0));
    },
    async size() {
      return q.size.get()?.n ?? 0;
    },
  };
}
