/**
 * @module store/sqlite-stats
 * The SQLite store's {@link ActionStore.stats} and {@link ActionStore.oldestPending}: grouped
 * counts over the analytics columns of schema version 9 (`created_ms`, `decided_ms`,
 * `group_key`, `escalated_ms`), each query a range scan of one index (the covering
 * `actions_stats_decided` for outcomes and decision times), so the work grows with the
 * actions in the range, not with the whole table, and no record is read except for
 * escalation steps (only actions escalated in the range) and the oldest pending page.
 */
import type Database from "better-sqlite3";
import {
  addAt,
  checkStatsQuery,
  decisionBucketSql,
  type GroupStats,
  REVIEWER_DECISIONS,
  type StatsQuery,
  statsAccumulator,
} from "./action-stats.js";
import type { ActionStore } from "./action-store.js";
import { ACTION_COLUMNS, type ActionRow, actionFromRow } from "./sql-rows.js";

type Params = { since: number; until: number; bin: number };

/** Rows of the grouped queries (`k`: group_key; other columns per query). */
interface CountedRow {
  k: string;
  n: number;
  bin?: number;
  status?: string;
  bucket?: number;
  longest?: number;
}

const decisions = REVIEWER_DECISIONS.map((s) => `'${s}'`).join(", ");
const binOf = (column: string) => `CAST((${column} - @since) / @bin AS INTEGER)`;

/** Prepares the queries on `db`. */
export function sqliteStats(db: Database.Database): Pick<ActionStore, "stats" | "oldestPending"> {
  const q = {
    // Filed before `since` and not ended before it: still pending, or ended at/after it.
    pendingAtStart: db.prepare<Params, CountedRow>(
      `SELECT k, SUM(n) AS n FROM (
         SELECT group_key AS k, COUNT(*) AS n FROM actions
           WHERE status = 'pending' AND created_ms < @since GROUP BY 1
         UNION ALL
         SELECT group_key AS k, COUNT(*) AS n FROM actions
           WHERE decided_ms >= @since AND created_ms < @since GROUP BY 1)
       GROUP BY k`,
    ),
    filed: db.prepare<Params, CountedRow>(
      `SELECT group_key AS k, ${binOf("created_ms")} AS bin, COUNT(*) AS n FROM actions
       WHERE created_ms >= @since AND created_ms < @until GROUP BY 1, 2`,
    ),
    ended: db.prepare<Params, CountedRow>(
      `SELECT group_key AS k, status, ${binOf("decided_ms")} AS bin, COUNT(*) AS n FROM actions
       WHERE decided_ms >= @since AND decided_ms < @until GROUP BY 1, 2, 3`,
    ),
    decisionTimes: db.prepare<Params, CountedRow>(
      `SELECT k, ${decisionBucketSql("took")} AS bucket, COUNT(*) AS n, MAX(took) AS longest
       FROM (SELECT group_key AS k, MAX(decided_ms - created_ms, 0) AS took FROM actions
         WHERE decided_ms >= @since AND decided_ms < @until AND status IN (${decisions}))
       GROUP BY 1, 2`,
    ),
    // Actions whose latest step is at/after `since` (indexed), then each of their steps.
    escalationSteps: db.prepare<Params, { k: string; at: string | null }>(
      `SELECT a.group_key AS k, j.value ->> '$.escalated_at' AS at
       FROM actions a, json_each(a.record, '$.escalations') j WHERE a.escalated_ms >= @since`,
    ),
    oldestPending: db.prepare<[number], ActionRow>(
      `SELECT ${ACTION_COLUMNS} FROM actions WHERE status = 'pending'
       ORDER BY created_ms, id LIMIT ?`,
    ),
    oldestPendingAfter: db.prepare<[number, string, number], ActionRow>(
      `SELECT ${ACTION_COLUMNS} FROM actions WHERE status = 'pending' AND (created_ms, id) > (?, ?)
       ORDER BY created_ms, id LIMIT ?`,
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
    const params = { since: query.sinceMs, until: query.untilMs, bin: query.binMs };
    const acc = statsAccumulator(query);
    for (const r of q.pendingAtStart.all(params)) acc.group(r.k).pendingAtStart += Number(r.n);
    for (const r of q.filed.all(params)) addAt(acc.group(r.k).filed, r.bin, r.n);
    for (const r of q.ended.all(params)) {
      const ended = acc.group(r.k).ended[r.status as keyof GroupStats["ended"]];
      if (ended) addAt(ended, r.bin, r.n);
    }
    for (const r of q.decisionTimes.all(params)) {
      const g = acc.group(r.k);
      addAt(g.decisionTimes, r.bucket, r.n);
      g.longestDecisionMs = Math.max(g.longestDecisionMs, Number(r.longest ?? 0));
    }
    for (const r of q.escalationSteps.all(params)) {
      const bin = r.at === null ? undefined : acc.binOf(Date.parse(r.at));
      if (bin !== undefined) addAt(acc.group(r.k).escalations, bin, 1);
    }
    return acc.result();
  }
}
