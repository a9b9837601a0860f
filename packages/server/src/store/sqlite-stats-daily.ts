/**
 * @module store/sqlite-stats-daily
 * The SQLite store's daily rollup of the analytics columns: `action_stats_daily` holds, per
 * UTC day, group and kind, how many actions were filed (`kind = 'filed'`, by `created_ms`)
 * and how many ended (`kind = 'ended'`, by `decided_ms`, per `status` and
 * `decision_bucket`, with the longest decision time of the reviewer decisions). Triggers on
 * `actions` keep it in the same statement as every write (insert, decision, timeout,
 * cancellation, a change of group such as an escalation's new assignees, a delete), so it
 * is never behind the actions; schema version 9 creates and backfills it.
 *
 * A stats query whose bins are whole UTC days (`sinceMs` at a UTC midnight, `binMs` a
 * multiple of a day) reads its whole bins from the rollup, a few rows per group and day,
 * instead of grouping every action of the range; a bin that is not whole days (the last one,
 * ending now) is counted from the actions as before.
 */
import {
  addAt,
  DECISION_TIME_BUCKETS,
  FINAL_STATUSES,
  type StatsAccumulator,
  type StatsQuery,
} from "./action-stats.js";

/** One UTC day in ms. */
export const DAY_MS = 86_400_000;

/** The UTC midnight at or before the ms in `sql` (SQL integer arithmetic, negative-safe). */
const dayOf = (sql: string) => `(${sql} - ((${sql} % ${DAY_MS}) + ${DAY_MS}) % ${DAY_MS})`;

/** The count columns of the rollup after `filed`: one per terminal status, one per bucket. */
const BUCKET_COLUMNS = [...DECISION_TIME_BUCKETS, null].map((_, i) => `b${i}`);
const ENDED_COLUMNS = [...FINAL_STATUSES, ...BUCKET_COLUMNS];

/** Each ended column's 0/1 for the action in `row` (NEW or OLD). */
const endedValues = (row: string) => [
  ...FINAL_STATUSES.map((s) => `(${row}.status = '${s}')`),
  ...BUCKET_COLUMNS.map((_, i) => `(${row}.decision_bucket IS ${i})`),
];

const upsert = (columns: string[], values: string[], where: string, update: string) => `
  INSERT INTO action_stats_daily (day_ms, group_key, ${columns.join(", ")})
    SELECT ${values.join(", ")} WHERE ${where}
  ON CONFLICT DO UPDATE SET ${update};`;

/** Adds one action's filing (`row`: NEW or OLD) to the rollup. */
const addFiled = (row: string, when: string) =>
  upsert(
    ["filed"],
    [dayOf(`${row}.created_ms`), `${row}.group_key`, "1"],
    `${row}.created_ms IS NOT NULL AND (${when})`,
    "filed = filed + 1",
  );

