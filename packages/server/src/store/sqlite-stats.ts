/**
 * @module store/sqlite-stats
 * The SQLite store's {@link ActionStore.stats} and {@link ActionStore.oldestPending}: grouped
 * counts over the analytics columns of schema version 9 (`created_ms`, `decided_ms`,
 * `group_key`, `escalated_ms`, `decision_bucket`), each query a range scan of one index (the
 * covering `actions_stats_decided` for outcomes and decision times), so the work grows with
 * the actions in the range, not with the whole table. Filed and ended actions are counted
 * one bin at a time: SQLite sorts many small groups far faster than one large one. Bins that
 * are whole UTC days are read from the daily rollup instead (`sqlite-stats-daily.ts`): a
 * 30-day report groups the rows of its last, partial day, not of 30 days. No record is read
 * except for escalation steps (only actions escalated since the range began) and the oldest
 * pending page.
 */
import type Database from "better-sqlite3";
import {
  addAt,
  binCount,
  checkStatsQuery,
  type GroupStats,
  type StatsQuery,
  statsAccumulator,
} from "./action-stats.js";
import type { ActionStore } from "./action-store.js";
import { ACTION_COLUMNS, type ActionRow, actionFromRow } from "./sql-rows.js";
import { addDailyRows, dailyEndOf, SQLITE_STATS_DAILY_SQL } from "./sqlite-stats-daily.js";

type Since = { since: number };
/** Bins start at `since`; the actions counted here are those of `[start, until)`. */
type Range = { since: number; start: number; until: number; bin: number };

/** The bin of `created_ms` (inside the range). */
const createdBin = "CAST((created_ms - @since) / @bin AS INTEGER)";

/** Rows of the grouped queries (`k`: group_key; other columns per query). */
interface CountedRow {
  k: string;
  n: number;
  status?: string;
  bucket?: number | null;
  longest?: number | null;
  /** The filing bin, -1 when filed outside the range. */
  cbin?: number;
}

/** The statements (exported for the test that checks each one runs on an index). */
export const SQLITE_STATS_SQL = {
  // Filed before `since` and not ended before it: still pending, or ended at/after it (the
  // unary + keeps the second part on the decided index, whatever the history before it).
  pendingAtStart: `SELECT k, SUM(n) AS n FROM (
         SELECT group_key AS k, COUNT(*) AS n FROM actions
           WHERE status = 'pending' AND created_ms < @since GROUP BY 1
         UNION ALL
         SELECT group_key AS k, COUNT(*) AS n FROM actions
           WHERE decided_ms >= @since AND +created_ms < @since GROUP BY 1)
       GROUP BY k`,
  // Filed in [start, until) and not ended in it (still pending, or ended after it): the
  // others are counted by `ended`, which reads `created_ms` from its covering index.
  filedNotEnded: `SELECT group_key AS k, ${createdBin} AS cbin, COUNT(*) AS n FROM actions
         WHERE status = 'pending' AND created_ms >= @start AND created_ms < @until GROUP BY 1, 2
       UNION ALL
       SELECT group_key AS k, ${createdBin} AS cbin, COUNT(*) AS n FROM actions
         WHERE decided_ms >= @until AND +created_ms >= @start AND +created_ms < @until
         GROUP BY 1, 2`,
  // One bin of ended actions at a time (many small grouped sorts cost SQLite far less than
  // one large one): outcomes, decision times and the filing bin, from the covering index.
  ended: `SELECT group_key AS k, status, decision_bucket AS bucket, COUNT(*) AS n,
         MAX(decided_ms - created_ms) AS longest,
         IIF(created_ms >= @start AND created_ms < @until, ${createdBin}, -1) AS cbin
       FROM actions WHERE decided_ms >= @from AND decided_ms < @to GROUP BY 1, 2, 3, 6`,
  // Actions whose latest step is at/after `since` (indexed), then each of their steps.
  escalationSteps: `SELECT a.group_key AS k, j.value ->> '$.escalated_at' AS at
       FROM actions a, json_each(a.record, '$.escalations') j WHERE a.escalated_ms >= @since`,
  oldestPending: `SELECT ${ACTION_COLUMNS} FROM actions WHERE status = 'pending'
       ORDER BY created_ms, id LIMIT ?`,
  oldestPendingAfter: `SELECT ${ACTION_COLUMNS} FROM actions WHERE status = 'pending' AND (created_ms, id) > (?, ?)
       ORDER BY created_ms, id LIMIT ?`,
  daily: SQLITE_STATS_DAILY_SQL,
};

