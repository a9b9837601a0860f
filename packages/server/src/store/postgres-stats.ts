/**
 * @module store/postgres-stats
 * The PostgreSQL store's {@link ActionStore.stats} and {@link ActionStore.oldestPending}, and
 * the analytics columns they read (schema version 10, {@link POSTGRES_STATS_MIGRATION}):
 * `created_ms`, `decided_ms`, `group_key` and `escalated_ms`, set from the record by a
 * `BEFORE INSERT OR UPDATE` trigger, so every writer (this release's statements, the
 * `safeguards_decide` function, an older release during a rolling upgrade) keeps them right
 * without passing them. Each query is a range scan of one index, grouped in the database.
 */
import type pg from "pg";
import {
  addAt,
  checkStatsQuery,
  decisionBucketSql,
  type GroupStats,
  REVIEWER_DECISIONS,
  statsAccumulator,
} from "./action-stats.js";
import type { ActionStore } from "./action-store.js";
import { ACTION_COLUMNS, type ActionRow, actionFromRow } from "./sql-rows.js";

/**
 * Schema version 10: the analytics columns, their trigger, the backfill of existing rows
 * (by the trigger: `SET record = record`) and the indexes. A time PostgreSQL cannot read
 * (an ISO year 0 or beyond 9999) is stored as NULL rather than refusing the write.
 */
export const POSTGRES_STATS_MIGRATION = `
ALTER TABLE actions ADD COLUMN created_ms BIGINT, ADD COLUMN decided_ms BIGINT,
  ADD COLUMN group_key TEXT, ADD COLUMN escalated_ms BIGINT;
CREATE FUNCTION safeguards_iso_ms(p_iso TEXT) RETURNS BIGINT LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN round(extract(epoch FROM p_iso::timestamptz) * 1000);
EXCEPTION WHEN others THEN
  RETURN NULL;
END $$;
CREATE FUNCTION safeguards_stats_columns() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r JSONB := NEW.record::jsonb;
BEGIN
  NEW.created_ms := safeguards_iso_ms(r ->> 'created_at');
  NEW.decided_ms := CASE WHEN NEW.status = 'pending' THEN NULL
    ELSE GREATEST(safeguards_iso_ms(r #>> '{decision,decided_at}'), NEW.created_ms) END;
  NEW.group_key := jsonb_build_array(NEW.agent_id, r #> '{action,name}', r -> 'severity',
    r -> 'assignees')::text;
  NEW.escalated_ms := CASE WHEN jsonb_typeof(r -> 'escalations') = 'array' THEN
    (SELECT max(safeguards_iso_ms(e ->> 'escalated_at'))
       FROM jsonb_array_elements(r -> 'escalations') e) END;
  RETURN NEW;
END $$;
CREATE TRIGGER actions_stats_columns BEFORE INSERT OR UPDATE OF record, status ON actions
  FOR EACH ROW EXECUTE FUNCTION safeguards_stats_columns();
UPDATE actions SET record = record;
CREATE INDEX actions_stats_decided ON actions (decided_ms, group_key, status, created_ms)
  WHERE decided_ms IS NOT NULL;
CREATE INDEX actions_stats_created ON actions (created_ms, group_key);
CREATE INDEX actions_stats_pending ON actions (created_ms, id COLLATE "C")
  WHERE status = 'pending';
CREATE INDEX actions_stats_escalated ON actions (escalated_ms) WHERE escalated_ms IS NOT NULL;
`;

/** Rows of the grouped queries (`k`: group_key); PostgreSQL answers BIGINT as strings. */
interface CountedRow {
  k: string;
  n: string;
  bin?: string;
  status?: string;
  bucket?: number;
  longest?: string | null;
}

const decisions = REVIEWER_DECISIONS.map((s) => `'${s}'`).join(", ");
const binOf = (column: string) => `(${column} - $1::bigint) / $3::bigint`;