/** Adds one action's end (its status, decision bucket and decision time) to the rollup. */
const addEnded = (row: string, when: string) =>
  upsert(
    [...ENDED_COLUMNS, "longest"],
    [
      dayOf(`${row}.decided_ms`),
      `${row}.group_key`,
      ...endedValues(row),
      `IIF(${row}.decision_bucket IS NULL, 0, MAX(${row}.decided_ms - ${row}.created_ms, 0))`,
    ],
    `${row}.decided_ms IS NOT NULL AND (${when})`,
    [
      ...ENDED_COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`),
      "longest = MAX(longest, excluded.longest)",
    ].join(", "),
  );

/** The row of `OLD`'s group and the day in `ms`. */
const oldRow = (ms: string) => `day_ms = ${dayOf(ms)} AND group_key = OLD.group_key`;

/** Removes one action's filing (OLD) from the rollup. */
const removeFiled = (when: string) => `
  UPDATE action_stats_daily SET filed = filed - 1
    WHERE OLD.created_ms IS NOT NULL AND (${when}) AND ${oldRow("OLD.created_ms")};`;

/**
 * Removes one action's end (OLD) from the rollup; the longest decision time of its row is
 * counted again from the actions still in it (the `actions_stats_decided` index, one day).
 */
const removeEnded = (when: string) => {
  const values = endedValues("OLD");
  return `
  UPDATE action_stats_daily SET
    ${ENDED_COLUMNS.map((c, i) => `${c} = ${c} - ${values[i]}`).join(", ")},
    longest = COALESCE((SELECT MAX(MAX(a.decided_ms - a.created_ms, 0)) FROM actions a
      WHERE a.decided_ms >= action_stats_daily.day_ms
        AND a.decided_ms < action_stats_daily.day_ms + ${DAY_MS}
        AND a.group_key = OLD.group_key AND a.decision_bucket IS NOT NULL), 0)
    WHERE OLD.decided_ms IS NOT NULL AND (${when}) AND ${oldRow("OLD.decided_ms")};`;
};

const filedMoved = "OLD.created_ms IS NOT NEW.created_ms OR OLD.group_key IS NOT NEW.group_key";
const endedMoved = `OLD.decided_ms IS NOT NEW.decided_ms OR OLD.group_key IS NOT NEW.group_key
  OR OLD.status IS NOT NEW.status OR OLD.decision_bucket IS NOT NEW.decision_bucket
  OR OLD.created_ms IS NOT NEW.created_ms`;

/**
 * Part of the schema-9 step: the rollup table, its triggers, and its backfill from the
 * actions already in the file (run after the analytics columns are backfilled).
 */
export const SQLITE_STATS_DAILY_DDL = `
CREATE TABLE action_stats_daily (
  day_ms     INTEGER NOT NULL,
  group_key  TEXT    NOT NULL,
  filed      INTEGER NOT NULL DEFAULT 0,
  ${ENDED_COLUMNS.map((c) => `${c} INTEGER NOT NULL DEFAULT 0,`).join("\n  ")}
  longest    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day_ms, group_key)
) WITHOUT ROWID;
CREATE TRIGGER actions_stats_daily_insert AFTER INSERT ON actions
  BEGIN ${addFiled("NEW", "1")} ${addEnded("NEW", "1")} END;
CREATE TRIGGER actions_stats_daily_update
  AFTER UPDATE OF created_ms, decided_ms, group_key, status, decision_bucket ON actions
  BEGIN
    ${removeFiled(filedMoved)} ${addFiled("NEW", filedMoved)}
    ${removeEnded(endedMoved)} ${addEnded("NEW", endedMoved)}
  END;
CREATE TRIGGER actions_stats_daily_delete AFTER DELETE ON actions
  BEGIN ${removeFiled("1")} ${removeEnded("1")} END;
INSERT INTO action_stats_daily (day_ms, group_key, filed)
  SELECT ${dayOf("created_ms")}, group_key, COUNT(*) FROM actions
    WHERE created_ms IS NOT NULL GROUP BY 1, 2;
INSERT INTO action_stats_daily (day_ms, group_key, ${ENDED_COLUMNS.join(", ")}, longest)
  SELECT ${dayOf("decided_ms")}, group_key,
    ${endedValues("actions")
      .map((v) => `SUM${v}`)
      .join(", ")},
    MAX(IIF(decision_bucket IS NULL, 0, MAX(decided_ms - created_ms, 0)))
  FROM actions WHERE decided_ms IS NOT NULL GROUP BY 1, 2
  ON CONFLICT DO UPDATE SET
    ${[...ENDED_COLUMNS, "longest"].map((c) => `${c} = excluded.${c}`).join(", ")};
`;

/**
 * The rollup rows of `[@since, @to)` (whole days), read as arrays: group key, bin, filed,
 * the count per terminal status ({@link FINAL_STATUSES} order), per decision-time bucket,
 * and the longest decision time.
 */
export const SQLITE_STATS_DAILY_SQL = `SELECT group_key, CAST((day_ms - @since) / @bin AS INTEGER),
    filed, ${ENDED_COLUMNS.join(", ")}, longest
  FROM action_stats_daily WHERE day_ms >= @since AND day_ms < @to`;

/** Adds the rollup rows (arrays of {@link SQLITE_STATS_DAILY_SQL}) to `acc`. */
export function addDailyRows(acc: StatsAccumulator, rows: unknown[][]): void {
  const statuses = FINAL_STATUSES.length;
  for (const row of rows) {
    const [key, bin, filed] = row as [string, number, number];
    // A group that moved away (new assignees) may leave a row of zeros: not a group touched.
    if (row.every((v, i) => i < 2 || v === 0)) continue;
    const g = acc.group(key);
    addAt(g.filed, bin, filed);
    FINAL_STATUSES.forEach((s, i) => {
      addAt(g.ended[s], bin, row[3 + i] as number);
    });
    BUCKET_COLUMNS.forEach((_, i) => {
      addAt(g.decisionTimes, i, row[3 + statuses + i] as number);
    });
    g.longestDecisionMs = Math.max(g.longestDecisionMs, row[row.length - 1] as number);
  }
}

/**
 * Where the whole-day bins of `query` end: the bins before it are read from the rollup,
 * the rest from the actions. `sinceMs` when the bins are not whole UTC days.
 */
export function dailyEndOf(query: StatsQuery): number {
  const { sinceMs, untilMs, binMs } = query;
  if (sinceMs % DAY_MS !== 0 || binMs % DAY_MS !== 0) return sinceMs;
  return sinceMs + Math.floor((untilMs - sinceMs) / binMs) * binMs;
}