/** Prepares the queries on `db`. */
export function sqliteStats(db: Database.Database): Pick<ActionStore, "stats" | "oldestPending"> {
  const q = {
    pendingAtStart: db.prepare<Since, CountedRow>(SQLITE_STATS_SQL.pendingAtStart),
    filedNotEnded: db.prepare<Range, CountedRow>(SQLITE_STATS_SQL.filedNotEnded),
    ended: db.prepare<Range & { from: number; to: number }, CountedRow>(SQLITE_STATS_SQL.ended),
    daily: db
      .prepare<{ since: number; to: number; bin: number }, unknown[]>(SQLITE_STATS_SQL.daily)
      .raw(),
    escalationSteps: db.prepare<Since, { k: string; at: string | null }>(
      SQLITE_STATS_SQL.escalationSteps,
    ),
    oldestPending: db.prepare<[number], ActionRow>(SQLITE_STATS_SQL.oldestPending),
    oldestPendingAfter: db.prepare<[number, string, number], ActionRow>(
      SQLITE_STATS_SQL.oldestPendingAfter,
    ),
  };
  return {
    async stats(query) {
      checkStatsQuery(query);
      return collect(query);
    },
    async oldestPending(query) {
      const rows = query.after
        ? q.oldestPendingAfter.all(query.after.createdMs, query.after.id, query.limit)
        : q.oldestPending.all(query.limit);
      return rows.map(actionFromRow);
    },
  };

  function collect(query: StatsQuery): GroupStats[] {
    const since = { since: query.sinceMs };
    // Whole-day bins before `start` come from the rollup, the others from the actions.
    const start = dailyEndOf(query);
    const range = { since: query.sinceMs, start, until: query.untilMs, bin: query.binMs };
    const acc = statsAccumulator(query);
    for (const r of q.pendingAtStart.all(since)) acc.group(r.k).pendingAtStart += Number(r.n);
    if (start > query.sinceMs) {
      addDailyRows(acc, q.daily.all({ since: query.sinceMs, to: start, bin: query.binMs }));
    }
    for (const r of q.filedNotEnded.all(range)) addAt(acc.group(r.k).filed, r.cbin, r.n);
    for (
      let bin = Math.round((start - query.sinceMs) / query.binMs);
      bin < binCount(query);
      bin++
    ) {
      const from = query.sinceMs + bin * query.binMs;
      const span = { ...range, from, to: Math.min(from + query.binMs, query.untilMs) };
      for (const r of q.ended.all(span)) {
        const g = acc.group(r.k);
        addAt(g.filed, r.cbin, r.n);
        countEnded(g, r, bin);
      }
    }
    for (const r of q.escalationSteps.all(since)) {
      const bin = r.at === null ? undefined : acc.binOf(Date.parse(r.at));
      if (bin !== undefined) addAt(acc.group(r.k).escalations, bin, 1);
    }
    return acc.result();
  }
}

/** Adds `n` actions that ended in `bin` with `status` (and, if decided, `bucket`) to `g`. */
function countEnded(
  g: GroupStats,
  r: { status?: string; bucket?: number | null; n: number; longest?: number | null },
  bin: number,
): void {
  const ended = g.ended[r.status as keyof GroupStats["ended"]];
  if (ended) addAt(ended, bin, r.n);
  if (r.bucket === null || r.bucket === undefined || r.bucket < 0) return;
  addAt(g.decisionTimes, r.bucket, r.n);
  g.longestDecisionMs = Math.max(g.longestDecisionMs, Number(r.longest ?? 0));
}
