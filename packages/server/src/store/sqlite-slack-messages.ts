/**
 * @module store/sqlite-slack-messages
 * The {@link SlackMessageStore} of the SQLite store, on its connection (table
 * `slack_messages`, schema version 4). `take` is one `DELETE ... RETURNING` statement,
 * atomic even with several processes on one file. Statements are prepared once.
 */
import type Database from "better-sqlite3";
import type { SlackMessageStore } from "./slack-message-store.js";

/** Creates the SQLite {@link SlackMessageStore} on `db` (migrated by `migrateSqlite`). */
export function createSqliteSlackMessages(db: Database.Database): SlackMessageStore {
  const q = {
    save: db.prepare<[string, string, string, number]>(
      `INSERT INTO slack_messages (action_id, channel, ts, expires_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT (action_id) DO UPDATE
         SET channel = excluded.channel, ts = excluded.ts, expires_ms = excluded.expires_ms`,
    ),
    take: db.prepare<[string], { channel: string; ts: string; expires_ms: number }>(
      "DELETE FROM slack_messages WHERE action_id = ? RETURNING channel, ts, expires_ms",
    ),
    purge: db.prepare<[number]>("DELETE FROM slack_messages WHERE expires_ms < ?"),
  };
  return {
    async save(actionId, entry) {
      q.save.run(actionId, entry.channel, entry.ts, entry.expiresAtMs);
    },
    async take(actionId) {
      const row = q.take.get(actionId);
      return row && { channel: row.channel, ts: row.ts, expiresAtMs: row.expires_ms };
    },
    async purgeExpired(nowMs) {
      return q.purge.run(nowMs).changes;
    },
  };
}
