/**
 * @module store/action-stats
 * What {@link ActionStore.stats} answers: per group of actions (agent, tool, severity and
 * current assignees, the shape the rights check needs), the numbers of one time range cut
 * into bins. The SQL stores compute them with grouped, indexed queries over the columns
 * `created_ms`, `decided_ms`, `group_key` and `escalated_ms`, kept beside each record; this
 * file holds what every store shares: the group key, the decision-time buckets, and the
 * accumulator that turns counted rows (or, in the memory store, records) into
 * {@link GroupStats}.
 *
 * (The SQLite store also keeps a daily rollup of them, `sqlite-stats-daily.ts`, for bins that
 * are whole UTC days; the numbers are the same.)
 *
 * Time convention: bin `i` covers `[sinceMs + i * binMs, sinceMs + (i + 1) * binMs)`,
 * clipped to `untilMs`; an action is pending at instant `t` when it was filed before `t` and
 * had not ended before `t`.
 */
import type { TerminalStatus } from "@safeguards/core";
import type { ActionGroup, StoredRecord } from "./action-store.js";

/** Query of {@link ActionStore.stats}: `[sinceMs, untilMs)` in bins of `binMs`. */
export interface StatsQuery {
  sinceMs: number;
  untilMs: number;
  binMs: number;
}

/** Most bins one {@link StatsQuery} may ask for. */
export const MAX_STATS_BINS = 1000;

/** The terminal statuses, in the order reports list them. */
export const FINAL_STATUSES: readonly TerminalStatus[] = [
  "approved",
  "modified",
  "rejected",
  "timed_out",
  "cancelled",
];

/** The statuses that are a reviewer's decision (they have a decision time). */
export const REVIEWER_DECISIONS: readonly TerminalStatus[] = ["approved", "modified", "rejected"];

/**
 * Upper bounds (seconds, inclusive) of the decision-time buckets; one more, open bucket
 * follows the last. Fixed, so every store counts the same buckets in SQL.
 */
export const DECISION_TIME_BUCKETS = [
  10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14_400, 28_800, 86_400, 259_200, 604_800,
] as const;

/** The numbers of one group of actions over one {@link StatsQuery}. */
export interface GroupStats extends ActionGroup {
  /** Pending at `sinceMs`: filed before it and not ended before it. */
  pendingAtStart: number;
  /** Actions filed (`created_at`) per bin. */
  filed: number[];
  /** Actions that ended (`decision.decided_at`, see `decidedMsOf`) per bin, per terminal status. */
  ended: Record<TerminalStatus, number[]>;
  /**
   * Reviewer decisions (approved, modified, rejected) that ended in the range, per bucket of
   * {@link DECISION_TIME_BUCKETS} (the open bucket last): time from `created_at` to
   * `decision.decided_at`, 0 when negative.
   */
  decisionTimes: number[];
  /** The longest of those decision times (ms); 0 without any. */
  longestDecisionMs: number;
  /** Escalation steps applied (`escalations[].escalated_at`) per bin. */
  escalations: number[];
}

/** How many bins a query covers. */
export function binCount(query: StatsQuery): number {
  return Math.max(0, Math.ceil((query.untilMs - query.sinceMs) / query.binMs));
}

/** Throws for a query no store should run (bad numbers, too many bins). */
export function checkStatsQuery(query: StatsQuery): void {
  const { sinceMs, untilMs, binMs } = query;
  const ok =
    Number.isSafeInteger(sinceMs) &&
    Number.isSafeInteger(untilMs) &&
    Number.isSafeInteger(binMs) &&
    binMs > 0 &&
    untilMs >= sinceMs &&
    binCount(query) <= MAX_STATS_BINS;
  if (!ok) throw new RangeError(`Invalid stats query ${JSON.stringify(query)}`);
}

/** The group of a record: agent, tool, severity, current assignees. */
export function groupOf(record: StoredRecord): ActionGroup {
  return {
    agentId: record.agent_id,
    tool: record.action?.name ?? null,
    severity: record.severity,
    ...(record.assignees ? { assignees: [...record.assignees] } : {}),
  };
}

/** The `group_key` column of a record: the JSON array `[agent, tool, severity, assignees]`. */
export function groupKeyOf(record: StoredRecord): string {
  return JSON.stringify([
    record.agent_id,
    record.action?.name ?? null,
    record.severity,
    record.assignees ?? null,
  ]);
}

/** The group a `group_key` holds (the SQL stores write it as JSON with their own spacing). */
export function groupOfKey(key: string): ActionGroup {
  const [agentId, tool, severity, assignees] = JSON.parse(key) as [
    string,
    string | null,
    ActionGroup["severity"],
    string[] | null,
  ];
  return { agentId, tool, severity, ...(assignees ? { assignees } : {}) };
}

