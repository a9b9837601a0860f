/**
 * @module inbox/stats-report
 * The reviewer analytics report: what `/api/stats` answers (as JSON, snake_case like the
 * rest of the wire) and what `/analytics` draws. One report covers one range ending now and
 * counts only the actions the asking reviewer may see (rights and assignees, the same rule
 * as the inbox lists).
 */
import type { protocol } from "@safeguards/core";

const HOUR_MS = 3_600_000;

/**
 * The ranges a report can cover: total span and width of one time bin (bins aligned to UTC
 * multiples of the width, see `statsQueryOf`).
 */
export const STATS_RANGES = {
  "24h": { spanMs: 24 * HOUR_MS, binMs: HOUR_MS },
  "7d": { spanMs: 7 * 24 * HOUR_MS, binMs: 6 * HOUR_MS },
  "30d": { spanMs: 30 * 24 * HOUR_MS, binMs: 24 * HOUR_MS },
} as const;

/** One of {@link STATS_RANGES}' keys; `24h` is the default. */
export type StatsRange = keyof typeof STATS_RANGES;

/** A terminal status: how an action ended. */
export type FinalStatus = Exclude<protocol.ActionRecord["status"], "pending">;

/** How many actions ended in each way. */
export type OutcomeCounts = Record<FinalStatus, number>;

/**
 * Time from filing to a reviewer's decision (approved, modified or rejected; time-outs and
 * cancellations are not reviewer decisions) for one tool, one agent, or everything.
 */
export interface DecisionTimeSummary {
  /** Tool name or agent id; `null` for actions without a tool, and for the overall row. */
  key: string | null;
  count: number;
  /** `null` when `count` is 0. */
  median_seconds: number | null;
  p90_seconds: number | null;
  /**
   * Histogram, in increasing bucket order; each counts decisions that took at most
   * `up_to_seconds` and more than the previous bucket's bound (`null`: the open last bucket).
   */
  buckets: { up_to_seconds: number | null; count: number }[];
}

/** A pending action that has waited long. */
export interface SlowPendingAction {
  id: string;
  agent_id: string;
  /** `action.name`; `null` for an action without a tool. */
  tool: string | null;
  title: string;
  created_at: string;
  waiting_seconds: number;
  /** Escalation steps applied so far. */
  escalations: number;
}

/** The analytics report of one reviewer over one range. */
export interface StatsReport {
  range: StatsRange;
  /**
   * ISO 8601 start and end (now) of the range: `since` is the start of the UTC-aligned bin
   * holding `now - span` (bins are whole hours, 6-hour blocks or days); the last bin, the
   * current one, ends at now inclusive.
   */
  since: string;
  until: string;
  /** Width of one time bin of `backlog`, `outcomes` and `escalations`. */
  bin_seconds: number;
  /** Pending actions at the end of each bin, oldest bin first (last point: now). */
  backlog: { at: string; pending: number }[];
  /** Actions that ended in the range, per tool (sorted by name, `null` last). */
  outcomes: {
    tool: string | null;
    total: OutcomeCounts;
    /** One entry per bin, oldest first, every bin present. */
    bins: ({ start: string } & OutcomeCounts)[];
  }[];
  decision_time: {
    overall: DecisionTimeSummary;
    by_tool: DecisionTimeSummary[];
    by_agent: DecisionTimeSummary[];
  };
  /** Longest-waiting pending actions, oldest first (at most 10). */
  slowest_pending: SlowPendingAction[];
  /** Escalation steps applied in the range (every bin present, oldest first). */
  escalations: { total: number; bins: { start: string; count: number }[] };
}
