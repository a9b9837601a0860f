/**
 * @module test/stats-daily-recount
 * Checks the SQLite store's daily rollup (`action_stats_daily`) against a recount of the
 * `actions` rows it summarises, written here independently of the triggers and backfill.
 */
import Database from "better-sqlite3";
import { expect } from "vitest";

const DAY = 86_400_000;
const STATUSES = ["approved", "modified", "rejected", "timed_out", "cancelled"];
const BUCKETS = 15;

/** `day -> group -> counts` of the rollup or of the recount, zero rows left out. */
type Days = Record<string, Record<string, number>>;

interface ActionRow {
  group_key: string;
  status: string;
  created_ms: number | null;
  decided_ms: number | null;
  decision_bucket: number | null;
}

/** Recounts, per UTC day and group, filings, ends per status and bucket, longest decision. */
function recount(rows: ActionRow[]): Days {
  const days: Days = {};
  const cell = (ms: number, key: string) => {
    const day = Math.floor(ms / DAY) * DAY;
    days[`${day} ${key}`] ??= {};
    return days[`${day} ${key}`] as Record<string, number>;
  };
  const add = (c: Record<string, number>, column: string, n = 1) => {
    c[column] = (c[column] ?? 0) + n;
  };
  for (const r of rows) {
    if (r.created_ms !== null) add(cell(r.created_ms, r.group_key), "filed");
    if (r.decided_ms === null) continue;
    const c = cell(r.decided_ms, r.group_key);
    add(c, r.status);
    if (r.decision_bucket === null) continue;
    add(c, `b${r.decision_bucket}`);
    const took = Math.max(0, r.decided_ms - (r.created_ms ?? r.decided_ms));
    if (took > (c.longest ?? 0)) c.longest = took; // the rollup's 0 is left out
  }
  return days;
}

/** The rollup's rows as {@link Days}, zero counts left out. */
function rollup(db: Database.Database): Days {
  const days: Days = {};
  const columns = ["filed", ...STATUSES, ...Array.from({ length: BUCKETS }, (_, i) => `b${i}`)];
  for (const row of db.prepare("SELECT * FROM action_stats_daily").all() as Record<
    string,
    number | string
  >[]) {
    const counts: Record<string, number> = {};
    for (const c of [...columns, "longest"]) if (row[c] !== 0) counts[c] = row[c] as number;
    if (Object.keys(counts).length > 0) days[`${row.day_ms} ${row.group_key}`] = counts;
  }
  return days;
}

/** Expects the rollup of the SQLite file at `path` to equal a recount of its actions. */
export function expectRollupMatchesRecount(path: string): void {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db
      .prepare("SELECT group_key, status, created_ms, decided_ms, decision_bucket FROM actions")
      .all() as ActionRow[];
    const expected = recount(rows);
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    expect(rollup(db)).toEqual(expected);
  } finally {
    db.close();
  }
}