/** The `created_ms` column: `created_at` in ms, `null` when unreadable. */
export const createdMsOf = (record: StoredRecord): number | null => msOf(record.created_at);

/**
 * The `decided_ms` column: when a terminal record ended (ms), `null` while pending; never
 * before `created_at` (an agent may send a `created_at` later than the decision: the action
 * then counts as ended when it was filed, after 0 s).
 */
export function decidedMsOf(record: StoredRecord): number | null {
  if (record.status === "pending") return null;
  const decided = msOf(record.decision?.decided_at);
  const created = createdMsOf(record);
  return decided === null || created === null ? decided : Math.max(decided, created);
}

/** The `escalated_ms` column: when the latest escalation step was applied (ms), or `null`. */
export function escalatedMsOf(record: StoredRecord): number | null {
  let latest: number | null = null;
  for (const step of record.escalations ?? []) {
    const at = msOf(step.escalated_at);
    if (at !== null && (latest === null || at > latest)) latest = at;
  }
  return latest;
}

const msOf = (iso: string | undefined): number | null => {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
};

/** Index of the decision-time bucket of `ms` (the open bucket is the last index). */
export function decisionBucket(ms: number): number {
  const seconds = Math.max(0, ms) / 1000;
  const index = DECISION_TIME_BUCKETS.findIndex((bound) => seconds <= bound);
  return index === -1 ? DECISION_TIME_BUCKETS.length : index;
}

/**
 * The decision-time bucket of a terminal record (`null` unless a reviewer decided it): the
 * SQLite store keeps it beside the record (`decision_bucket`), so its grouped query reads it
 * from the index instead of evaluating the bucketing per row.
 */
export function decisionBucketOf(record: StoredRecord): number | null {
  const created = createdMsOf(record);
  const decided = decidedMsOf(record);
  if (
    created === null ||
    decided === null ||
    !REVIEWER_DECISIONS.includes(record.status as TerminalStatus)
  )
    return null;
  return decisionBucket(decided - created);
}

/**
 * The same bucketing as SQL, over `(decided_ms - created_ms)`: a `CASE` giving the bucket
 * index (both SQL dialects).
 */
export function decisionBucketSql(durationSql: string): string {
  const whens = DECISION_TIME_BUCKETS.map((b, i) => `WHEN ${durationSql} <= ${b * 1000} THEN ${i}`);
  return `CASE ${whens.join(" ")} ELSE ${DECISION_TIME_BUCKETS.length} END`;
}

/** Collects counted rows into one {@link GroupStats} per group. */
export interface StatsAccumulator {
  /** The stats of the group with this `group_key` (created empty on first use). */
  group(key: string): GroupStats;
  /** The bin of an instant inside the range, or `undefined` outside it. */
  binOf(ms: number): number | undefined;
  /** Every group touched, in first-touched order. */
  result(): GroupStats[];
}

/** Creates a {@link StatsAccumulator} for `query`. */
export function statsAccumulator(query: StatsQuery): StatsAccumulator {
  const bins = binCount(query);
  const zeros = () => new Array<number>(bins).fill(0);
  const groups = new Map<string, GroupStats>();
  const byRawKey = new Map<string, GroupStats>();
  return {
    group(key) {
      const known = byRawKey.get(key);
      if (known) return known;
      const group = groupOfKey(key);
      // Keys are normalised: SQL-written and JS-written keys of one group may differ in spacing.
      const normal = JSON.stringify([group.agentId, group.tool, group.severity, group.assignees]);
      let stats = groups.get(normal);
      if (!stats) {
        stats = {
          ...group,
          pendingAtStart: 0,
          filed: zeros(),
          ended: Object.fromEntries(FINAL_STATUSES.map((s) => [s, zeros()])) as GroupStats["ended"],
          decisionTimes: new Array<number>(DECISION_TIME_BUCKETS.length + 1).fill(0),
          longestDecisionMs: 0,
          escalations: zeros(),
        };
        groups.set(normal, stats);
      }
      byRawKey.set(key, stats);
      return stats;
    },
    binOf(ms) {
      if (!(ms >= query.sinceMs && ms < query.untilMs)) return undefined; // NaN too
      return Math.floor((ms - query.sinceMs) / query.binMs);
    },
    result: () => [...groups.values()],
  };
}

/**
 * Adds a counted row's `n` at `index` (numbers or the strings PostgreSQL answers for
 * BIGINT); an index outside `counts` is ignored.
 */
export function addAt(
  counts: number[],
  index: number | string | null | undefined,
  n: number | string,
): void {
  const i = Number(index);
  if (Number.isInteger(i) && i >= 0 && i < counts.length) counts[i] = (counts[i] ?? 0) + Number(n);
}
