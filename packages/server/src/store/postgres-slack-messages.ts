/**
 * @module store/postgres-slack-messages
 * The {@link SlackMessageStore} of the PostgreSQL store, on its Pool (table
 * `slack_messages`, migration 4). `take` is one `DELETE ... RETURNING`: under concurrent
 * callers on any number of instances, PostgreSQL lets exactly one delete the row.
 */
import type pg from "pg";
import { unstorable } from "./postgres-text.js";
import type { SlackMessageEntry, SlackMessageStore } from "./slack-message-store.js";

interface Row {
  channel: string;
  ts: string;
  expires_ms: string;
}

/** Creates the PostgreSQL {@link SlackMessageStore} on `pool` (migrated by the store's `init()`). */
export function createPostgresSlackMessages(pool: pg.Pool): SlackMessageStore {
  return {
    async save(actionId, entry) {
      await pool.query(
        `INSERT INTO slack_messages (action_id, channel, ts, expires_ms) VALUES ($1, $2, $3, $4)
         ON CONFLICT (action_id) DO UPDATE
           SET channel = EXCLUDED.channel, ts = EXCLUDED.ts, expires_ms = EXCLUDED.expires_ms`,
        [actionId, entry.channel, entry.ts, entry.expiresAtMs],
      );
    },
    async take(actionId): Promise<SlackMessageEntry | undefined> {
      if (unstorable(actionId)) return undefined;
      const { rows } = await pool.query<Row>(
        "DELETE FROM slack_messages WHERE action_id = $1 RETURNING channel, ts, expires_ms",
        [actionId],
      );
      const row = rows[0];
      return row && { channel: row.channel, ts: row.ts, expiresAtMs: Number(row.expires_ms) };
    },
    async purgeExpired(nowMs) {
      const { rowCount } = await pool.query("DELETE FROM slack_messages WHERE expires_ms < $1", [
        nowMs,
      ]);
      return rowCount ?? 0;
    },
  };
}