/** The statements (exported for the test that checks each one runs on an index). */
export const POSTGRES_STATS_SQL = {
  pendingAtStart: `SELECT k, SUM(n) AS n FROM (
      SELECT group_key AS k, COUNT(*) AS n FROM actions
        WHERE status = 'pending' AND created_ms < $1::bigint GROUP BY 1
      UNION ALL
      SELECT group_key AS k, COUNT(*) AS n FROM actions
        WHERE decided_ms >= $1::bigint AND created_ms < $1::bigint GROUP BY 1) s
    GROUP BY k`,
  filed: `SELECT group_key AS k, ${binOf("created_ms")} AS bin, COUNT(*) AS n FROM actions
    WHERE created_ms >= $1::bigint AND created_ms < $2::bigint GROUP BY 1, 2`,
  ended: `SELECT group_key AS k, status, ${binOf("decided_ms")} AS bin, COUNT(*) AS n FROM actions
    WHERE decided_ms >= $1::bigint AND decided_ms < $2::bigint GROUP BY 1, 2, 3`,
  decisionTimes: `SELECT k, ${decisionBucketSql("took")} AS bucket, COUNT(*) AS n,
      MAX(took) AS longest
    FROM (SELECT group_key AS k, GREATEST(decided_ms - created_ms, 0) AS took FROM actions
      WHERE decided_ms >= $1::bigint AND decided_ms < $2::bigint AND status IN (${decisions})) s
    GROUP BY 1, 2`,
  // Actions whose latest step is at/after `since` (indexed), then each of their steps.
  escalationSteps: `SELECT a.group_key AS k, e ->> 'escalated_at' AS at
    FROM actions a, jsonb_array_elements(a.record::jsonb -> 'escalations') e
    WHERE a.escalated_ms >= $1::bigint`,
};

/** The stats queries over `pool`. */
export function postgresStats(pool: pg.Pool): Pick<ActionStore, "stats" | "oldestPending"> {
  return {
    async stats(query) {
      checkStatsQuery(query);
      const { sinceMs, untilMs, binMs } = query;
      const run = <R extends pg.QueryResultRow>(sql: string, params: number[]) =>
        pool.query<R>(sql, params).then((r) => r.rows);
      const [atStart, filed, ended, times, steps] = await Promise.all([
        run<CountedRow>(POSTGRES_STATS_SQL.pendingAtStart, [sinceMs]),
        run<CountedRow>(POSTGRES_STATS_SQL.filed, [sinceMs, untilMs, binMs]),
        run<CountedRow>(POSTGRES_STATS_SQL.ended, [sinceMs, untilMs, binMs]),
        run<CountedRow>(POSTGRES_STATS_SQL.decisionTimes, [sinceMs, untilMs]),
        run<{ k: string; at: string | null }>(POSTGRES_STATS_SQL.escalationSteps, [sinceMs]),
      ]);
      const acc = statsAccumulator(query);
      for (const r of atStart) acc.group(r.k).pendingAtStart += Number(r.n);
      for (const r of filed) addAt(acc.group(r.k).filed, r.bin, r.n);
      for (const r of ended) {
        const counts = acc.group(r.k).ended[r.status as keyof GroupStats["ended"]];
        if (counts) addAt(counts, r.bin, r.n);
      }
      for (const r of times) {
        const g = acc.group(r.k);
        addAt(g.decisionTimes, r.bucket, r.n);
        g.longestDecisionMs = Math.max(g.longestDecisionMs, Number(r.longest ?? 0));
      }
      for (const r of steps) {
        const bin = r.at === null ? undefined : acc.binOf(Date.parse(r.at));
        if (bin !== undefined) addAt(acc.group(r.k).escalations, bin, 1);
      }
      return acc.result();
    },
    async oldestPending(query) {
      const after = query.after;
      const { rows } = await pool.query<ActionRow>(
        `SELECT ${ACTION_COLUMNS} FROM actions WHERE status = 'pending'
           ${after ? `AND (created_ms, id COLLATE "C") > ($2::bigint, $3::text)` : ""}
         ORDER BY created_ms, id COLLATE "C" LIMIT $1`,
        after ? [query.limit, after.createdMs, after.id] : [query.limit],
      );
      return rows.map(actionFromRow);
    },
  };
}
